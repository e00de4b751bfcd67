"""Inbound events of the org service. org is the source of the organisation, not a follower of it;
it listens only for what other services decide about its people: appraisal's frozen results, whose
retraining flags (A6) open retraining assignments, and its dismissal cases, whose months open none.
Each handler is ``async def on_x(envelope, uow, bus)`` inside the runner's unit of work, beside the
inbox row that makes a redelivery a no-op."""

from __future__ import annotations

from org.service_layer import training
from org.service_layer.unit_of_work import OrgBus, OrgUnitOfWork
from shared.consumer import ConsumerSpec
from shared.events.appraisal import AppraisalResultFinalized, DismissalCaseOpened
from shared.events.envelope import CloudEvent


async def on_appraisal_result_finalized(envelope: CloudEvent, uow: OrgUnitOfWork, bus: OrgBus) -> None:
    await training.open_retraining_assignment(uow, bus, envelope.payload(AppraisalResultFinalized), envelope.id)


async def on_dismissal_case_opened(envelope: CloudEvent, uow: OrgUnitOfWork, bus: OrgBus) -> None:
    await training.record_dismissal_case(uow, bus, envelope.payload(DismissalCaseOpened), envelope.id)


CONSUMERS: list[ConsumerSpec] = [
    ConsumerSpec(
        name="org-appraisal-results",
        # One topic, keyed by employee: a dismissal case comes before the result of the month that opened it.
        topics=sorted({AppraisalResultFinalized.topic, DismissalCaseOpened.topic}),
        handlers={AppraisalResultFinalized.event_type: on_appraisal_result_finalized,
                  DismissalCaseOpened.event_type: on_dismissal_case_opened},
    ),
]
