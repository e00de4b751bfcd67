"""Use cases of the payroll service: commands from the API and facts from other services.

Commands open the unit of work, check the rules, change state, record their events and commit
once. Facts from other services are recorded inside the consumer runner's unit of work (which
records the inbox row and commits; :mod:`payroll.entrypoints.consumers` parses the events): each
is stored keyed by its business id, so a repeat changes nothing, and then any run the fact may
have completed is computed.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from payroll.domain.attendance import ClassifiedDay
from payroll.domain.commission import Collection
from payroll.domain.completeness import ClosedPeriod
from payroll.domain.incentives import SpecialIncentive
from payroll.domain.overrides import PlanOverride, ensure_new_override_period
from payroll.domain.payslip import FinalResult
from payroll.domain.periods import ensure_period, period_of
from payroll.domain.plans import (
    DEFAULT_PARTS,
    CompensationPlan,
    ensure_change_applies_to_open_periods,
    ensure_new_period,
    ensure_parts,
    ensure_plan_execution_fits,
    ensure_profit_share_fits,
)
from payroll.domain.revisions import Reopening
from payroll.domain.runs import PayRun, RunStatus
from payroll.service_layer import commands, commission_plans, expenses, exports, what_if
from payroll.service_layer.pay_runs import compute_waiting_runs, flag_missing, recompute
from payroll.service_layer.revisions import follow_revisions
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.bus import CommandHandler, refuses_duplicates
from shared.calendar import WorkingCalendar
from shared.db import new_id
from shared.errors import NotFound
from shared.events.payroll import PayRunLocked

# --- commands -------------------------------------------------------------------------------------


@refuses_duplicates()
async def set_plan(command: commands.SetPlan, bus: PayrollBus) -> CompensationPlan:
    ensure_period(command.effective_from, field="effective_from")
    parts = ensure_parts(command.parts if command.parts is not None else DEFAULT_PARTS)
    sharing = bus.policy.profit_share
    ensure_profit_share_fits(command.role, parts, sharing.manager_roles, sharing.finance_roles)
    ensure_plan_execution_fits(parts, command.base_follows_plan_execution)
    async with bus.uow() as uow:
        # Under the pay-run lock: no run is computed half with the old plan and half with the new.
        await uow.lock_pay_runs()
        ensure_change_applies_to_open_periods(command.effective_from, await uow.runs.latest_locked_period())
        ensure_new_period(await uow.plans.all(command.role), command.effective_from)
        await commission_plans.ensure_commission_plan_exists(uow, command.commission_plan)
        plan = await uow.plans.add(CompensationPlan(
            role=command.role, version=await uow.plans.next_version(command.role),
            effective_from=command.effective_from, monthly_base=command.monthly_base,
            performance_standard=command.performance_standard, bonus_base=command.bonus_base,
            commission_rate=command.commission_rate, set_by=command.set_by, parts=parts,
            performance_fixed=command.performance_fixed, commission_plan=command.commission_plan,
            annual_bonus_base=command.annual_bonus_base,
            base_follows_plan_execution=command.base_follows_plan_execution,
        ))
        # A period may have been waiting for exactly this plan.
        await compute_waiting_runs(uow, bus)
        await uow.commit()
    return plan


@refuses_duplicates({"uq_plan_overrides_employee_id_effective_from": (
    "effective_from", "another override version of this person starts in this period")})
async def set_plan_override(command: commands.SetPlanOverride, bus: PayrollBus) -> PlanOverride:
    ensure_period(command.effective_from, field="effective_from")
    async with bus.uow() as uow:
        if not await uow.directory.known(command.employee_id):
            raise NotFound(f"employee {command.employee_id} is not in the directory", field="employee_id")
        await uow.lock_pay_runs()
        ensure_change_applies_to_open_periods(command.effective_from, await uow.runs.latest_locked_period())
        ensure_new_override_period(await uow.overrides.of([command.employee_id]), command.effective_from)
        await commission_plans.ensure_commission_plan_exists(uow, command.amounts.get("commission_plan"))
        override = await uow.overrides.add(PlanOverride(
            employee_id=command.employee_id, version=await uow.overrides.next_version(command.employee_id),
            effective_from=command.effective_from, set_by=command.set_by, **command.amounts))
        await uow.commit()
    return override


async def award_incentive(command: commands.AwardIncentive, bus: PayrollBus) -> SpecialIncentive:
    ensure_period(command.period)
    incentive = SpecialIncentive(id=new_id(), employee_id=command.employee_id, period=command.period,
                                 amount=command.amount, reason=command.reason, entered_by=command.by,
                                 entered_at=bus.clock.now())
    async with bus.uow() as uow:
        if not await uow.directory.known(command.employee_id):
            raise NotFound(f"employee {command.employee_id} is not in the directory", field="employee_id")
        await uow.lock_pay_runs()
        await uow.incentives.add(incentive)
        # On its period's run if that is still a draft, else on the next draft; with no draft run, the
        # next run computed claims it.
        drafts = [run for run in await uow.runs.list()
                  if run.status != RunStatus.LOCKED and run.period >= incentive.period]
        if drafts:
            target = min(drafts, key=lambda run: run.period)
            await recompute(uow, bus, await _run(uow, target.id))
        await uow.commit()
    async with bus.uow() as uow:
        stored = await uow.incentives.get(incentive.id)
    assert stored is not None
    return stored


async def cancel_incentive(command: commands.CancelIncentive, bus: PayrollBus) -> SpecialIncentive:
    async with bus.uow() as uow:
        await uow.lock_pay_runs()
        incentive = await uow.incentives.get(command.incentive_id, for_update=True)
        if incentive is None:
            raise NotFound(f"special incentive {command.incentive_id} does not exist")
        incentive.cancel(command.by, bus.clock.now())
        await uow.incentives.save_cancellation(incentive)
        if incentive.run_id is not None:
            # On a draft run: recomputing it drops the line (and withdraws any approval of the old figures).
            await recompute(uow, bus, await _run(uow, incentive.run_id))
        await uow.commit()
    return incentive


async def recompute_run(command: commands.RecomputeRun, bus: PayrollBus) -> PayRun:
    async with bus.uow() as uow:
        # The pay-run lock first, as every computation takes it: facts arriving meanwhile wait.
        await uow.lock_pay_runs()
        run = await recompute(uow, bus, await _run(uow, command.run_id))
        await uow.commit()
    return run


async def approve_run(command: commands.ApproveRun, bus: PayrollBus) -> PayRun:
    async with bus.uow() as uow:
        run = await _run(uow, command.run_id)
        run.approve(command.by, bus.clock.now())
        await uow.runs.save_status(run)
        await uow.commit()
    return run


async def lock_run(command: commands.LockRun, bus: PayrollBus) -> PayRun:
    async with bus.uow() as uow:
        run = await _run(uow, command.run_id)
        run.lock(command.by, bus.clock.now())
        await uow.runs.save_status(run)
        uow.emit(PayRunLocked(pay_run_id=run.id, period=run.period, payslip_count=run.payslip_count,
                              total_gross=run.total_gross, locked_by=command.by, locked_at=run.locked_at))
        await uow.commit()
    return run


async def _run(uow: PayrollUnitOfWork, run_id: uuid.UUID) -> PayRun:
    run = await uow.runs.get(run_id, for_update=True)
    if run is None:
        raise NotFound(f"pay run {run_id} does not exist")
    return run


# --- facts from other services (in the consumer's unit of work) -------------------------------------


async def record_close(uow: PayrollUnitOfWork, bus: PayrollBus, close: ClosedPeriod) -> None:
    """appraisal closed a period: remember how many results to wait for."""
    ensure_period(close.period)
    await uow.lock_pay_runs()
    await uow.appraisal.record_close(close)
    follow_at_commit(uow, bus, close.period)


async def record_result(uow: PayrollUnitOfWork, bus: PayrollBus, result: FinalResult, event_id: uuid.UUID) -> None:
    """One employee's frozen result; it may be the last one the period waits for.

    Stored when the unit commits, with every other result of the consumer's batch in one statement
    under the pay-run lock (a month end delivers one result per employee); nothing in between reads
    them, and whether the run is due is asked after they are stored."""
    ensure_period(result.period)
    uow.appraisal.stage_result(result, event_id)
    uow.before_commit("payroll.appraisal_results", lambda: _store_staged_results(uow))
    follow_at_commit(uow, bus, result.period)


async def _store_staged_results(uow: PayrollUnitOfWork) -> None:
    await uow.lock_pay_runs()
    await uow.appraisal.store_staged_results()


async def record_reopen(uow: PayrollUnitOfWork, bus: PayrollBus, reopening: Reopening) -> None:
    """appraisal reopened a period: its draft run waits for the revised results; a locked run stands."""
    ensure_period(reopening.period)
    await uow.lock_pay_runs()
    await uow.revisions.record_reopen(reopening)
    follow_at_commit(uow, bus, reopening.period)


def follow_at_commit(uow: PayrollUnitOfWork, bus: PayrollBus, period: str) -> None:
    """Whether the period's run is now due (or its draft must follow a revision) is asked once per
    period and transaction, after every close, result and reopen of the consumer's batch is stored:
    asked after each result, the month end read all the results so far once per result (quadratic).
    The pay-run lock the caller took is held until that commit."""
    uow.before_commit(f"payroll.follow_revisions:{period}", lambda: follow_revisions(uow, bus, period))


async def record_payment(uow: PayrollUnitOfWork, bus: PayrollBus, *, payment_id: uuid.UUID, deal_id: uuid.UUID,
                         rep_id: uuid.UUID, amount: Decimal, currency: str, received_on: date) -> None:
    """Money collected: commission of its period's run, or an adjustment of the next run if that
    run was already computed (decided when a run settles it, not here)."""
    await uow.payments.record(Collection(
        payment_id=payment_id, deal_id=deal_id, rep_id=rep_id, amount=amount, received_on=received_on,
        period=period_of(received_on, bus.clock.timezone),
    ), currency)


async def record_attendance_day(uow: PayrollUnitOfWork, bus: PayrollBus, classified: ClassifiedDay) -> bool:
    """org classified a day (again): keep its highest revision. A day of a period already paid is
    paid as a difference by the next run (P8), not here."""
    # Under the pay-run lock: a run being computed either sees this revision or leaves it to the next run.
    await uow.lock_pay_runs()
    return await uow.attendance.record_day(classified, bus.clock.now())


async def record_calendar(uow: PayrollUnitOfWork, bus: PayrollBus, calendar: WorkingCalendar, revision: int
                          ) -> bool:
    """org set a year's working calendar: keep its highest revision, for proration."""
    await uow.lock_pay_runs()
    return await uow.attendance.record_calendar(calendar, revision, bus.clock.now())


