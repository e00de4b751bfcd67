"""A consumer whose writer announces its records (telesales' intake) stops fetching once idle and
takes an announced record at once, on the real broker and database."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import text

from shared.consumer import ConsumerRunner, ConsumerSpec, IdlePause
from shared.events.envelope import CloudEvent
from shared.kafka import new_consumer
from shared.relay import OutboxListener
from shared.tests.integration.conftest import CounterIncremented, counter_value, increment

CHANNEL = "test_records_announced"
# Far longer than the test allows for a record: one taken sooner was not waiting on an empty fetch.
IDLE_FETCH_WAIT_MS = 4000


async def announce(harness) -> None:
    async with harness.engine.connect() as connection:
        await connection.execute(text(f"NOTIFY {CHANNEL}"))
        await connection.commit()


async def test_an_announced_record_is_taken_at_once_by_a_paused_consumer(harness, producer):
    spec = ConsumerSpec(name="announced", topics=[harness.topic], handlers={CounterIncremented.event_type: increment},
                        wake_channel=CHANNEL)
    consumer = new_consumer(harness.settings, f"{harness.settings.topic_prefix}announced", spec.topics)
    await consumer.start()
    idle = IdlePause(consumer, OutboxListener(harness.settings.database_url, channel=CHANNEL),
                     idle_after_seconds=0.5, check_seconds=60)
    runner = ConsumerRunner(spec, consumer, harness.bus, producer, dead_letter_topic="unused",
                            fetch_wait_busy_ms=100, fetch_wait_idle_ms=IDLE_FETCH_WAIT_MS, idle_after_seconds=0.5,
                            poll_timeout_ms=200, idle_pause=idle)
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    try:
        for round_ in range(1, 4):
            deadline = time.monotonic() + 30  # the group join comes first
            while not idle.paused:
                assert time.monotonic() < deadline, "the idle consumer never paused"
                assert not task.done(), task
                await asyncio.sleep(0.05)
            envelope = CloudEvent.wrap(CounterIncremented(name="announced", by=1), source="test")
            await producer.send_and_wait(harness.topic, value=envelope.to_bytes(), key=b"announced")
            sent = time.monotonic()
            await announce(harness)
            while await counter_value(harness.sessions, "announced") != round_:
                assert time.monotonic() - sent < 1.5, f"round {round_}: the announced record waited"
                await asyncio.sleep(0.02)
        # Each round paused and was woken; the listener's first connection counts as an announcement
        # too (records may have come while nobody listened), so the first pause may be undone once.
        assert idle.pauses >= 3 and idle.wakes in (3, 4)
    finally:
        stop.set()
        await task
        await runner.close()
        await consumer.stop()
