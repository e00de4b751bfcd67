"""Queries of customer merges (C3) and of the audit logs (C10): exports and reveals."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.adapters.repositories import _lead
from crm.adapters.tables import contact_disclosures, customer_merges, customers, export_log, leads, metadata
from crm.domain.model import Lead


@dataclass(frozen=True)
class MergeRecord:
    id: uuid.UUID
    kept_id: uuid.UUID
    dropped_id: uuid.UUID
    fields: dict[str, Any]
    moved: dict[str, int]
    merged_by: uuid.UUID
    merged_at: datetime


@dataclass(frozen=True)
class ExportRecord:
    id: uuid.UUID
    exported_by: uuid.UUID
    kind: str
    format: str
    filters: dict[str, Any]
    row_count: int
    unmasked_rows: int
    at: datetime


def _customer_columns() -> list[tuple[Table, Column]]:
    """Every column that names a customer: foreign keys to ``customers.id`` and any ``customer_id``, in
    every crm table, so that a table added later moves with a merge without being listed here."""
    found = []
    for table in metadata.sorted_tables:
        if table is customers:
            continue
        for column in table.columns:
            if column.name == "customer_id" or any(fk.column is customers.c.id for fk in column.foreign_keys):
                found.append((table, column))
    return found


class MergeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, customer_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        """Locks the customers in id order (two merges of the same pair never deadlock); the ids found."""
        rows = await self._session.execute(select(customers.c.id).where(customers.c.id.in_(list(customer_ids)))
                                           .order_by(customers.c.id).with_for_update())
        return {row.id for row in rows}

    async def leads_of(self, customer_ids: Sequence[uuid.UUID]) -> list[Lead]:
        rows = await self._session.execute(select(leads).where(leads.c.customer_id.in_(list(customer_ids)))
                                           .order_by(leads.c.created_at, leads.c.id).with_for_update())
        return [_lead(row) for row in rows]

    async def move_references(self, dropped_id: uuid.UUID, kept_id: uuid.UUID) -> dict[str, int]:
        moved = {}
        for table, column in _customer_columns():
            result = await self._session.execute(update(table).where(column == dropped_id).values(
                {column.name: kept_id}))
            if result.rowcount:
                moved[f"{table.name}.{column.name}" if column.name != "customer_id" else table.name] = result.rowcount
        return moved

    async def replace(self, dropped_id: uuid.UUID, kept_id: uuid.UUID, values: dict[str, Any]) -> None:
        # The dropped row goes first: the kept one may take its phone or e-mail, which are unique.
        await self._session.execute(delete(customers).where(customers.c.id == dropped_id))
        if values:
            await self._session.execute(update(customers).where(customers.c.id == kept_id).values(**values))

    async def add(self, record: MergeRecord) -> None:
        await self._session.execute(insert(customer_merges).values(
            id=record.id, kept_id=record.kept_id, dropped_id=record.dropped_id, fields=record.fields,
            moved=record.moved, merged_by=record.merged_by, merged_at=record.merged_at))

    async def merges(self, *, limit: int, offset: int) -> tuple[list[MergeRecord], int]:
        total = await self._session.scalar(select(func.count()).select_from(customer_merges))
        rows = await self._session.execute(select(customer_merges).order_by(
            customer_merges.c.merged_at.desc(), customer_merges.c.id).limit(limit).offset(offset))
        return [MergeRecord(**row._mapping) for row in rows], int(total or 0)


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_export(self, record: ExportRecord) -> None:
        await self._session.execute(insert(export_log).values(
            id=record.id, exported_by=record.exported_by, kind=record.kind, format=record.format,
            filters=record.filters, row_count=record.row_count, unmasked_rows=record.unmasked_rows, at=record.at))

    async def exports(self, *, by: uuid.UUID | None, since: datetime | None, limit: int, offset: int
                      ) -> tuple[list[ExportRecord], int]:
        conditions = [c for c in (export_log.c.exported_by == by if by else None,
                                  export_log.c.at >= since if since else None) if c is not None]
        total = await self._session.scalar(select(func.count()).select_from(export_log).where(*conditions))
        rows = await self._session.execute(select(export_log).where(*conditions).order_by(
            export_log.c.at.desc(), export_log.c.id).limit(limit).offset(offset))
        return [ExportRecord(**row._mapping) for row in rows], int(total or 0)

    async def reveals(self, *, by: uuid.UUID | None, customer_id: uuid.UUID | None, since: datetime | None,
                      limit: int, offset: int) -> tuple[list[Any], int]:
        conditions = [c for c in (contact_disclosures.c.kind == "reveal",
                                  contact_disclosures.c.disclosed_to == by if by else None,
                                  contact_disclosures.c.customer_id == customer_id if customer_id else None,
                                  contact_disclosures.c.at >= since if since else None) if c is not None]
        total = await self._session.scalar(select(func.count()).select_from(contact_disclosures).where(*conditions))
        rows = await self._session.execute(select(contact_disclosures).where(*conditions).order_by(
            contact_disclosures.c.at.desc(), contact_disclosures.c.id).limit(limit).offset(offset))
        return list(rows), int(total or 0)
