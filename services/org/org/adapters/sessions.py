"""Login sessions, stored by the digest of their refresh token (never the token itself)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from org.adapters.session_tables import login_sessions
from org.domain.sessions import LoginSession


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, login: LoginSession) -> None:
        await self._session.execute(insert(login_sessions).values(
            id=login.id, employee_id=login.employee_id, token_digest=login.token_digest,
            opened_at=login.opened_at, expires_at=login.expires_at))

    async def by_digest(self, digest: str) -> LoginSession | None:
        row = (await self._session.execute(
            select(login_sessions).where(login_sessions.c.token_digest == digest).with_for_update())).first()
        return _session(row) if row else None

    async def close(self, session_id: uuid.UUID, at: datetime, succeeded_by: uuid.UUID | None = None) -> None:
        await self._session.execute(update(login_sessions).where(
            login_sessions.c.id == session_id, login_sessions.c.closed_at.is_(None))
            .values(closed_at=at, succeeded_by=succeeded_by))

    async def close_all_of(self, employee_id: uuid.UUID, at: datetime) -> int:
        result = await self._session.execute(update(login_sessions).where(
            login_sessions.c.employee_id == employee_id, login_sessions.c.closed_at.is_(None)).values(closed_at=at))
        return result.rowcount or 0


def _session(row: Any) -> LoginSession:
    return LoginSession(id=row.id, employee_id=row.employee_id, token_digest=row.token_digest,
                        opened_at=row.opened_at, expires_at=row.expires_at, closed_at=row.closed_at,
                        succeeded_by=row.succeeded_by)
