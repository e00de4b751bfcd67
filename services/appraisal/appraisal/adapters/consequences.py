"""Retraining and dismissal cases (A6; domain.consequences)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal.adapters.tables import dismissal_cases, retraining_cases
from appraisal.domain.consequences import CaseStatus, DismissalCase, MonthlyScore, RetrainingCase


def _scores_json(items: Collection[MonthlyScore]) -> list[dict[str, str]]:
    return [{"period": item.period, "score": str(item.score)} for item in items]


def _scores(raw: list[dict[str, str]]) -> tuple[MonthlyScore, ...]:
    return tuple(MonthlyScore(item["period"], Decimal(item["score"])) for item in raw)


class ConsequenceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open_cases(self, employee_ids: Collection[uuid.UUID]) -> list[RetrainingCase]:
        """The employees' open retraining cases, locked: two closes judge a case one after the other."""
        if not employee_ids:
            return []
        rows = await self._session.execute(
            select(retraining_cases)
            .where(retraining_cases.c.employee_id.in_(list(employee_ids)),
                   retraining_cases.c.status == CaseStatus.OPEN)
            .order_by(retraining_cases.c.employee_id).with_for_update())
        return [_retraining(row) for row in rows]

    async def cases_of(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[RetrainingCase]]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(
            select(retraining_cases).where(retraining_cases.c.employee_id.in_(list(employee_ids)))
            .order_by(retraining_cases.c.employee_id, retraining_cases.c.period))
        found: dict[uuid.UUID, list[RetrainingCase]] = {}
        for row in rows:
            found.setdefault(row.employee_id, []).append(_retraining(row))
        return found

    async def open_retraining(self, case: RetrainingCase) -> bool:
        """False when the employee has a case for that month already, or an open one: reused."""
        statement = pg_insert(retraining_cases).values(
            id=case.id, employee_id=case.employee_id, period=case.period, flags=list(case.flags),
            status=case.status, opened_at=case.opened_at, judged_on=[],
        ).on_conflict_do_nothing()
        return (await self._session.execute(statement.returning(retraining_cases.c.id))).first() is not None

    async def settle(self, case: RetrainingCase) -> None:
        await self._session.execute(
            update(retraining_cases).where(retraining_cases.c.id == case.id)
            .values(status=case.status, judged_on=_scores_json(case.judged_on), settled_at=case.settled_at))

    async def retraining_of(self, employee_id: uuid.UUID) -> list[RetrainingCase]:
        rows = await self._session.execute(
            select(retraining_cases).where(retraining_cases.c.employee_id == employee_id)
            .order_by(retraining_cases.c.period))
        return [_retraining(row) for row in rows]

    async def open_dismissal(self, case: DismissalCase) -> bool:
        statement = pg_insert(dismissal_cases).values(
            id=case.id, employee_id=case.employee_id, retraining_case_id=case.retraining_case_id,
            retraining_period=case.retraining_period, retraining_flags=list(case.retraining_flags),
            failing=_scores_json(case.failing), failing_below=case.failing_below, opened_at=case.opened_at,
        ).on_conflict_do_nothing(index_elements=["retraining_case_id"])
        return (await self._session.execute(statement.returning(dismissal_cases.c.id))).first() is not None

    async def dismissal(self, case_id: uuid.UUID, *, lock: bool = False) -> DismissalCase | None:
        query = select(dismissal_cases).where(dismissal_cases.c.id == case_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _dismissal(row) if row else None

    async def dismissals(self, status: str | None = None) -> list[DismissalCase]:
        query = select(dismissal_cases)
        if status == "open":
            query = query.where(dismissal_cases.c.decision.is_(None))
        elif status == "decided":
            query = query.where(dismissal_cases.c.decision.is_not(None))
        rows = await self._session.execute(query.order_by(dismissal_cases.c.opened_at, dismissal_cases.c.id))
        return [_dismissal(row) for row in rows]

    async def record_decision(self, case: DismissalCase) -> None:
        await self._session.execute(
            update(dismissal_cases).where(dismissal_cases.c.id == case.id)
            .values(decision=case.decision, reason=case.reason, decided_by=case.decided_by,
                    decided_at=case.decided_at))


def _retraining(row: Any) -> RetrainingCase:
    return RetrainingCase(id=row.id, employee_id=row.employee_id, period=row.period, flags=tuple(row.flags),
                          opened_at=row.opened_at, status=row.status, judged_on=_scores(row.judged_on),
                          settled_at=row.settled_at)


def _dismissal(row: Any) -> DismissalCase:
    return DismissalCase(id=row.id, employee_id=row.employee_id, retraining_case_id=row.retraining_case_id,
                         retraining_period=row.retraining_period, retraining_flags=tuple(row.retraining_flags),
                         failing=_scores(row.failing), failing_below=row.failing_below, opened_at=row.opened_at,
                         decision=row.decision, reason=row.reason, decided_by=row.decided_by,
                         decided_at=row.decided_at)
