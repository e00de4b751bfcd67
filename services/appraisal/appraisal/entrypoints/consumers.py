"""Kafka event type → handler: the appraisal service's inbound event adapters. Each handler is
``async def on_x(envelope, uow, bus)``: it runs inside the runner's unit of work, beside the inbox
row that makes a redelivery a no-op, reads the clock and the policy from the bus, and leaves the
commit to the runner."""

from __future__ import annotations

import uuid

from appraisal.service_layer import calendar, crm_inputs, handlers, input_batches, inputs
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.calendar import WorkingCalendar
from shared.consumer import ConsumerSpec
from shared.directory import DIRECTORY_HANDLERS, DIRECTORY_TOPICS
from shared.events.crm import (
    ComplaintClosed,
    DealCancelled,
    DealWon,
    FollowUpDone,
    LeadAssigned,
    PaymentReceived,
    PaymentRefunded,
    VisitLogged,
)
from shared.events.envelope import CloudEvent
from shared.events.org import (
    AttendanceDayClassified,
    EmployeeHired,
    EmployeeLeft,
    EmployeeTransferred,
    GroupCreated,
    WorkingCalendarSet,
)
from shared.events.telesales import CallCorrected, CallLogged


async def on_lead_assigned(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    facts = inputs.from_lead_assigned(envelope.payload(LeadAssigned), envelope.id, bus.clock)
    await handlers.record_inputs(uow, bus, facts)


async def on_deal_won(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    await handlers.record_inputs(uow, bus, inputs.from_deal_won(envelope.payload(DealWon), envelope.id))


async def on_deal_cancelled(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    facts = inputs.from_deal_cancelled(envelope.payload(DealCancelled), envelope.id)
    await handlers.record_inputs(uow, bus, facts)


async def on_payment_refunded(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    facts = inputs.from_payment_refunded(envelope.payload(PaymentRefunded), envelope.id)
    await handlers.record_inputs(uow, bus, facts)


async def on_payment_received(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    facts = inputs.from_payment_received(envelope.payload(PaymentReceived), envelope.id)
    await handlers.record_inputs(uow, bus, facts)


async def on_call_logged(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    call = envelope.payload(CallLogged)
    await handlers.record_call(uow, bus, inputs.call_version(call, envelope.id),
                               inputs.from_call_logged(call, envelope.id, bus.policy))


async def on_calls_logged(envelopes: list[CloudEvent], uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    """The batch path of ``on_call_logged``: a polled run of logged calls applied together."""
    logged = []
    for envelope in envelopes:
        call = envelope.payload(CallLogged)
        logged.append((inputs.call_version(call, envelope.id), inputs.from_call_logged(call, envelope.id, bus.policy)))
    await input_batches.record_logged_calls(uow, bus, logged)


async def on_call_corrected(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    corrected = envelope.payload(CallCorrected)
    await handlers.record_call(uow, bus, inputs.call_version(corrected, envelope.id), [],
                               previous_disposition=corrected.previous_disposition)


async def on_attendance_day_classified(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    facts = inputs.from_attendance_day(envelope.payload(AttendanceDayClassified), envelope.id, bus.policy)
    await handlers.record_inputs(uow, bus, facts)


async def on_visit_logged(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    facts = crm_inputs.from_visit_logged(envelope.payload(VisitLogged), envelope.id)
    await handlers.record_inputs(uow, bus, facts)


async def on_follow_up_done(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    facts = crm_inputs.from_follow_up_done(envelope.payload(FollowUpDone), envelope.id)
    await handlers.record_inputs(uow, bus, facts)


async def on_complaint_closed(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    facts = crm_inputs.from_complaint_closed(envelope.payload(ComplaintClosed), envelope.id, bus.clock,
                                             bus.policy.complaint_on_time_max_hours)
    await handlers.record_inputs(uow, bus, facts)


async def on_employee_changed(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    """Update the directory replica, then rescore: a new role may mean a new template, and a hire
    may arrive after the employee's first inputs."""
    await DIRECTORY_HANDLERS[envelope.type](envelope, uow, bus)
    if envelope.type == EmployeeHired.event_type:
        hired = envelope.payload(EmployeeHired)
        await uow.roles.record(hired.employee_id, hired.hired_on, hired.role)
        # Inputs may have outrun the hire: roll them up to the leader and managers now; and a new
        # manager gets their department's inputs of the open months.
        await handlers.roll_up_open_facts(uow, bus, [hired.employee_id])
        await handlers.roll_up_to_new_head(uow, bus, hired.employee_id)
    elif envelope.type == EmployeeTransferred.event_type:
        moved = envelope.payload(EmployeeTransferred)
        await uow.roles.record(moved.employee_id, moved.effective_date, moved.to_role)
        await handlers.roll_up_to_new_head(uow, bus, moved.employee_id)
    await handlers.rescore_employee(uow, bus, uuid.UUID(str(envelope.data["employee_id"])))


async def on_group_created(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    """A group may reach the replica after its members' hires and inputs: roll theirs up to its leader."""
    await DIRECTORY_HANDLERS[envelope.type](envelope, uow, bus)
    members = await uow.directory.members(envelope.payload(GroupCreated).group_id)
    await handlers.roll_up_open_facts(uow, bus, [member.employee_id for member in members])


async def on_working_calendar_set(envelope: CloudEvent, uow: AppraisalUnitOfWork, bus: AppraisalBus) -> None:
    year = envelope.payload(WorkingCalendarSet)
    await calendar.record_calendar(uow, bus, WorkingCalendar(
        year=year.year, weekend=frozenset(year.weekend), holidays=frozenset(year.holidays),
        makeup_working_days=frozenset(year.makeup_working_days)), year.revision)


EMPLOYEE_EVENTS = (EmployeeHired.event_type, EmployeeTransferred.event_type, EmployeeLeft.event_type)

CONSUMERS = [
    ConsumerSpec(
        name="appraisal-inputs",
        # org.attendance also carries dismissal cases and month submissions: not inputs, so not
        # handled (the runner skips types without a handler).
        topics=sorted({LeadAssigned.topic, DealWon.topic, DealCancelled.topic, PaymentReceived.topic,
                       PaymentRefunded.topic, CallLogged.topic, AttendanceDayClassified.topic, VisitLogged.topic,
                       FollowUpDone.topic, ComplaintClosed.topic}),
        handlers={
            LeadAssigned.event_type: on_lead_assigned,
            DealWon.event_type: on_deal_won,
            DealCancelled.event_type: on_deal_cancelled,
            PaymentRefunded.event_type: on_payment_refunded,
            PaymentReceived.event_type: on_payment_received,
            CallLogged.event_type: on_call_logged,
            CallCorrected.event_type: on_call_corrected,
            AttendanceDayClassified.event_type: on_attendance_day_classified,
            VisitLogged.event_type: on_visit_logged,
            FollowUpDone.event_type: on_follow_up_done,
            ComplaintClosed.event_type: on_complaint_closed,
        },
        batch_handlers={CallLogged.event_type: on_calls_logged},
    ),
    ConsumerSpec(
        name="appraisal-directory",
        # org's reference data: the directory, and the working calendar the daily logs are owed by (A8).
        topics=sorted({*DIRECTORY_TOPICS, WorkingCalendarSet.topic}),
        handlers={**DIRECTORY_HANDLERS, **{event_type: on_employee_changed for event_type in EMPLOYEE_EVENTS},
                  GroupCreated.event_type: on_group_created, WorkingCalendarSet.event_type: on_working_calendar_set},
    ),
]
