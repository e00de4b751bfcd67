"""Listing and replaying the records a consumer dead-lettered (``python -m <service> dead-letters …``).

The runner (:mod:`shared.consumer`) sends what it cannot handle to ``deadletter.<consumer>`` with the
headers ``dlt_reason``, ``dlt_consumer`` and ``dlt_source`` (``topic/partition/offset``). Two kinds:
a type the consumer had no handler for (never recorded in the inbox), and an event whose handler
failed every attempt (recorded in the inbox as ``dead_lettered``, so that a redelivery is not retried
again — and a plain re-publish would be dropped as a duplicate).

A replay, letter by letter: skip it when the consumer's inbox says the event was handled since; else
release its ``dead_lettered`` inbox row in a transaction of its own; publish the record to its source
partition, key and value unchanged, the ``dlt_*`` headers dropped; then commit the consumer group
``<prefix><consumer>.replay`` on the dead-letter topic past it. Killed at any point and run again,
nothing is doubled: the inbox row goes before the first publish, so every copy published finds no
row and the consumer's inbox keeps the first it handles and drops the others; and a letter is
published again only if the run died before its offset was committed. The group's committed offsets
are the only record of what was replayed (no table, so no migration in any service); with
``--event-id`` they advance only across letters replayed or already handled, never past one left out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from pydantic import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.clock import WALL_CLOCK
from shared.config import ServiceSettings
from shared.consumer import ConsumerSpec, dead_letter_topic
from shared.db import inbox
from shared.events.envelope import CloudEvent
from shared.kafka import new_producer

DLT_HEADERS = ("dlt_reason", "dlt_consumer", "dlt_source")
TOO_RECENT = "too recent, left for a later run"


class UnknownConsumer(ValueError):
    """A consumer name that is none of the service's ConsumerSpecs."""

    def __init__(self, name: str, known: Iterable[str]) -> None:
        names = ", ".join(sorted(known)) or "none"
        super().__init__(f"unknown consumer {name!r}; this service's consumers: {names}")
        self.name = name


def consumer_spec(specs: Sequence[ConsumerSpec], name: str) -> ConsumerSpec:
    for spec in specs:
        if spec.name == name:
            return spec
    raise UnknownConsumer(name, (spec.name for spec in specs))


def replay_group(settings: ServiceSettings, consumer: str) -> str:
    # Beside the consumer's own group (``<prefix><consumer>``), never the same: committing there
    # would move the live consumer.
    return f"{settings.topic_prefix}{consumer}.replay"


@dataclass(frozen=True)
class DeadLetter:
    consumer: str
    # Where the letter sits on the dead-letter topic.
    topic: str
    partition: int
    offset: int
    # Where the record came from (its ``dlt_source``); None when the header is missing or unreadable.
    source_topic: str | None
    source_partition: int | None
    source_offset: int | None
    reason: str
    dead_lettered_at: datetime
    event_id: uuid.UUID | None
    event_type: str | None
    key: bytes | None = field(repr=False)
    value: bytes | None = field(repr=False)
    headers: tuple[tuple[str, bytes], ...] = field(repr=False)
    # At or past this letter, the replay group's committed offset: replayed (or handled) already.
    replayed: bool = False

    @property
    def source(self) -> str:
        if self.source_topic is None:
            return "?"
        return f"{self.source_topic}/{self.source_partition}/{self.source_offset}"

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(name, value) for name, value in self.headers if name not in DLT_HEADERS]

    def as_json(self) -> dict:
        return {
            "consumer": self.consumer, "dead_letter": f"{self.topic}/{self.partition}/{self.offset}",
            "source": self.source if self.source_topic else None,
            "event_id": str(self.event_id) if self.event_id else None, "event_type": self.event_type,
            "reason": self.reason, "dead_lettered_at": self.dead_lettered_at.isoformat(), "replayed": self.replayed,
        }


