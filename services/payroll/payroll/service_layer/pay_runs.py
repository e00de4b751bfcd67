"""Computing a period's pay run from the facts payroll holds (P8).

Called under the pay-run lock by every use case that may complete a period's inputs; it does
nothing until the period is ready, and nothing once the period has its run, so the run is
computed exactly once whichever fact arrives last and however often facts are redelivered.
Ready means appraisal's close and all its results; the run then pays everyone employed in the
period (:mod:`payroll.domain.roster`), appraised or not, and lists whom it cannot pay. A draft
run is computed again on request (:func:`recompute`), or by itself when appraisal's revised results
arrive after a reopen (:mod:`payroll.service_layer.revisions`).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from payroll.adapters.repositories import Placement
from payroll.domain.commission import Collection
from payroll.domain.commission_plans import CommissionPlan
from payroll.domain.completeness import Readiness, assess
from payroll.domain.incentives import SpecialIncentive
from payroll.domain.overrides import PlanOverride, override_in_force, resolve
from payroll.domain.payslip import FinalResult, LateCollections, Payslip, compute_payslip
from payroll.domain.plans import COMMISSION, CompensationPlan, plan_in_force
from payroll.domain.proration import Employment
from payroll.domain.revisions import revision_line
from payroll.domain.roster import Blocker, Person, roster
from payroll.domain.runs import PayRun, RunStatus
from payroll.service_layer.annual import settle_annual_bonus
from payroll.service_layer.attendance import settle_attendance
from payroll.service_layer.commission import (
    flat_rate_accruals,
    named_plans,
    net_of_refunds,
    settle_clawbacks,
    settle_named_plans,
)
from payroll.service_layer.expenses import settle_claims_and_disputes
from payroll.service_layer.profit_share import share_profit
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.db import new_id
from shared.events.payroll import PayRunComputed


@dataclass(frozen=True)
class RunInputs:
    readiness: Readiness
    results: dict[uuid.UUID, FinalResult]
    placements: dict[uuid.UUID, Placement]  # everyone on the run: employed in the period, or with a result
    plans: list[CompensationPlan]
    overrides: list[PlanOverride]
    commission_plans: list[CommissionPlan] = field(default_factory=list)

    def people(self) -> list[Person]:
        """The run's population: a result's role as readiness read it, else the directory's."""
        people = []
        for employee_id in set(self.results) | set(self.placements):
            placement = self.placements.get(employee_id)
            if employee_id in self.results:
                role = self.readiness.roles.get(employee_id)
            else:
                role = placement.role if placement and placement.role != "unknown" else None
            people.append(Person(employee_id, role, placement.name if placement else None))
        return people


async def gather_inputs(uow: PayrollUnitOfWork, period: str) -> RunInputs:
    closed = await uow.appraisal.closed(period)
    # A result older than the close (someone the revised close no longer counts) does not stand.
    results = {result.employee_id: result for result in await uow.appraisal.results(period)
               if closed is None or result.revision >= closed.revision}
    employed = await uow.directory.employed_in(period)
    placements = {**await uow.directory.placements([e for e in results if e not in employed]), **employed}
    plans = await uow.plans.all()
    ready = assess(period, closed, results.values(),
                   {employee_id: placement.role for employee_id, placement in placements.items()}, plans,
                   await uow.revisions.latest_reopen(period))
    overrides = await uow.overrides.of(set(results) | set(placements))
    return RunInputs(readiness=ready, results=results, placements=placements, plans=plans, overrides=overrides,
                     commission_plans=await uow.commission_plans.all())


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
    # Counted before anything is read: until the close and all its results are in, the run waits
    # whatever the rest says, and a month end asks this once per batch of results.
    if not await uow.appraisal.all_results_in(period):
        return None
    inputs = await gather_inputs(uow, period)
    if not inputs.readiness.ready:
        return None
    run = PayRun(id=new_id(), period=period, status=RunStatus.COMPUTED, payslip_count=0,
                 total_gross=Decimal("0.00"), computed_at=bus.clock.now(), full_score_at=bus.policy.full_score_at,
                 appraisal_revision=inputs.readiness.revision)
    # The run row first: the payments it settles point at it.
    await uow.runs.add(run)
    await _pay(uow, bus, run, inputs)
    return run


