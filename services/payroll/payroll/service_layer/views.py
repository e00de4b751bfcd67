"""Reads, each limited to what the caller may see. A payslip outside the caller's scope answers
exactly as if it did not exist, so that ids cannot be probed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from payroll.adapters.attendance import PendingCorrection
from payroll.adapters.repositories import PayslipScope
from payroll.domain.attendance import AttendanceDay
from payroll.domain.completeness import Readiness
from payroll.domain.incentives import SpecialIncentive
from payroll.domain.overrides import PlanOverride
from payroll.domain.plans import CompensationPlan, plan_in_force
from payroll.domain.revisions import RevisionAdjustment
from payroll.domain.runs import PayRun, PayslipRecord, PendingAdjustment, RunStatus
from payroll.service_layer.access import may_read
from payroll.service_layer.pay_runs import gather_inputs
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.errors import NotFound


@dataclass(frozen=True)
class PeriodStatus:
    readiness: Readiness
    run: PayRun | None


async def plans(bus: PayrollBus, role: str | None = None, period: str | None = None
                ) -> list[CompensationPlan]:
    """Every version, or with ``period`` the version in force for each role then."""
    async with bus.uow() as uow:
        versions = await uow.plans.all(role)
    if period is None:
        return versions
    in_force = (plan_in_force(versions, each, period) for each in sorted({plan.role for plan in versions}))
    return [plan for plan in in_force if plan is not None]


async def role_plan_history(bus: PayrollBus, role: str) -> list[CompensationPlan]:
    async with bus.uow() as uow:
        versions = await uow.plans.all(role)
    if not versions:
        raise NotFound(f"no compensation plan was ever set for role {role!r}")
    return versions


async def override_history(bus: PayrollBus, employee_id: uuid.UUID) -> list[PlanOverride]:
    """Every override version of a person; an employee payroll does not know is 404."""
    async with bus.uow() as uow:
        versions = await uow.overrides.of([employee_id])
        if not versions and not await uow.directory.known(employee_id):
            raise NotFound(f"employee {employee_id} is not in the directory")
    return versions


async def incentives(bus: PayrollBus, *, period: str | None = None, employee_id: uuid.UUID | None = None
                     ) -> list[SpecialIncentive]:
    async with bus.uow() as uow:
        return await uow.incentives.list(period=period, employee_id=employee_id)


async def runs(bus: PayrollBus, status: RunStatus | None = None) -> list[PayRun]:
    async with bus.uow() as uow:
        return await uow.runs.list(status)


async def run(bus: PayrollBus, run_id: uuid.UUID) -> PayRun:
    async with bus.uow() as uow:
        return await _run(uow, run_id)


async def run_payslips(bus: PayrollBus, run_id: uuid.UUID) -> list[PayslipRecord]:
    async with bus.uow() as uow:
        await _run(uow, run_id)
        return await uow.runs.payslips(PayslipScope(everything=True, locked_only=False), run_id=run_id)


async def payslip(bus: PayrollBus, scope: PayslipScope, payslip_id: uuid.UUID) -> PayslipRecord:
    async with bus.uow() as uow:
        found = await uow.runs.payslip(payslip_id)
    if found is None or not may_read(scope, found):
        raise NotFound(f"payslip {payslip_id} does not exist")
    return found


async def payslips(bus: PayrollBus, scope: PayslipScope, *, period: str | None = None,
                   employee_id: uuid.UUID | None = None) -> list[PayslipRecord]:
    async with bus.uow() as uow:
        return await uow.runs.payslips(scope, period=period, employee_id=employee_id)


async def period_status(bus: PayrollBus, period: str) -> PeriodStatus:
    """What a period's run waits for, or the run it has."""
    async with bus.uow() as uow:
        existing = await uow.runs.for_period(period)
        inputs = await gather_inputs(uow, period)
    if existing is None and not inputs.readiness.closed and inputs.readiness.received == 0:
        raise NotFound(f"payroll has heard nothing of period {period}")
    return PeriodStatus(readiness=inputs.readiness, run=existing)


async def pending_adjustments(bus: PayrollBus) -> list[PendingAdjustment]:
    async with bus.uow() as uow:
        return await uow.payments.pending_adjustments()


async def pending_revision_adjustments(bus: PayrollBus) -> list[RevisionAdjustment]:
    async with bus.uow() as uow:
        return await uow.revisions.pending()


async def attendance_days(bus: PayrollBus, period: str, employee_id: uuid.UUID) -> list[AttendanceDay]:
    async with bus.uow() as uow:
        return (await uow.attendance.days(period, [employee_id])).get(employee_id, [])


async def pending_attendance_corrections(bus: PayrollBus) -> list[PendingCorrection]:
    async with bus.uow() as uow:
        return await uow.attendance.pending_corrections()


async def _run(uow: PayrollUnitOfWork, run_id: uuid.UUID) -> PayRun:
    found = await uow.runs.get(run_id)
    if found is None:
        raise NotFound(f"pay run {run_id} does not exist")
    return found
