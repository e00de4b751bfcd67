"""The outbox: state and events commit together, and the relay publishes what committed."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from shared.relay import OutboxRelay
from shared.tests.integration.conftest import CounterIncremented, counter_value, outbox_unpublished
from shared.tests.integration.fixture_schema import counters


async def test_state_and_event_commit_together(harness):
    async with harness.uow() as uow:
        await uow.session.execute(pg_insert(counters).values(name="a", value=1))
        uow.emit(CounterIncremented(name="a"))
        await uow.commit()
    assert await counter_value(harness.sessions, "a") == 1
    assert await outbox_unpublished(harness.sessions) == 1


async def test_leaving_without_commit_writes_neither_state_nor_event(harness):
    async with harness.uow() as uow:
        await uow.session.execute(pg_insert(counters).values(name="b", value=1))
        uow.emit(CounterIncremented(name="b"))
    assert await counter_value(harness.sessions, "b") is None
    assert await outbox_unpublished(harness.sessions) == 0


async def test_relay_publishes_cloudevents_with_headers_and_marks_rows(harness, producer):
    emitted = await harness.emit(CounterIncremented(name="c", by=2), CounterIncremented(name="c", by=3))
    relay = OutboxRelay(harness.sessions, producer)
    assert await relay.publish_batch() == 2
    assert await outbox_unpublished(harness.sessions) == 0

    records = await harness.read_topic(harness.topic, expected=2)
    assert [json.loads(r.value)["id"] for r in records] == [str(e.id) for e in emitted]
    first = json.loads(records[0].value)
    assert first["specversion"] == "1.0"
    assert first["type"] == "test.counter.incremented.v1"
    assert first["source"] == "/test"
    assert first["subject"] == "c" and records[0].key == b"c"
    assert first["data"] == {"name": "c", "by": 2}
    headers = dict(records[0].headers)
    assert headers["ce_id"] == str(emitted[0].id).encode()
    assert headers["ce_type"] == b"test.counter.incremented.v1"


async def test_a_late_committing_transaction_is_still_published(harness, producer):
    """A row that gets a lower seq but commits after a later row has been published must not be
    skipped, as it would be by an ``id > last_seen`` cursor."""
    relay = OutboxRelay(harness.sessions, producer)
    slow = harness.uow()
    await slow.__aenter__()
    slow.emit(CounterIncremented(name="late"))
    # Take the sequence number now, before the fast transaction, but do not commit yet.
    await slow.session.execute(text("SELECT 1"))
    slow_commit = asyncio.create_task(_commit_after(slow, 0.5))

    await harness.emit(CounterIncremented(name="early"))
    assert await relay.publish_batch() == 1
    await slow_commit
    assert await relay.publish_batch() == 1
    records = await harness.read_topic(harness.topic, expected=2)
    assert sorted(json.loads(r.value)["subject"] for r in records) == ["early", "late"]


async def _commit_after(uow, delay: float) -> None:
    await asyncio.sleep(delay)
    try:
        await uow.commit()
    finally:
        await uow.__aexit__(None, None, None)


async def test_two_relays_never_claim_the_same_rows(harness, producer):
    await harness.emit(*(CounterIncremented(name=f"k{i}") for i in range(40)))
    relays = [OutboxRelay(harness.sessions, producer, batch_size=7) for _ in range(2)]

    async def drain(relay):
        while await relay.publish_batch():
            pass

    await asyncio.gather(*(drain(r) for r in relays))
    assert sum(r.published_total for r in relays) == 40
    records = await harness.read_topic(harness.topic, expected=40)
    assert len(records) == 40


async def test_replay_marks_recently_published_rows_for_publishing_again(harness, producer):
    await harness.emit(CounterIncremented(name="r1"), CounterIncremented(name="r2"))
    relay = OutboxRelay(harness.sessions, producer)
    await relay.publish_batch()
    assert await relay.replay_recent(window_seconds=3600) == 2
    assert await outbox_unpublished(harness.sessions) == 2
    assert await relay.replay_recent(window_seconds=0) == 0
