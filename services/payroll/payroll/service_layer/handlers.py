"""Use cases of the payroll service: commands from the API and events from other services.

Commands open the unit of work, check the rules, change state, record their events and commit
once. Event handlers run inside the consumer runner's unit of work (which records the inbox row
and commits): they store the fact keyed by its business id, so a repeat changes nothing, and
then try to compute any run the fact may have completed.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError

from payroll.domain.commission import Collection
from payroll.domain.completeness import ClosedPeriod
from payroll.domain.payslip import FinalResult
from payroll.domain.periods import ensure_period, period_of
from payroll.domain.plans import CompensationPlan, ensure_change_applies_to_open_periods
from payroll.domain.runs import PayRun
from payroll.service_layer import commands
from payroll.service_layer.pay_runs import compute_if_ready, compute_waiting_runs
from payroll.service_layer.unit_of_work import PayrollUnitOfWork
from shared.consumer import Handler as EventHandler
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.events.appraisal import AppraisalResultFinalized, PeriodClosed
from shared.events.crm import PaymentReceived
from shared.events.envelope import CloudEvent
from shared.events.payroll import PayRunLocked

CommandT = TypeVar("CommandT")
ResultT = TypeVar("ResultT")
Handler = Callable[[CommandT, PayrollUnitOfWork], Awaitable[ResultT]]

_UNIQUE_VIOLATION = "23505"


def _now() -> datetime:
    return datetime.now(UTC)


def refuses_duplicates(handler: Handler[CommandT, ResultT]) -> Handler[CommandT, ResultT]:
    """A unique-key violation from a concurrent request is the client's conflict, not a 500."""

    @functools.wraps(handler)
    async def guarded(command: CommandT, uow: PayrollUnitOfWork) -> ResultT:
        try:
            return await handler(command, uow)
        except IntegrityError as error:
            if getattr(error.orig, "sqlstate", None) != _UNIQUE_VIOLATION:
                raise
            raise Conflict("the change collided with a concurrent change; retry") from error

    return guarded


# --- commands -------------------------------------------------------------------------------------


@refuses_duplicates
async def set_plan(command: commands.SetPlan, uow: PayrollUnitOfWork) -> CompensationPlan:
    ensure_period(command.effective_from, field="effective_from")
    async with uow:
        # Under the pay-run lock: no run is computed half with the old plan and half with the new.
        await uow.lock_pay_runs()
        ensure_change_applies_to_open_periods(command.effective_from, await uow.runs.latest_period())
        plan = await uow.plans.add(CompensationPlan(
            role=command.role, version=await uow.plans.next_version(command.role),
            effective_from=command.effective_from, monthly_base=command.monthly_base,
            performance_standard=command.performance_standard, bonus_base=command.bonus_base,
            commission_rate=command.commission_rate, set_by=command.set_by,
        ))
        # A period may have been waiting for exactly this plan.
        await compute_waiting_runs(uow)
        await uow.commit()
    return plan


async def approve_run(command: commands.ApproveRun, uow: PayrollUnitOfWork) -> PayRun:
    async with uow:
        run = await _run(uow, command.run_id)
        run.approve(command.by, _now())
        await uow.runs.save_status(run)
        await uow.commit()
    return run


async def lock_run(command: commands.LockRun, uow: PayrollUnitOfWork) -> PayRun:
    async with uow:
        run = await _run(uow, command.run_id)
        run.lock(command.by, _now())
        await uow.runs.save_status(run)
        uow.emit(PayRunLocked(pay_run_id=run.id, period=run.period, payslip_count=run.payslip_count,
                              total_gross=run.total_gross, locked_by=command.by, locked_at=run.locked_at))
        await uow.commit()
    return run


async def _run(uow: PayrollUnitOfWork, run_id) -> PayRun:
    run = await uow.runs.get(run_id, for_update=True)
    if run is None:
        raise NotFound(f"pay run {run_id} does not exist")
    return run


async def handle(command: commands.Command, uow: PayrollUnitOfWork) -> Any:
    return await COMMAND_HANDLERS[type(command)](command, uow)


COMMAND_HANDLERS: dict[type, Handler[Any, Any]] = {
    commands.SetPlan: set_plan,
    commands.ApproveRun: approve_run,
    commands.LockRun: lock_run,
}


# --- events from other services ---------------------------------------------------------------------


async def on_period_closed(envelope: CloudEvent, uow: UnitOfWork) -> None:
    """appraisal closed a period: remember how many results to wait for."""
    payroll = _payroll(uow)
    closed = envelope.payload(PeriodClosed)
    await payroll.lock_pay_runs()
    await payroll.appraisal.record_close(ClosedPeriod(
        period=ensure_period(closed.period), employee_count=closed.employee_count, closed_at=closed.closed_at,
        closed_by=closed.closed_by))
    await compute_if_ready(payroll, closed.period)


async def on_result_finalized(envelope: CloudEvent, uow: UnitOfWork) -> None:
    """One employee's frozen result; it may be the last one the period waits for."""
    payroll = _payroll(uow)
    result = envelope.payload(AppraisalResultFinalized)
    await payroll.lock_pay_runs()
    await payroll.appraisal.record_result(FinalResult(
        period=ensure_period(result.period), employee_id=result.employee_id, role=result.role, score=result.score,
        coefficient=result.coefficient, rank=result.rank, flags=tuple(result.flags)), envelope.id)
    await compute_if_ready(payroll, result.period)


async def on_payment_received(envelope: CloudEvent, uow: UnitOfWork) -> None:
    """Money collected: commission of its period's run, or an adjustment of the next run if that
    run was already computed (decided when a run settles it, not here)."""
    payroll = _payroll(uow)
    payment = envelope.payload(PaymentReceived)
    await payroll.payments.record(Collection(
        payment_id=payment.payment_id, deal_id=payment.deal_id, rep_id=payment.rep_id, amount=payment.amount,
        received_on=payment.received_on, period=period_of(payment.received_on, payroll.company_timezone),
    ), payment.currency)


def then_compute_waiting_runs(apply: EventHandler) -> EventHandler:
    """Wrap a directory handler: a role that lands in the directory may complete a waiting period."""

    @functools.wraps(apply)
    async def handler(envelope: CloudEvent, uow: UnitOfWork) -> None:
        await apply(envelope, uow)
        payroll = _payroll(uow)
        await payroll.lock_pay_runs()
        await compute_waiting_runs(payroll)

    return handler


def _payroll(uow: UnitOfWork) -> PayrollUnitOfWork:
    if not isinstance(uow, PayrollUnitOfWork):
        raise TypeError("payroll handlers need the payroll unit of work")
    return uow
