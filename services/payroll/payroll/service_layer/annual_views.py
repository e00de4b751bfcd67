"""Reads of the annual score and the annual bonus, each limited to what the caller may see."""

from __future__ import annotations

import uuid

from payroll.adapters.repositories import PayslipScope
from payroll.domain.annual import AnnualResult, Owed
from payroll.service_layer.unit_of_work import PayrollBus
from shared.errors import NotFound


async def annual_results(bus: PayrollBus, scope: PayslipScope, year: int) -> list[AnnualResult]:
    async with bus.uow() as uow:
        return await uow.annual_results.of_year(year, scope)


async def owed_annual_bonuses(bus: PayrollBus) -> list[Owed]:
    """Every annual bonus a run could not pay and no run has paid since."""
    async with bus.uow() as uow:
        return await uow.annual_bonus.owed()


async def run_annual_bonuses(bus: PayrollBus, run_id: uuid.UUID) -> list[dict]:
    """What one run did about annual bonuses: paid (revision, amount) or owed (the reason)."""
    async with bus.uow() as uow:
        if await uow.runs.get(run_id) is None:
            raise NotFound(f"pay run {run_id} does not exist")
        rows = await uow.annual_bonus.of_run(run_id)
    return [{"year": row.year, "employee_id": row.employee_id, "status": row.status,
             "annual_bonus_base": row.annual_bonus_base, "plan_version": row.plan_version,
             "revision": row.revision, "amount": row.amount, "reason": row.reason} for row in rows]
