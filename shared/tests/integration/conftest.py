from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import ClassVar

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from shared.bus import Bus
from shared.clock import SystemClock
from shared.config import ServiceSettings
from shared.db import UnitOfWork, create_engine, session_factory
from shared.events.envelope import CloudEvent, Event
from shared.kafka import ensure_topics, new_producer
from shared.tests.integration.fixture_schema import MIGRATIONS, counters


class CounterIncremented(Event):
    """Test-only event; not registered in the public registry."""

    event_type: ClassVar[str] = "test.counter.incremented.v1"
    topic: ClassVar[str] = "test.counter"
    key_field: ClassVar[str] = "name"

    name: str
    by: int = 1


async def increment(envelope: CloudEvent, uow: UnitOfWork, bus: Bus | None = None) -> None:
    data = envelope.payload(CounterIncremented)
    await uow.session.execute(
        pg_insert(counters)
        .values(name=data.name, value=data.by)
        .on_conflict_do_update(index_elements=["name"], set_={"value": counters.c.value + data.by})
    )


async def counter_value(sessions, name: str) -> int | None:
    async with sessions() as session:
        return (await session.execute(select(counters.c.value).where(counters.c.name == name))).scalar()


async def outbox_unpublished(sessions) -> int:
    async with sessions() as session:
        return (await session.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))).scalar()


class Harness:
    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.engine = create_engine(settings.database_url)
        self.sessions = session_factory(self.engine)

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, source="/test", topic_prefix=self.settings.topic_prefix)

    @property
    def bus(self) -> Bus:
        return Bus(uow=self.uow, clock=SystemClock(self.settings.tz), policy=None, settings=self.settings)

    @property
    def topic(self) -> str:
        return self.settings.topic(CounterIncremented.topic)

    async def emit(self, *events: Event) -> list[CloudEvent]:
        async with self.uow() as uow:
            envelopes = [uow.emit(event) for event in events]
            await uow.commit()
        return envelopes

    async def read_topic(self, topic: str, expected: int, wait_seconds: float = 20) -> list:
        """Read a topic from the start without a consumer group (joining one costs seconds)."""
        consumer = AIOKafkaConsumer(bootstrap_servers=self.settings.kafka_bootstrap_servers,
                                    enable_auto_commit=False, auto_offset_reset="earliest")
        await consumer.start()
        records = []
        try:
            partitions = consumer.partitions_for_topic(topic) or set()
            if not partitions:
                await consumer._client.force_metadata_update()
                partitions = consumer.partitions_for_topic(topic) or set()
            consumer.assign([TopicPartition(topic, p) for p in partitions])
            deadline = asyncio.get_running_loop().time() + wait_seconds
            while len(records) < expected and asyncio.get_running_loop().time() < deadline:
                batch = await consumer.getmany(timeout_ms=200)
                for partition_records in batch.values():
                    records.extend(partition_records)
        finally:
            await consumer.stop()
        return sorted(records, key=lambda r: (r.timestamp, r.partition, r.offset))


@pytest.fixture
async def harness(service_settings) -> AsyncIterator[Harness]:
    settings = service_settings(ServiceSettings, "messaging_fixture", MIGRATIONS, service_name="test",
                                topic_partitions=3, consumer_backoff_seconds=0.01, consumer_max_attempts=3)
    await ensure_topics(settings.kafka_bootstrap_servers, [settings.topic(CounterIncremented.topic)], 3)
    h = Harness(settings)
    yield h
    await h.engine.dispose()


@pytest.fixture
async def producer(harness) -> AsyncIterator:
    p = new_producer(harness.settings)
    await p.start()
    yield p
    await p.stop()
