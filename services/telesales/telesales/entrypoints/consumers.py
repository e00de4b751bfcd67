"""Inbound events: thin adapters from an envelope to the service layer, and the consumer table.

``telesales-calls`` reads the internal intake topic and stores calls; it scales with the
topic's partitions (T7). Intake sends a request's records as ``CallsSubmitted`` messages (many
records each); the one-record ``CallSubmitted`` of earlier releases is read as well.
``telesales-directory`` keeps the local org-directory replica that
stored calls are placed in groups and departments by. ``telesales-crm`` puts the numbers of
customers who asked crm not to be called on the do-not-call list (T6).
"""

from __future__ import annotations

from typing import cast

from shared.consumer import ConsumerSpec
from shared.directory import DIRECTORY_HANDLERS, DIRECTORY_TOPICS
from shared.events.crm import CustomerDoNotCallRequested
from shared.events.envelope import CloudEvent
from telesales.adapters.intake import CallsSubmitted, CallSubmitted
from telesales.config import INTAKE_CHANNEL, INTAKE_TOPIC
from telesales.domain.calls import CallStage, Disposition
from telesales.service_layer import call_batches, commands, compliance, handlers
from telesales.service_layer.unit_of_work import TelesalesBus, TelesalesUnitOfWork


async def on_call_submitted(envelope: CloudEvent, uow: TelesalesUnitOfWork, bus: TelesalesBus) -> None:
    await handlers.record_call(uow, bus, _record_call(envelope))


async def on_calls_submitted(envelopes: list[CloudEvent], uow: TelesalesUnitOfWork, bus: TelesalesBus) -> None:
    """The batch path of ``on_call_submitted``: a polled run of intake records stored together."""
    await call_batches.record_calls(uow, bus, [_record_call(envelope) for envelope in envelopes])


async def on_calls_submitted_batch(envelope: CloudEvent, uow: TelesalesUnitOfWork, bus: TelesalesBus) -> None:
    """One message of many records, alone (the runner's fallback when its batch failed): each
    record as ``on_call_submitted`` stores it, in turn, in the message's one transaction."""
    for command in _record_calls(envelope):
        await handlers.record_call(uow, bus, command)


async def on_calls_submitted_batches(envelopes: list[CloudEvent], uow: TelesalesUnitOfWork,
                                     bus: TelesalesBus) -> None:
    """The batch path for a polled run of many-record messages: all their records stored together."""
    await call_batches.record_calls(uow, bus, [command for envelope in envelopes
                                               for command in _record_calls(envelope)])


def _record_calls(envelope: CloudEvent) -> list[commands.RecordCall]:
    submitted = cast(CallsSubmitted, envelope.payload(CallsSubmitted))
    return [_command(record) for record in submitted.calls]


def _record_call(envelope: CloudEvent) -> commands.RecordCall:
    return _command(cast(CallSubmitted, envelope.payload(CallSubmitted)))


# Looked up by value in a dict: the Enum call was a twentieth of the worker's CPU at thousands of
# records a poll. An unknown value still raises, through the Enum.
_DISPOSITIONS = {member.value: member for member in Disposition}
_STAGES = {member.value: member for member in CallStage}


def _command(submitted: CallSubmitted) -> commands.RecordCall:
    return commands.RecordCall(
        call=commands.SubmitCall(
            call_id=submitted.call_id, agent_id=submitted.agent_id, number_dialled=submitted.number_dialled,
            started_at=submitted.started_at, duration_seconds=submitted.duration_seconds,
            connected=submitted.connected,
            disposition=_DISPOSITIONS.get(submitted.disposition) or Disposition(submitted.disposition),
            lead_id=submitted.lead_id,
            stage_reached=(_STAGES.get(submitted.stage_reached) or CallStage(submitted.stage_reached)
                           if submitted.stage_reached else None),
            notes=submitted.notes, next_step=submitted.next_step,
        ),
        submitted_by=submitted.submitted_by, received_at=submitted.received_at,
        claimed_group_id=submitted.claimed_group_id, claimed_department_id=submitted.claimed_department_id,
        service_account_id=submitted.service_account_id,
    )


async def on_customer_do_not_call_requested(envelope: CloudEvent, uow: TelesalesUnitOfWork,
                                            bus: TelesalesBus) -> None:
    requested = cast(CustomerDoNotCallRequested, envelope.payload(CustomerDoNotCallRequested))
    await compliance.list_customer_request(uow, bus, compliance.CustomerRequest(
        digest=requested.phone_digest, customer_id=requested.customer_id, lead_id=requested.lead_id,
        requested_by=requested.requested_by, requested_at=requested.requested_at,
        replaces=requested.replaces_digest))


CONSUMERS = [
    ConsumerSpec(name="telesales-calls", topics=[INTAKE_TOPIC],
                 handlers={CallSubmitted.event_type: on_call_submitted,
                           CallsSubmitted.event_type: on_calls_submitted_batch},
                 batch_handlers={CallSubmitted.event_type: on_calls_submitted,
                                 CallsSubmitted.event_type: on_calls_submitted_batches},
                 wake_channel=INTAKE_CHANNEL, dead_letter_unknown_types=True),
    ConsumerSpec(name="telesales-directory", topics=list(DIRECTORY_TOPICS), handlers=dict(DIRECTORY_HANDLERS)),
    ConsumerSpec(name="telesales-crm", topics=[CustomerDoNotCallRequested.topic],
                 handlers={CustomerDoNotCallRequested.event_type: on_customer_do_not_call_requested}),
]