def parse_letter(consumer: str, record: ConsumerRecord, replayed: bool = False) -> DeadLetter:
    headers = tuple((name, bytes(value or b"")) for name, value in (record.headers or ()))
    found = dict(headers)
    source_topic = source_partition = source_offset = None
    try:
        topic, partition, offset = found["dlt_source"].decode().rsplit("/", 2)
        source_topic, source_partition, source_offset = topic, int(partition), int(offset)
    except (KeyError, ValueError, UnicodeDecodeError):
        pass
    event_id = event_type = None
    try:
        envelope = CloudEvent.model_validate_json(record.value or b"")
        event_id, event_type = envelope.id, envelope.type
    except (ValidationError, ValueError, TypeError):
        pass  # not a CloudEvent: listed, but it has no id to select or release
    return DeadLetter(
        consumer=consumer, topic=record.topic, partition=record.partition, offset=record.offset,
        source_topic=source_topic, source_partition=source_partition, source_offset=source_offset,
        reason=found.get("dlt_reason", b"").decode(errors="replace"),
        dead_lettered_at=datetime.fromtimestamp(record.timestamp / 1000, UTC),
        event_id=event_id, event_type=event_type, key=record.key, value=record.value, headers=headers,
        replayed=replayed,
    )


async def _read(consumer: AIOKafkaConsumer, topic: str, wait_seconds: float,
                start: dict[int, int] | None = None) -> list[ConsumerRecord]:
    """Every record of ``topic`` from ``start`` (partition → offset; the beginning otherwise) to the
    end offsets as they were when reading began. A topic the broker lacks has none."""
    await consumer._client.force_metadata_update()
    partitions = sorted(consumer.partitions_for_topic(topic) or ())
    if not partitions:
        return []
    tps = [TopicPartition(topic, partition) for partition in partitions]
    consumer.assign(tps)
    ends = await consumer.end_offsets(tps)
    records: list[ConsumerRecord] = []
    pending = {}
    for tp in tps:
        first = (start or {}).get(tp.partition)
        if first is None:
            await consumer.seek_to_beginning(tp)
            first = await consumer.position(tp)
        else:
            consumer.seek(tp, first)
        if first < ends[tp]:
            pending[tp] = ends[tp]
    deadline = asyncio.get_running_loop().time() + wait_seconds
    while pending:
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"could not read {topic} to its end within {wait_seconds} s")
        batches = await consumer.getmany(*pending, timeout_ms=200)
        for tp, batch in batches.items():
            records.extend(record for record in batch if record.offset < pending.get(tp, -1))
        for tp in list(pending):
            if await consumer.position(tp) >= pending[tp]:
                del pending[tp]
    return sorted(records, key=lambda record: (record.partition, record.offset))


def _reader(settings: ServiceSettings, group_id: str | None = None) -> AIOKafkaConsumer:
    # Partitions are assigned, never subscribed: no group is joined (neither the live consumer's
    # nor any other), and nothing is committed unless the replay asks for it.
    return AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, group_id=group_id,
                            enable_auto_commit=False, auto_offset_reset="earliest", fetch_max_wait_ms=100,
                            client_id=f"{settings.service_name}-dead-letters")


async def _committed(consumer: AIOKafkaConsumer, topic: str) -> dict[int, int]:
    await consumer._client.force_metadata_update()
    committed = {}
    for partition in sorted(consumer.partitions_for_topic(topic) or ()):
        offset = await consumer.committed(TopicPartition(topic, partition))
        if offset is not None:
            committed[partition] = offset
    return committed


async def list_dead_letters(settings: ServiceSettings, specs: Sequence[ConsumerSpec],
                            consumer: str | None = None) -> list[DeadLetter]:
    """Every dead letter of the named consumer (all the service's consumers by default), oldest
    first per consumer and partition; ``replayed`` for those behind the replay group's offset."""
    chosen = [consumer_spec(specs, consumer)] if consumer else list(specs)
    letters: list[DeadLetter] = []
    for spec in chosen:
        topic = dead_letter_topic(settings.topic_prefix, spec.name)
        reader = _reader(settings, replay_group(settings, spec.name))
        await reader.start()
        try:
            # Only read: the group's committed offsets are looked at, never written.
            committed = await _committed(reader, topic)
            records = await _read(reader, topic, settings.dead_letters_read_seconds)
        finally:
            await reader.stop()
        letters.extend(parse_letter(spec.name, record, record.offset < committed.get(record.partition, 0))
                       for record in records)
    return letters