async def directory_changed(uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    """A role that lands in the directory may complete a waiting period; a hire that lands after a draft
    run was computed makes that run's blocker (the run is not approved without them)."""
    await uow.lock_pay_runs()
    await compute_waiting_runs(uow, bus)
    for run in await uow.runs.list():
        if run.status != RunStatus.LOCKED:
            await flag_missing(uow, run)


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.SetPlan: set_plan,
    commands.SetPlanOverride: set_plan_override,
    commands.AwardIncentive: award_incentive,
    commands.CancelIncentive: cancel_incentive,
    commands.RecomputeRun: recompute_run,
    commands.ApproveRun: approve_run,
    commands.LockRun: lock_run,
    # Commission plans as data (P4): command and handler in service_layer/commission_plans.py.
    commission_plans.SetCommissionPlan: commission_plans.set_commission_plan,
    # Expense claims (P7) and payslip disputes (P8): commands and handlers in service_layer/expenses.py.
    expenses.SubmitExpenseClaim: expenses.submit_claim,
    expenses.ApproveExpenseClaim: expenses.approve_claim,
    expenses.RefuseExpenseClaim: expenses.refuse_claim,
    expenses.OpenDispute: expenses.open_dispute,
    expenses.CommentOnDispute: expenses.comment_on_dispute,
    expenses.AnswerDispute: expenses.answer_dispute,
    expenses.ResolveDispute: expenses.resolve_dispute,
    # What-if recomputations (issue 9 item 10) and bank accounts for exports (item 11).
    what_if.RunWhatIf: what_if.run_what_if,
    exports.SetBankAccount: exports.set_bank_account,
}
