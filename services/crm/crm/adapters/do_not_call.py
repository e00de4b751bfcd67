"""Customers' requests not to be called (T6). Repositories never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from crm.adapters.tables import customer_do_not_call, customer_merges, customers


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

    async def first_of(self, customer_id: uuid.UUID, phone_digests: tuple[str, ...]) -> DoNotCallRequest | None:
        """The customer's request under the first of these digests that has one (the current key's first)."""
        rows = (await self._session.execute(select(customer_do_not_call).where(
            customer_do_not_call.c.customer_id == customer_id,
            customer_do_not_call.c.phone_digest.in_(phone_digests)))).all()
        found = {row.phone_digest: DoNotCallRequest(**row._mapping) for row in rows}
        return next((found[digest] for digest in phone_digests if digest in found), None)

    async def page_after(self, after: tuple[uuid.UUID, str] | None, limit: int
                         ) -> list[tuple[DoNotCallRequest, str | None]]:
        """Up to ``limit`` requests after ``after`` in (customer, digest) order, each with the
        customer's current number: the re-announcement walks them by this key, so that rows it adds
        meanwhile neither shift a page nor are read twice."""
        query = (select(customer_do_not_call, customers.c.phone)
                 .join(customers, customers.c.id == customer_do_not_call.c.customer_id)
                 .order_by(customer_do_not_call.c.customer_id, customer_do_not_call.c.phone_digest).limit(limit))
        if after is not None:
            query = query.where(tuple_(customer_do_not_call.c.customer_id, customer_do_not_call.c.phone_digest)
                                > tuple_(*after))
        rows = await self._session.execute(query)
        return [(DoNotCallRequest(**{name: row._mapping[name] for name in DoNotCallRequest.__dataclass_fields__}),
                 row.phone) for row in rows]

    async def merged_numbers(self, customer_ids: set[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
        """The phone numbers the merge records of each customer name (kept or dropped), through
        merges of merges: numbers the customer's requests may be about besides their phone."""
        owner = {customer_id: customer_id for customer_id in customer_ids}
        numbers: dict[uuid.UUID, list[str]] = {customer_id: [] for customer_id in customer_ids}
        frontier = set(customer_ids)
        while frontier:
            rows = await self._session.execute(select(
                customer_merges.c.kept_id, customer_merges.c.dropped_id, customer_merges.c.fields,
            ).where(customer_merges.c.kept_id.in_(frontier)).order_by(customer_merges.c.merged_at))
            frontier = set()
            for row in rows:
                root = owner[row.kept_id]
                phone = (row.fields or {}).get("phone") or {}
                numbers[root].extend(value for value in (phone.get("kept"), phone.get("dropped")) if value)
                if row.dropped_id not in owner:
                    owner[row.dropped_id] = root
                    frontier.add(row.dropped_id)
        return numbers