@dataclass(frozen=True)
class Replayed:
    letter: DeadLetter
    # replayed | would replay | already handled | not a CloudEvent | no source | repeated
    outcome: str
    released: bool = False  # its dead_lettered inbox row was deleted (or would be, in a dry run)

    def as_json(self) -> dict:
        return {**self.letter.as_json(), "outcome": self.outcome, "released_inbox_row": self.released}


async def _inbox_status(sessions: async_sessionmaker[AsyncSession], consumer: str, event_id: uuid.UUID) -> str | None:
    async with sessions() as session:
        return (await session.execute(select(inbox.c.status).where(
            inbox.c.consumer == consumer, inbox.c.event_id == event_id))).scalar_one_or_none()


async def _release(sessions: async_sessionmaker[AsyncSession], consumer: str, event_id: uuid.UUID) -> bool:
    """Delete the consumer's ``dead_lettered`` row of the event, committed on its own before the
    record is published: so the consumer handles the replayed copy instead of dropping it."""
    async with sessions() as session, session.begin():
        result = await session.execute(delete(inbox).where(
            inbox.c.consumer == consumer, inbox.c.event_id == event_id, inbox.c.status == "dead_lettered"))
    return bool(result.rowcount)


async def replay_dead_letters(settings: ServiceSettings, sessions: async_sessionmaker[AsyncSession],
                              specs: Sequence[ConsumerSpec], consumer: str,
                              event_ids: Iterable[uuid.UUID] | None = None, dry_run: bool = False) -> list[Replayed]:
    """Replay the consumer's dead letters not replayed yet (only those of ``event_ids``, if given) to
    their source partitions. A dry run reads the same letters and says what it would do, changing
    nothing (no inbox row, no record, no offset)."""
    spec = consumer_spec(specs, consumer)
    wanted = set(event_ids) if event_ids is not None else None
    topic = dead_letter_topic(settings.topic_prefix, spec.name)
    reader = _reader(settings, replay_group(settings, spec.name))
    producer = None if dry_run else new_producer(settings, client_id=f"{settings.service_name}-dead-letters")
    await reader.start()
    if producer is not None:
        await producer.start()
    results: list[Replayed] = []
    try:
        records = await _read(reader, topic, settings.dead_letters_read_seconds, await _committed(reader, topic))
        seen: set[uuid.UUID] = set()
        # Per partition: the group's offset moves only while every letter so far is done with, so a
        # letter left out by --event-id is never passed over for the runs after.
        blocked: set[int] = set()
        settled_before = WALL_CLOCK.now() - timedelta(seconds=settings.dead_letters_settle_seconds)
        for record in records:
            letter = parse_letter(spec.name, record)
            selected = wanted is None or letter.event_id in wanted
            if not selected:
                blocked.add(record.partition)
                continue
            if letter.dead_lettered_at > settled_before:
                # Left for a later run, and never passed over: its inbox row may not be written yet.
                results.append(Replayed(letter, TOO_RECENT, False))
                blocked.add(record.partition)
                continue
            outcome, released = await _replay_one(letter, sessions, producer, seen, dry_run)
            results.append(Replayed(letter, outcome, released))
            if not dry_run and record.partition not in blocked:
                await reader.commit({TopicPartition(record.topic, record.partition): record.offset + 1})
    finally:
        await reader.stop()
        if producer is not None:
            await producer.stop()
    return results


async def _replay_one(letter: DeadLetter, sessions: async_sessionmaker[AsyncSession], producer,
                      seen: set[uuid.UUID], dry_run: bool) -> tuple[str, bool]:
    if letter.event_id is None:
        # The runner cannot parse it, now as then: replayed, it would only come back.
        return "not a CloudEvent", False
    if letter.source_topic is None:
        return "no source", False
    if letter.event_id in seen:
        # The same event dead-lettered twice: one copy is enough.
        return "repeated", False
    seen.add(letter.event_id)
    status = await _inbox_status(sessions, letter.consumer, letter.event_id)
    if status == "handled":
        return "already handled", False
    if dry_run:
        return "would replay", status == "dead_lettered"
    released = await _release(sessions, letter.consumer, letter.event_id)
    await producer.send_and_wait(letter.source_topic, value=letter.value, key=letter.key,
                                 partition=letter.source_partition, headers=letter.original_headers())
    return "replayed", released
