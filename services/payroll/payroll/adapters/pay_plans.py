"""Queries of per-person plan overrides and special incentives. Like every repository, it never commits."""

from __future__ import annotations

import uuid
from collections.abc import Collection as Many

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.tables import pay_runs, plan_overrides, special_incentives
from payroll.domain.incentives import SpecialIncentive
from payroll.domain.overrides import AMOUNTS, COMMISSION_TERMS, PlanOverride
from payroll.domain.runs import RunStatus
from shared.sql import among


class OverrideRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def next_version(self, employee_id: uuid.UUID) -> int:
        latest = (await self._session.execute(
            select(func.max(plan_overrides.c.version)).where(plan_overrides.c.employee_id == employee_id))).scalar()
        return (latest or 0) + 1

    async def add(self, override: PlanOverride) -> PlanOverride:
        row = (await self._session.execute(insert(plan_overrides).values(
            employee_id=override.employee_id, version=override.version, effective_from=override.effective_from,
            set_by=override.set_by, **{name: getattr(override, name) for name in AMOUNTS + COMMISSION_TERMS},
        ).returning(plan_overrides))).one()
        return _override(row)

    async def of(self, employee_ids: Many[uuid.UUID] | None = None) -> list[PlanOverride]:
        query = select(plan_overrides).order_by(plan_overrides.c.employee_id, plan_overrides.c.effective_from,
                                                plan_overrides.c.version)
        if employee_ids is not None:
            query = query.where(among(plan_overrides.c.employee_id, employee_ids))
        return [_override(row) for row in await self._session.execute(query)]


class IncentiveRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, incentive: SpecialIncentive) -> None:
        await self._session.execute(insert(special_incentives).values(
            id=incentive.id, employee_id=incentive.employee_id, period=incentive.period, amount=incentive.amount,
            reason=incentive.reason, entered_by=incentive.entered_by, entered_at=incentive.entered_at))

    async def get(self, incentive_id: uuid.UUID, *, for_update: bool = False) -> SpecialIncentive | None:
        query = _query().where(special_incentives.c.id == incentive_id)
        if for_update:
            query = query.with_for_update(of=special_incentives)
        row = (await self._session.execute(query)).first()
        return _incentive(row) if row else None

    async def list(self, *, period: str | None = None, employee_id: uuid.UUID | None = None
                   ) -> list[SpecialIncentive]:
        query = _query().order_by(special_incentives.c.period, special_incentives.c.entered_at)
        if period is not None:
            query = query.where(special_incentives.c.period == period)
        if employee_id is not None:
            query = query.where(special_incentives.c.employee_id == employee_id)
        return [_incentive(row) for row in await self._session.execute(query)]

    async def save_cancellation(self, incentive: SpecialIncentive) -> None:
        await self._session.execute(update(special_incentives).where(special_incentives.c.id == incentive.id)
                                    .values(cancelled_by=incentive.cancelled_by, cancelled_at=incentive.cancelled_at))

    async def claim(self, run_id: uuid.UUID, period: str, employee_ids: Many[uuid.UUID]) -> list[SpecialIncentive]:
        """Claim for ``run_id`` the incentives of its period and of earlier periods not paid yet (their own
        run was locked before they were entered), of the people it pays."""
        if not employee_ids:
            return []
        rows = await self._session.execute(
            update(special_incentives)
            .where(special_incentives.c.run_id.is_(None), special_incentives.c.cancelled_at.is_(None),
                   special_incentives.c.period <= period, among(special_incentives.c.employee_id, employee_ids))
            .values(run_id=run_id).returning(special_incentives))
        return [_incentive(row, run_locked=False) for row in rows]

    async def release(self, run_id: uuid.UUID) -> None:
        await self._session.execute(
            update(special_incentives).where(special_incentives.c.run_id == run_id).values(run_id=None))


def _query():
    return (select(special_incentives, pay_runs.c.status.label("run_status"))
            .outerjoin(pay_runs, pay_runs.c.id == special_incentives.c.run_id))


def _incentive(row: Row, run_locked: bool | None = None) -> SpecialIncentive:
    if run_locked is None:
        run_locked = row.run_status == RunStatus.LOCKED.value
    return SpecialIncentive(id=row.id, employee_id=row.employee_id, period=row.period, amount=row.amount,
                            reason=row.reason, entered_by=row.entered_by, entered_at=row.entered_at,
                            run_id=row.run_id, run_locked=run_locked, cancelled_by=row.cancelled_by,
                            cancelled_at=row.cancelled_at)


def _override(row: Row) -> PlanOverride:
    return PlanOverride(employee_id=row.employee_id, version=row.version, effective_from=row.effective_from,
                        set_by=row.set_by, set_at=row.set_at,
                        **{name: getattr(row, name) for name in AMOUNTS + COMMISSION_TERMS})
