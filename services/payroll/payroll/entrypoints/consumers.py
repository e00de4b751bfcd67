"""Inbound events: each adapter parses one event type and hands the fact to the service layer, inside
the consumer runner's unit of work (beside the inbox row). Kafka event type → adapter, per consumer
group, at the bottom; other types on these topics are skipped by the runner."""

from __future__ import annotations

import functools

from payroll.domain.annual import AnnualResult
from payroll.domain.attendance import AttendanceDay, ClassifiedDay
from payroll.domain.completeness import ClosedPeriod
from payroll.domain.deals import Deal, DealCancellation, Refund, deal_profit
from payroll.domain.payslip import FinalResult
from payroll.domain.periods import period_of
from payroll.domain.revisions import Reopening
from payroll.service_layer import annual, deals, handlers
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.calendar import WorkingCalendar
from shared.consumer import ConsumerSpec, Handler
from shared.directory import DIRECTORY_HANDLERS, DIRECTORY_TOPICS
from shared.events.appraisal import AnnualResultFinalized, AppraisalResultFinalized, PeriodClosed, PeriodReopened
from shared.events.crm import DealCancelled, DealCostSet, DealWon, PaymentReceived, PaymentRefunded
from shared.events.envelope import CloudEvent
from shared.events.org import AttendanceDayClassified, WorkingCalendarSet


