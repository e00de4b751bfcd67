"""Inbound events: each adapter parses one event type and hands the fact to the service layer, inside
the consumer runner's unit of work (beside the inbox row). Kafka event type → adapter, per consumer
group, at the bottom; other types on these topics are skipped by the runner."""

from __future__ import annotations

import functools

from payroll.domain.attendance import AttendanceDay, ClassifiedDay
from payroll.domain.completeness import ClosedPeriod
from payroll.domain.payslip import FinalResult
from payroll.service_layer import handlers
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.calendar import WorkingCalendar
from shared.consumer import ConsumerSpec, Handler
from shared.directory import DIRECTORY_HANDLERS, DIRECTORY_TOPICS
from shared.events.appraisal import AppraisalResultFinalized, PeriodClosed
from shared.events.crm import PaymentReceived
from shared.events.envelope import CloudEvent
from shared.events.org import AttendanceDayClassified, WorkingCalendarSet


async def on_period_closed(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    closed = envelope.payload(PeriodClosed)
    await handlers.record_close(uow, bus, ClosedPeriod(
        period=closed.period, employee_count=closed.employee_count, closed_at=closed.closed_at,
        closed_by=closed.closed_by))


async def on_result_finalized(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    result = envelope.payload(AppraisalResultFinalized)
    await handlers.record_result(uow, bus, FinalResult(
        period=result.period, employee_id=result.employee_id, role=result.role, score=result.score,
        coefficient=result.coefficient, rank=result.rank, flags=tuple(result.flags)), envelope.id)


async def on_payment_received(envelope: CloudEvent, uow: PayrollUnitOfWork, bus: PayrollBus) -> None:
    payment = envelope.payload(PaymentReceived)
    await handlers.record_payment(uow, bus, payment_id=payment.payment_id, deal_id=payment.deal_id,
                                  rep_id=payment.rep_id, amount=payment.amount, currency=payment.currency,
                                  received_on=payment.received_on)


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
            AppraisalResultFinalized.event_type: on_result_finalized,
            PaymentReceived.event_type: on_payment_received,
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