async def recompute(uow: PayrollUnitOfWork, bus: PayrollBus, run: PayRun) -> PayRun:
    """Compute a draft run again from the inputs as they now stand (P8): it gives back every payment,
    attendance day, incentive, expense claim and dispute it had settled, drops its payslips, and
    settles and pays afresh, in the caller's transaction under the pay-run lock. A locked run
    refuses (the domain says so)."""
    run.recompute(bus.clock.now())
    await uow.payments.release(run.id)
    await uow.attendance.release(run.id)
    await uow.incentives.release(run.id)
    await uow.expenses.release(run.id)
    await uow.disputes.release(run.id)
    await uow.commission.release(run.id)
    await uow.revisions.release(run.id)
    await uow.annual_bonus.release(run.id)
    await uow.runs.delete_payslips(run.id)
    await uow.runs.save_status(run)
    await _pay(uow, bus, run, await gather_inputs(uow, run.period))
    return run


LATE_IN_DIRECTORY = ("employed in the period, but the directory told payroll only after this run was computed; "
                     "recompute the run")


async def flag_missing(uow: PayrollUnitOfWork, run: PayRun) -> bool:
    """A draft run never silently lacks someone: a person the directory shows employed in its period only
    after it was computed becomes a blocker until the run is recomputed. True if the run changed."""
    on_run = set(await uow.runs.payslip_employees(run.id)) | {blocker.employee_id for blocker in run.blockers}
    missing = [person for person in (await gather_inputs(uow, run.period)).people()
               if person.employee_id not in on_run]
    if not missing:
        return False
    run.blockers = (*run.blockers, *(Blocker(person.employee_id, person.name, person.role, LATE_IN_DIRECTORY)
                                     for person in sorted(missing, key=lambda p: str(p.employee_id))))
    await uow.runs.save_totals(run)
    return True


