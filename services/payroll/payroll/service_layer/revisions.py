"""Following appraisal's reopens and revised results (P8 revisions, :mod:`payroll.domain.revisions`).

Called under the pay-run lock after every appraisal fact (close, result, reopen) is stored: with no run
yet, the period is computed once ready; a draft run is flagged while the period waits for revised results
(approve and lock refuse) and recomputed by itself as soon as the revised close is complete; a locked run
is never edited, and the complete revised close records, per person, the difference the next run pays.
"""

from __future__ import annotations

from payroll.adapters.repositories import PayslipScope
from payroll.domain.revisions import RevisionAdjustment, base_paid, difference, paid_figures
from payroll.domain.runs import PayRun, RunStatus
from payroll.service_layer.pay_runs import RunInputs, compute_if_ready, gather_inputs, recompute, resolved_plan
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork


async def follow_revisions(uow: PayrollUnitOfWork, bus: PayrollBus, period: str) -> None:
    run = await uow.runs.for_period(period)
    if run is None:
        await compute_if_ready(uow, bus, period)
        return
    inputs = await gather_inputs(uow, period)
    readiness = inputs.readiness
    if run.status == RunStatus.LOCKED:
        if readiness.ready and readiness.revision > run.appraisal_revision:
            await record_differences(uow, bus, run, inputs)
        return
    if readiness.revision_pending is not None:
        if run.awaiting_revision != readiness.revision_pending:
            run.awaiting_revision = readiness.revision_pending
            await uow.runs.save_totals(run)
        return
    if readiness.ready and (run.awaiting_revision is not None or readiness.revision > run.appraisal_revision):
        # Recomputed by itself: nobody has to notice that the revised results arrived, and until then the
        # run could not be approved or locked anyway.
        locked_for_update = await uow.runs.get(run.id, for_update=True)
        assert locked_for_update is not None
        await recompute(uow, bus, locked_for_update)


async def record_differences(uow: PayrollUnitOfWork, bus: PayrollBus, run: PayRun, inputs: RunInputs
                             ) -> list[RevisionAdjustment]:
    """Per person the locked run paid, the difference the complete revised close makes, measured from
    what they were paid so far for the period (the locked payslip, then each earlier revision's
    difference). Recorded once per revision: redelivered results change nothing."""
    revision = inputs.readiness.revision
    slips = {slip.employee_id: slip for slip in await uow.runs.payslips(
        PayslipScope(everything=True, locked_only=False), run_id=run.id)}
    recorded = []
    for employee_id, result in sorted(inputs.results.items(), key=lambda item: str(item[0])):
        slip = slips.get(employee_id)
        # Someone the locked run did not pay (a blocker then) has nothing paid to differ from.
        if slip is None or result.revision != revision:
            continue
        previous = await uow.revisions.latest(run.period, employee_id)
        before = previous.after if previous is not None else paid_figures(
            slip.lines, revision=run.appraisal_revision, score=slip.score, coefficient=slip.coefficient)
        if before.revision >= revision:
            continue
        # The plan in force for the locked period is the one that paid it: plans and overrides of a
        # locked period cannot change (plans.ensure_change_applies_to_open_periods).
        plan = resolved_plan(inputs.plans, inputs.overrides, slip.role, employee_id, run.period)
        if plan is None:
            continue
        adjustment = difference(before, plan, result, run.full_score_at, period=run.period, locked_run_id=run.id,
                                revision=revision, base=base_paid(slip.lines), annual=bus.policy.annual)
        if adjustment is not None and await uow.revisions.add(adjustment, bus.clock.now()):
            recorded.append(adjustment)
    return recorded