async def on_period_closed(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    closed = envelope.payload(PeriodClosed)
    await handlers.record_close(uow, bus, ClosedPeriod(
        period=closed.period, employee_count=closed.employee_count, closed_at=closed.closed_at,
        closed_by=closed.closed_by, revision=closed.revision))


async def on_period_reopened(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    reopened = envelope.payload(PeriodReopened)
    await handlers.record_reopen(uow, bus, Reopening(
        period=reopened.period, revision=reopened.revision, reason=reopened.reason,
        reopened_at=reopened.reopened_at, reopened_by=reopened.reopened_by))


async def on_result_finalized(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    result = envelope.payload(AppraisalResultFinalized)
    await handlers.record_result(uow, bus, FinalResult(
        period=result.period, employee_id=result.employee_id, role=result.role, score=result.score,
        coefficient=result.coefficient, rank=result.rank, flags=tuple(result.flags),
        revision=result.revision, plan_execution=result.plan_execution), envelope.id)


async def on_annual_result_finalized(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    result = envelope.payload(AnnualResultFinalized)
    await annual.record_annual_result(uow, AnnualResult(
        year=result.year, employee_id=result.employee_id, score=result.score, coefficient=result.coefficient,
        months_scored=tuple(result.months_scored), months_missing=tuple(result.months_missing),
        missing_months_rule=result.missing_months_rule, revision=result.revision,
        computed_at=result.computed_at), envelope.id)


async def on_payment_received(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    payment = envelope.payload(PaymentReceived)
    await handlers.record_payment(uow, bus, payment_id=payment.payment_id, deal_id=payment.deal_id,
                                  rep_id=payment.rep_id, amount=payment.amount, currency=payment.currency,
                                  received_on=payment.received_on)


async def on_deal_won(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    won = envelope.payload(DealWon)
    await deals.record_deal_won(uow, bus, Deal(
        deal_id=won.deal_id, rep_id=won.rep_id, group_id=won.group_id, department_id=won.department_id,
        amount=won.amount, cost=won.cost, profit=deal_profit(won.amount, won.cost, won.profit), units=won.units,
        signed_on=won.signed_on, period=period_of(won.signed_on, bus.clock.timezone), currency=won.currency))


async def on_deal_cost_set(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    corrected = envelope.payload(DealCostSet)
    await deals.record_deal_cost(uow, bus, corrected.deal_id, corrected.cost, corrected.profit, corrected.revision,
                                 corrected.set_at)


async def on_deal_cancelled(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    cancelled = envelope.payload(DealCancelled)
    await deals.record_deal_cancelled(uow, bus, DealCancellation(
        deal_id=cancelled.deal_id, rep_id=cancelled.rep_id, amount=cancelled.amount, units=cancelled.units,
        cancelled_on=cancelled.cancelled_on, period=period_of(cancelled.cancelled_on, bus.clock.timezone),
        reason=cancelled.reason, cancelled_by=cancelled.cancelled_by, group_id=cancelled.group_id,
        department_id=cancelled.department_id))


async def on_payment_refunded(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    refund = envelope.payload(PaymentRefunded)
    await deals.record_refund(uow, bus, Refund(
        refund_id=refund.refund_id, payment_id=refund.payment_id, deal_id=refund.deal_id, rep_id=refund.rep_id,
        amount=refund.amount, refunded_on=refund.refunded_on,
        period=period_of(refund.refunded_on, bus.clock.timezone), reason=refund.reason,
        recorded_by=refund.recorded_by, currency=refund.currency, group_id=refund.group_id,
        department_id=refund.department_id))


async def on_attendance_day_classified(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    day = envelope.payload(AttendanceDayClassified)
    await handlers.record_attendance_day(uow, bus, ClassifiedDay(
        employee_id=day.employee_id,
        day=AttendanceDay(work_date=day.work_date, revision=day.revision, classification=day.classification,
                          absence_days=day.absence_days, minor_latenesses=day.minor_latenesses,
                          leave_days=day.leave_days, leave_type=day.leave_type, leave_paid=day.leave_paid),
        late_minutes=day.late_minutes, early_minutes=day.early_minutes, event_id=envelope.id))


async def on_working_calendar_set(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    calendar = envelope.payload(WorkingCalendarSet)
    await handlers.record_calendar(uow, bus, WorkingCalendar(
        year=calendar.year, weekend=frozenset(calendar.weekend), holidays=frozenset(calendar.holidays),
        makeup_working_days=frozenset(calendar.makeup_working_days)), calendar.revision)


def then_compute_waiting_runs(apply: Handler) -> Handler:
    """Wrap a directory handler: a role that lands in the directory may complete a waiting period."""

    @functools.wraps(apply)
    async def handler(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
        await apply(envelope, uow, bus)
        await handlers.directory_changed(uow, bus)

    return handler


CONSUMERS = [
    ConsumerSpec(
        name="payroll-inputs",
        topics=sorted({PeriodClosed.topic, AppraisalResultFinalized.topic, PaymentReceived.topic}),
        handlers={
            PeriodClosed.event_type: on_period_closed,
            # On the same topic and key as the close: a reopen and the next close arrive in order.
            PeriodReopened.event_type: on_period_reopened,
            AppraisalResultFinalized.event_type: on_result_finalized,
            # On appraisal.score too: the annual score, stored for the run that pays the year-end bonus.
            AnnualResultFinalized.event_type: on_annual_result_finalized,
            PaymentReceived.event_type: on_payment_received,
            # Deals, cancellations and refunds feed commission plans, clawbacks and the profit share (P4, P5).
            DealWon.event_type: on_deal_won,
            DealCostSet.event_type: on_deal_cost_set,
            DealCancelled.event_type: on_deal_cancelled,
            PaymentRefunded.event_type: on_payment_refunded,
        },
    ),
    ConsumerSpec(
        name="payroll-attendance",
        # Dismissal cases and month submissions share org.attendance and have no handler: skipped.
        topics=sorted({AttendanceDayClassified.topic, WorkingCalendarSet.topic}),
        handlers={
            AttendanceDayClassified.event_type: on_attendance_day_classified,
            WorkingCalendarSet.event_type: on_working_calendar_set,
        },
    ),
    ConsumerSpec(
        name="payroll-directory",
        topics=DIRECTORY_TOPICS,
        # After each directory change, a period waiting for an employee's role may be computed.
        handlers={event_type: then_compute_waiting_runs(apply) for event_type, apply in DIRECTORY_HANDLERS.items()},
    ),
]