async def _pay(uow: PayrollUnitOfWork, bus: PayrollBus, run: PayRun, inputs: RunInputs) -> None:
    period, plans = run.period, inputs.plans
    run.appraisal_revision, run.awaiting_revision = inputs.readiness.revision, inputs.readiness.revision_pending
    payable, blockers = roster(period, inputs.people(), inputs.results, plans, inputs.overrides)
    payable, unplanned, chosen = named_plans(payable, inputs.commission_plans, period)
    run.blockers = (*blockers, *(dataclasses.replace(b, name=inputs.placements[b.employee_id].name)
                                 if b.employee_id in inputs.placements else b for b in unplanned))
    employees = [each.employee_id for each in payable]
    # Only a plan that pays commission settles payments: anyone else's stay unsettled, on the
    # not-yet-paid list with the reason (:mod:`payroll.service_layer.unpaid`), never paid as nothing.
    earners = [each.employee_id for each in payable if each.plan.pays(COMMISSION)]
    in_period: dict[uuid.UUID, list[Collection]] = defaultdict(list)
    for collection in await net_of_refunds(uow, run.id, await uow.payments.settle_in_period(run.id, period, earners)):
        in_period[collection.rep_id].append(collection)
    late: dict[tuple[uuid.UUID, str], list[Collection]] = defaultdict(list)
    missed_runs: dict[str, uuid.UUID | None] = {}
    settled_late = await uow.payments.settle_late(run.id, period, earners)
    netted = {c.payment_id: c for c in await net_of_refunds(uow, run.id, [c for c, _ in settled_late])}
    for collection, missed_run_id in settled_late:
        late[(collection.rep_id, collection.period)].append(netted[collection.payment_id])
        missed_runs[collection.period] = missed_run_id
    # A person on a named commission plan is paid on all the payments this run settles for them, late
    # ones included (their plan's basis of this period); the others keep the flat rate and late adjustments.
    collected = {employee_id: [*in_period.get(employee_id, []),
                               *(c for (rep_id, _), group in late.items() if rep_id == employee_id for c in group)]
                 for employee_id in chosen}
    commission = await settle_named_plans(uow, bus, run.id, period, payable, chosen, collected, inputs.placements,
                                          inputs.commission_plans)
    attendance = await settle_attendance(uow, run.id, period, employees)
    extra_lines = await settle_claims_and_disputes(uow, run.id, period, employees)
    # The profit share first on the slip, before reimbursements and disputes: it is pay, they are not.
    for employee_id, line in (await share_profit(uow, bus.policy.profit_share, period, payable, inputs.placements,
                                                 extra_lines)).items():
        extra_lines[employee_id] = [line, *extra_lines.get(employee_id, [])]
    # The year-end bonus (A1, P3) is pay too: first among these lines, once the profit share has netted them.
    for employee_id, lines in (await settle_annual_bonus(uow, bus, run, payable)).items():
        extra_lines[employee_id] = [*lines, *extra_lines.get(employee_id, [])]
    # Differences revised appraisal results make to locked runs (P8.revision), after the profit share:
    # they are not the department's expenses it nets.
    for adjustment in await uow.revisions.claim(run.id, period, employees):
        extra_lines.setdefault(adjustment.employee_id, []).append(revision_line(adjustment))
    incentives: dict[uuid.UUID, list[SpecialIncentive]] = defaultdict(list)
    for incentive in await uow.incentives.claim(run.id, period, employees):
        incentives[incentive.employee_id].append(incentive)

    slips: list[Payslip] = []
    late_by_person: dict[uuid.UUID, list[LateCollections]] = {}
    for each in payable:
        employee_id, role, plan = each.employee_id, each.role, each.plan
        named = employee_id in chosen
        late_groups = [] if named else [
            LateCollections(
                period=from_period, run_id=missed_runs[from_period],
                # The plan that would have paid them in their own period; this run's plan if none did.
                plan=resolved_plan(plans, inputs.overrides, role, employee_id, from_period) or plan,
                collections=collections,
            )
            for (rep_id, from_period), collections in late.items() if rep_id == employee_id
        ]
        late_by_person[employee_id] = late_groups
        placement = inputs.placements.get(employee_id)
        slips.append(compute_payslip(
            each.result, role, plan, bus.policy, employee_id=employee_id, period=period,
            collections=[] if named else in_period.get(employee_id, []), late=late_groups,
            commission_lines=commission.lines.get(employee_id) if named else None,
            employment=Employment(hired_on=placement.hired_on, left_on=placement.left_on) if placement else None,
            working_days=attendance.working_days, attendance=attendance.days.get(employee_id, []),
            corrections=attendance.corrections.get(employee_id, []), incentives=incentives.get(employee_id, []),
            extra_lines=extra_lines.get(employee_id, [])))
    await uow.commission.add_accruals(
        [*commission.accruals, *flat_rate_accruals(run.id, period, payable, chosen, in_period, late_by_person)])
    slips = await settle_clawbacks(uow, run.id, slips, lambda slip, lines: dataclasses.replace(
        slip, lines=(*slip.lines, *lines)))
    run.payslip_count = len(slips)
    run.total_gross = sum((slip.gross for slip in slips), Decimal("0.00"))
    await uow.runs.add_payslips(run, slips, inputs.placements)
    await uow.attendance.add_settlements(
        run.id, [(slip.employee_id, settlement) for slip in slips for settlement in slip.attendance_settlements])
    await uow.runs.save_totals(run)
    uow.emit(PayRunComputed(pay_run_id=run.id, period=run.period, payslip_count=run.payslip_count,
                            total_gross=run.total_gross, computed_at=run.computed_at))


def resolved_plan(plans: list[CompensationPlan], overrides: list[PlanOverride], role: str, employee_id: uuid.UUID,
              period: str) -> CompensationPlan | None:
    plan = plan_in_force(plans, role, period)
    return resolve(plan, override_in_force(overrides, employee_id, period)) if plan else None
