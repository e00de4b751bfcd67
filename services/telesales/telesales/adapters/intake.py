"""The internal intake channel: intake processes publish accepted call records to the intake
topic, the workers persist them (T7). Not part of the public event catalogue: the message carries
the dialled number, which no public event may (C10), and only telesales reads the topic.

Intake publishes a request's records as few messages (``CallsSubmitted``): one per partition their
agents hash to, split further only to stay under a size bound. Producing, brokering, fetching,
parsing and claiming in the inbox a message per record was most of the intake path's CPU. The
workers still read the one-record ``CallSubmitted`` (published by an intake of an earlier release,
or by this one with ``TELESALES_INTAKE_BATCH_MESSAGES=false`` while older workers still run)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import datetime

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import WALL_CLOCK, Clock
from shared.errors import UpstreamUnavailable
from shared.events.envelope import CloudEvent, Event
from shared.kafka import CachedPartitioner
from telesales.config import INTAKE_CHANNEL, INTAKE_TOPIC


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


class CallsSubmitted(Event):
    """Call records accepted by intake in one request, all of agents whose calls go to one partition
    of the intake topic, in the request's order. Keyed by the first record's agent, which hashes to
    that partition: each agent's calls stay in order on one partition, as with ``CallSubmitted``.
    The worker stores it exactly once as a whole (its inbox row is the message's id); each call
    still once per call_id."""

    event_type = "telesales.calls.submitted_batch.v1"
    topic = INTAKE_TOPIC
    key_field = "partition_key"

    partition_key: str
    calls: list[CallSubmitted]


class IntakePublisher:
    """Sends accepted records and returns only once the broker acknowledged every one (acks=all).
    Each envelope's time is the service's clock, as the unit of work stamps the outbox's.
    ``batch_messages`` sends ``CallsSubmitted`` messages of at most ``message_max_bytes`` of
    records each; off, one ``CallSubmitted`` per record (for workers of an earlier release)."""

    def __init__(self, producer: AIOKafkaProducer, topic: str, *, source: str = "/telesales",
                 timeout_seconds: float = 20.0, clock: Clock = WALL_CLOCK, batch_messages: bool = True,
                 message_max_bytes: int = 512_000, announce: Callable[[], Awaitable[None]] | None = None) -> None:
        self._producer = producer
        self._topic = topic
        self._source = source
        self._timeout = timeout_seconds
        self._clock = clock
        self._batch_messages = batch_messages
        self._max_bytes = message_max_bytes
        self._announce = announce

    async def publish(self, records: Sequence[CallSubmitted]) -> None:
        if not records:
            return
        try:
            async with asyncio.timeout(self._timeout):
                # Hand every message to the producer first, then wait: it batches them per partition.
                if self._batch_messages:
                    pending = [await self._producer.send(self._topic, value=value, key=key, headers=headers)
                               for key, value, headers in await self._grouped(records)]
                else:
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
        if self._announce is not None:
            await self._announce()

    async def _grouped(self, records: Sequence[CallSubmitted]) -> list[tuple[bytes, bytes, list]]:
        """(key, value, headers) of each message: the records by the partition their agent's key
        goes to (as the producer's own partitioner would send them one by one), in order."""
        partitions = sorted(await self._producer.partitions_for(self._topic))
        by_partition: dict[int, list[tuple[str, bytes]]] = {}
        for record in records:
            key = record.key()
            partition = _PARTITIONER(key.encode(), partitions, partitions)
            by_partition.setdefault(partition, []).append((key, record.__pydantic_serializer__.to_json(record)))
        messages = []
        for group in by_partition.values():
            for chunk in _chunks(group, self._max_bytes):
                key = chunk[0][0]
                envelope = CloudEvent(source=self._source, type=CallsSubmitted.event_type, time=self._clock.now(),
                                      subject=key, data={})
                # The records were serialised once each (to measure the chunks); the envelope is
                # joined around them rather than built from dicts and serialised again.
                data = b'{"partition_key":"%s","calls":[%s]}' % (key.encode(), b",".join(raw for _, raw in chunk))
                head = envelope.model_dump_json(exclude_none=True, exclude={"data"}).encode()
                messages.append((key.encode(), head[:-1] + b',"data":' + data + b"}", envelope.kafka_headers()))
        return messages


# As the producer partitions (shared.kafka.CachedPartitioner): the same partition for each key.
_PARTITIONER = CachedPartitioner()

log = logging.getLogger(__name__)


def announcer(engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    """``NOTIFY`` the workers that intake published records: an idle worker's intake consumer
    fetches nothing until told (shared.consumer.IdlePause). Best effort: the records are already
    acknowledged by the broker, and a worker that misses the announcement looks on its own within
    ``consumer_paused_check_seconds``."""
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def announce() -> None:
        try:
            async with autocommit.connect() as connection:
                await connection.execute(text(f"NOTIFY {INTAKE_CHANNEL}"))
        except (OSError, SQLAlchemyError) as error:
            log.warning("could not announce published call records; idle workers find them at their next check",
                        extra={"error": str(error)})

    return announce


def _chunks(group: list[tuple[str, bytes]], max_bytes: int) -> Iterator[list[tuple[str, bytes]]]:
    """Consecutive runs of ``group`` whose serialised records stay under ``max_bytes`` (at least one each)."""
    chunk: list[tuple[str, bytes]] = []
    size = 0
    for item in group:
        if chunk and size + len(item[1]) > max_bytes:
            yield chunk
            chunk, size = [], 0
        chunk.append(item)
        size += len(item[1]) + 1
    if chunk:
        yield chunk
