"""Computing a period's pay run from the facts payroll holds (P8).

Called under the pay-run lock by every use case that may complete a period's inputs; it does
nothing until the period is ready, and nothing once the period has its run, so the run is
computed exactly once whichever fact arrives last and however often facts are redelivered.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from payroll.adapters.repositories import Placement
from payroll.domain.commission import Collection
from payroll.domain.completeness import Readiness, assess
from payroll.domain.payslip import FinalResult, LateCollections, Payslip, compute_payslip
from payroll.domain.plans import CompensationPlan, plan_in_force
from payroll.domain.proration import Employment
from payroll.domain.runs import PayRun, RunStatus
from payroll.service_layer.attendance import settle_attendance
from payroll.service_layer.expenses import settle_claims_and_disputes
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.db import new_id
from shared.events.payroll import PayRunComputed


@dataclass(frozen=True)
class RunInputs:
    readiness: Readiness
    results: dict[uuid.UUID, FinalResult]
    placements: dict[uuid.UUID, Placement]
    plans: list[CompensationPlan]


async def gather_inputs(uow: PayrollUnitOfWork, period: str) -> RunInputs:
    results = {result.employee_id: result for result in await uow.appraisal.results(period)}
    placements = await uow.directory.placements(list(results))
    plans = await uow.plans.all()
    ready = assess(period, await uow.appraisal.closed(period), results.values(),
                   {employee_id: placement.role for employee_id, placement in placements.items()}, plans)
    return RunInputs(readiness=ready, results=results, placements=placements, plans=plans)


async def compute_waiting_runs(uow: PayrollUnitOfWork, bus: PayrollBus) -> list[PayRun]:
    """Compute every closed period that is now ready; the caller holds the pay-run lock."""
    computed = []
    for period in await uow.appraisal.periods_awaiting_run():
        run = await compute_if_ready(uow, bus, period)
        if run is not None:
            computed.append(run)
    return computed


async def compute_if_ready(uow: PayrollUnitOfWork, bus: PayrollBus, period: str) -> PayRun | None:
    if await uow.runs.for_period(period) is not None:
        return None
    inputs = await gather_inputs(uow, period)
    ready, plans = inputs.readiness, inputs.plans
    if not ready.ready:
        return None

    run = PayRun(id=new_id(), period=period, status=RunStatus.COMPUTED, payslip_count=0,
                 total_gross=Decimal("0.00"), computed_at=bus.clock.now(), full_score_at=bus.policy.full_score_at)
    # The run row first: the payments it settles point at it.
    await uow.runs.add(run)
    employees = sorted(ready.roles, key=str)
    in_period: dict[uuid.UUID, list[Collection]] = defaultdict(list)
    for collection in await uow.payments.settle_in_period(run.id, period, employees):
        in_period[collection.rep_id].append(collection)
    late: dict[tuple[uuid.UUID, str], list[Collection]] = defaultdict(list)
    missed_runs: dict[str, uuid.UUID] = {}
    for collection, missed_run_id in await uow.payments.settle_late(run.id, period, employees):
        late[(collection.rep_id, collection.period)].append(collection)
        missed_runs[collection.period] = missed_run_id
    attendance = await settle_attendance(uow, run.id, period, employees)
    extra_lines = await settle_claims_and_disputes(uow, run.id, period, employees)

    slips: list[Payslip] = []
    for employee_id in employees:
        role = ready.roles[employee_id]
        plan = ready.plans[role]
        late_groups = [
            LateCollections(
                period=from_period, run_id=missed_runs[from_period],
                # The plan that would have paid them in their own period; this run's plan if none did.
                plan=plan_in_force(plans, role, from_period) or plan,
                collections=collections,
            )
            for (rep_id, from_period), collections in late.items() if rep_id == employee_id
        ]
        placement = inputs.placements.get(employee_id)
        slips.append(compute_payslip(
            inputs.results[employee_id], role, plan, bus.policy,
            collections=in_period.get(employee_id, []), late=late_groups,
            employment=Employment(hired_on=placement.hired_on, left_on=placement.left_on) if placement else None,
            working_days=attendance.working_days, attendance=attendance.days.get(employee_id, []),
            corrections=attendance.corrections.get(employee_id, []), extra_lines=extra_lines.get(employee_id, [])))
    run.payslip_count = len(slips)
    run.total_gross = sum((slip.gross for slip in slips), Decimal("0.00"))
    await uow.runs.add_payslips(run, slips, inputs.placements)
    await uow.attendance.add_settlements(
        run.id, [(slip.employee_id, settlement) for slip in slips for settlement in slip.attendance_settlements])
    await uow.runs.save_totals(run)
    uow.emit(PayRunComputed(pay_run_id=run.id, period=run.period, payslip_count=run.payslip_count,
                            total_gross=run.total_gross, computed_at=run.computed_at))
    return run
