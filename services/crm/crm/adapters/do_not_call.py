"""Customers' requests not to be called (T6). Repositories never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.adapters.tables import customer_do_not_call


@dataclass(frozen=True)
class DoNotCallRequest:
    customer_id: uuid.UUID
    # shared.phones.phone_digest of the number the customer asked about (crm has the number itself).
    phone_digest: str
    lead_id: uuid.UUID | None
    note: str | None
    requested_by: uuid.UUID
    requested_at: datetime


class DoNotCallRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, request: DoNotCallRequest) -> bool:
        """Record the request unless the customer already asked about this number; False then (a
        concurrent twin included: the key decides, and only the first is announced)."""
        added = (await self._session.execute(
            pg_insert(customer_do_not_call).values(**request.__dict__)
            .on_conflict_do_nothing(index_elements=["customer_id", "phone_digest"])
            .returning(customer_do_not_call.c.customer_id))).first()
        return added is not None

    async def get(self, customer_id: uuid.UUID, phone_digest: str) -> DoNotCallRequest | None:
        row = (await self._session.execute(select(customer_do_not_call).where(
            customer_do_not_call.c.customer_id == customer_id,
            customer_do_not_call.c.phone_digest == phone_digest))).first()
        return DoNotCallRequest(**row._mapping) if row else None
