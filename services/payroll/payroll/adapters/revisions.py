"""appraisal's reopens, and the differences revised results make to locked runs (P8 revisions)."""

from __future__ import annotations

import uuid
from collections.abc import Collection as Many
from datetime import datetime

from sqlalchemy import Row, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.tables import pay_runs, period_reopens, revision_adjustments
from payroll.domain.revisions import Figures, Reopening, RevisionAdjustment
from payroll.domain.runs import RunStatus
from shared.sql import among


class RevisionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_reopen(self, reopening: Reopening) -> bool:
        inserted = await self._session.execute(
            pg_insert(period_reopens).values(
                period=reopening.period, revision=reopening.revision, reason=reopening.reason,
                reopened_at=reopening.reopened_at, reopened_by=reopening.reopened_by,
            ).on_conflict_do_nothing().returning(period_reopens.c.period))
        return inserted.first() is not None

    async def latest_reopen(self, period: str) -> Reopening | None:
        row = (await self._session.execute(
            select(period_reopens).where(period_reopens.c.period == period)
            .order_by(period_reopens.c.revision.desc()).limit(1))).first()
        return Reopening(period=row.period, revision=row.revision, reason=row.reason, reopened_at=row.reopened_at,
                         reopened_by=row.reopened_by) if row else None

    async def latest(self, period: str, employee_id: uuid.UUID) -> RevisionAdjustment | None:
        """The difference of the highest revision already recorded for the person: the next one is
        measured from its revised figures."""
        row = (await self._session.execute(
            _query().where(revision_adjustments.c.period == period, revision_adjustments.c.employee_id == employee_id)
            .order_by(revision_adjustments.c.revision.desc()).limit(1))).first()
        return _adjustment(row) if row else None

    async def add(self, adjustment: RevisionAdjustment, at: datetime) -> bool:
        """Once per person, period and revision, however often the results are redelivered."""
        inserted = await self._session.execute(
            pg_insert(revision_adjustments).values(
                period=adjustment.period, employee_id=adjustment.employee_id, revision=adjustment.after.revision,
                locked_run_id=adjustment.locked_run_id, plan_version=adjustment.plan_version,
                before=adjustment.before.as_json(), after=adjustment.after.as_json(), amount=adjustment.amount,
                created_at=at,
            ).on_conflict_do_nothing().returning(revision_adjustments.c.period))
        return inserted.first() is not None

    async def claim(self, run_id: uuid.UUID, period: str, employee_ids: Many[uuid.UUID]) -> list[RevisionAdjustment]:
        """Claim for ``run_id`` the unpaid differences of the people it pays, from other (locked) periods."""
        if not employee_ids:
            return []
        rows = await self._session.execute(
            update(revision_adjustments)
            .where(revision_adjustments.c.run_id.is_(None), revision_adjustments.c.period != period,
                   among(revision_adjustments.c.employee_id, employee_ids))
            .values(run_id=run_id).returning(revision_adjustments))
        return sorted((_adjustment(row) for row in rows), key=lambda a: (a.period, a.after.revision))

    async def release(self, run_id: uuid.UUID) -> None:
        await self._session.execute(
            update(revision_adjustments).where(revision_adjustments.c.run_id == run_id).values(run_id=None))

    async def pending(self) -> list[RevisionAdjustment]:
        """Differences no locked run has paid yet: on no run (the person was not on a run since), or on a draft."""
        rows = await self._session.execute(
            _query().where(revision_adjustments.c.run_id.is_(None) | (func.coalesce(pay_runs.c.status, "")
                                                                     != RunStatus.LOCKED.value))
            .order_by(revision_adjustments.c.period, revision_adjustments.c.employee_id,
                      revision_adjustments.c.revision))
        return [_adjustment(row) for row in rows]


def _query():
    return select(revision_adjustments).outerjoin(pay_runs, pay_runs.c.id == revision_adjustments.c.run_id)


def _adjustment(row: Row) -> RevisionAdjustment:
    return RevisionAdjustment(period=row.period, employee_id=row.employee_id, locked_run_id=row.locked_run_id,
                              plan_version=row.plan_version, before=Figures.from_json(row.before),
                              after=Figures.from_json(row.after), run_id=row.run_id)
