"""Migration 2026_12_05_1100 keeps the decisions weekly plans already had: an approved or returned
plan becomes its decision row, a plan still undecided none."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from appraisal.config import MIGRATIONS_DIR
from shared.migrations import upgrade


async def _execute(url: str, statement: str, **params) -> list:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), params)
            return list(result) if result.returns_rows else []
    finally:
        await engine.dispose()


def test_the_plans_decisions_are_backfilled(empty_database: str) -> None:
    upgrade(MIGRATIONS_DIR, empty_database, "2026_12_04_1600")
    approved, returned, pending, manager = (uuid.uuid4() for _ in range(4))
    for employee_id, status, decided in ((approved, "approved", True), (returned, "returned", True),
                                         (pending, "submitted", False)):
        asyncio.run(_execute(
            empty_database,
            "INSERT INTO weekly_plans (employee_id, week, content, status, submitted_at, late, decided_by, decided_at) "
            "VALUES (:employee_id, '2026-W42', '{}', :status, now(), false, :by, CASE WHEN :decided THEN now() END)",
            employee_id=employee_id, status=status, by=manager if decided else None, decided=decided))

    upgrade(MIGRATIONS_DIR, empty_database, "2026_12_05_1100")

    rows = asyncio.run(_execute(empty_database,
                                "SELECT employee_id, kind, ref, decision, decided_by FROM submission_decisions"))
    assert sorted((row.employee_id, row.kind, row.ref, row.decision, row.decided_by) for row in rows) == sorted([
        (approved, "weekly_plan", "2026-W42", "approve", manager),
        (returned, "weekly_plan", "2026-W42", "return", manager)])
