"""The internal intake channel: intake processes publish accepted call records to the intake
topic, the workers persist them (T7). Not part of the public event catalogue: the message carries
the dialled number, which no public event may (C10), and only telesales reads the topic."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import datetime

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError

from shared.clock import WALL_CLOCK, Clock
from shared.errors import UpstreamUnavailable
from shared.events.envelope import CloudEvent, Event
from telesales.config import INTAKE_TOPIC


class CallSubmitted(Event):
    """A call record accepted by intake and not yet stored. Keyed by agent: one agent's calls
    stay in order on one partition, and the workers' figures rows are updated by one worker."""

    event_type = "telesales.call.submitted.v1"
    topic = INTAKE_TOPIC
    key_field = "agent_id"

    call_id: str
    agent_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    number_dialled: str
    started_at: datetime
    duration_seconds: int
    connected: bool
    disposition: str
    stage_reached: str | None = None
    notes: str | None = None
    next_step: str | None = None
    submitted_by: uuid.UUID
    received_at: datetime
    # The submitter's own token names their group and department: the worker falls back on them
    # when its directory replica does not know the agent yet.
    claimed_group_id: uuid.UUID | None = None
    claimed_department_id: uuid.UUID | None = None
    # The telephony system's service account that sent it (then submitted_by is the account's id):
    # the worker stores the call only for an agent within the account's scope, and not once revoked.
    service_account_id: uuid.UUID | None = None


class IntakePublisher:
    """Sends accepted records and returns only once the broker acknowledged every one (acks=all).
    Each envelope's time is the service's clock, as the unit of work stamps the outbox's."""

    def __init__(self, producer: AIOKafkaProducer, topic: str, *, source: str = "/telesales",
                 timeout_seconds: float = 20.0, clock: Clock = WALL_CLOCK) -> None:
        self._producer = producer
        self._topic = topic
        self._source = source
        self._timeout = timeout_seconds
        self._clock = clock

    async def publish(self, records: Sequence[CallSubmitted]) -> None:
        try:
            async with asyncio.timeout(self._timeout):
                # Hand every record to the producer first, then wait: it batches them per partition.
                pending = []
                for record in records:
                    envelope = CloudEvent.wrap(record, source=self._source, time=self._clock.now())
                    pending.append(await self._producer.send(
                        self._topic, value=envelope.to_bytes(), key=record.key().encode(),
                        headers=envelope.kafka_headers()))
                await asyncio.gather(*pending)
        except (KafkaError, TimeoutError) as error:
            # Some records may have landed: the client retries the lot, and call_id keeps that safe.
            raise UpstreamUnavailable(
                "the call records could not be handed to the broker; retry the same request",
                retry_safe=True) from error
