"""The idempotent consumer: at-least-once delivery, exactly-once effect."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from shared.consumer import ConsumerRunner, ConsumerSpec
from shared.events.envelope import CloudEvent
from shared.kafka import ensure_topics, new_consumer
from shared.relay import OutboxRelay
from shared.tests.integration.conftest import CounterIncremented, counter_value, increment


def spec(harness, handler=increment, name="counter-projection") -> ConsumerSpec:
    return ConsumerSpec(name=name, topics=[harness.topic], handlers={CounterIncremented.event_type: handler})


async def start_runner(harness, producer, spec_, group: str, dead_letter_topic: str = "unused",
                       batch_transactions: bool = True):
    consumer = new_consumer(harness.settings, group, spec_.topics)
    await consumer.start()
    runner = ConsumerRunner(spec_, consumer, harness.bus, producer, dead_letter_topic=dead_letter_topic,
                            max_attempts=harness.settings.consumer_max_attempts, backoff_seconds=0.01,
                            batch_transactions=batch_transactions)
    return consumer, runner


async def run_until(runners_and_consumers, condition, wait_seconds: float = 30) -> None:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(runner.run(stop)) for _, runner in runners_and_consumers]
    try:
        deadline = asyncio.get_running_loop().time() + wait_seconds
        while not await condition():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("condition not reached in time")
            for task in tasks:
                if task.done():
                    task.result()
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        for consumer, _ in runners_and_consumers:
            await consumer.stop()


def value_is(harness, name, expected):
    async def check() -> bool:
        return await counter_value(harness.sessions, name) == expected

    return check


async def test_a_redelivered_event_changes_nothing(harness, producer):
    envelopes = await harness.emit(CounterIncremented(name="x", by=5))
    relay = OutboxRelay(harness.sessions, producer)
    await relay.publish_batch()
    # Publish the very same event again, as a relay restart or broker redelivery would.
    await relay.replay_recent(3600)
    await relay.publish_batch()
    await harness.emit(CounterIncremented(name="done"))
    await relay.publish_batch()

    pair = await start_runner(harness, producer, spec(harness), f"{harness.settings.topic_prefix}g1")
    await run_until([pair], value_is(harness, "done", 1))
    assert await counter_value(harness.sessions, "x") == 5
    assert pair[1].duplicates == 1
    async with harness.sessions() as session:
        handled = (await session.execute(text("SELECT count(*) FROM inbox WHERE event_id = :id"),
                                         {"id": envelopes[0].id})).scalar()
    assert handled == 1


async def test_relay_killed_between_publish_and_mark_publishes_again_without_double_effect(harness, producer):
    class KilledAfterPublish(OutboxRelay):
        async def _send(self, rows) -> None:
            await super()._send(rows)
            raise RuntimeError("process killed before marking the rows published")

    await harness.emit(*(CounterIncremented(name="k", by=1) for _ in range(10)))
    crashed = KilledAfterPublish(harness.sessions, producer)
    try:
        await crashed.publish_batch()
        raise AssertionError("the crash did not happen")
    except RuntimeError:
        pass
    restarted = OutboxRelay(harness.sessions, producer)
    assert await restarted.publish_batch() == 10
    records = await harness.read_topic(harness.topic, expected=20)
    assert len(records) == 20, "every event is on the topic twice"

    pair = await start_runner(harness, producer, spec(harness), f"{harness.settings.topic_prefix}g2")

    async def all_seen() -> bool:
        return pair[1].handled + pair[1].duplicates == 20

    await run_until([pair], all_seen)
    assert await counter_value(harness.sessions, "k") == 10
    assert pair[1].handled == 10 and pair[1].duplicates == 10


async def test_two_consumers_in_one_group_share_the_work_and_count_each_event_once(harness, producer):
    await harness.emit(*(CounterIncremented(name="shared", by=1) for _ in range(60)))
    relay = OutboxRelay(harness.sessions, producer)
    await relay.publish_batch()
    group = f"{harness.settings.topic_prefix}g3"
    first = await start_runner(harness, producer, spec(harness), group)
    second = await start_runner(harness, producer, spec(harness), group)
    await run_until([first, second], value_is(harness, "shared", 60), wait_seconds=60)
    assert first[1].handled + second[1].handled == 60


async def test_a_failing_event_is_retried_then_dead_lettered_and_the_partition_moves_on(harness, producer):
    attempts: list[str] = []

    async def fails_on_poison(envelope, uow, bus) -> None:
        if envelope.data["name"] == "poison":
            attempts.append(envelope.data["name"])
            raise ValueError("cannot handle this one")
        await increment(envelope, uow, bus)

    dead_letter_topic = f"{harness.settings.topic_prefix}deadletter.test"
    await ensure_topics(harness.settings.kafka_bootstrap_servers, [dead_letter_topic], 1)
    # Same key, so the poison event sits in front of the good one on one partition.
    poison = CounterIncremented(name="poison")
    await harness.emit(poison)
    async with harness.uow() as uow:
        uow.emit(CounterIncremented(name="poison", by=0))
        await uow.commit()
    await harness.emit(CounterIncremented(name="after"))
    await OutboxRelay(harness.sessions, producer).publish_batch()

    # One transaction per event here, so that every attempt counted is a retry of that event.
    pair = await start_runner(harness, producer, spec(harness, fails_on_poison), f"{harness.settings.topic_prefix}g4",
                              dead_letter_topic=dead_letter_topic, batch_transactions=False)
    await run_until([pair], value_is(harness, "after", 1))
    assert len(attempts) == 2 * harness.settings.consumer_max_attempts
    dead = await harness.read_topic(dead_letter_topic, expected=2)
    assert len(dead) == 2
    assert dict(dead[0].headers)["dlt_reason"].startswith(b"ValueError")
    async with harness.sessions() as session:
        statuses = (await session.execute(text("SELECT status FROM inbox WHERE status = 'dead_lettered'"))).all()
    assert len(statuses) == 2


async def test_a_message_that_is_not_a_cloudevent_goes_to_the_dead_letter_topic(harness, producer):
    dead_letter_topic = f"{harness.settings.topic_prefix}deadletter.garbage"
    await ensure_topics(harness.settings.kafka_bootstrap_servers, [dead_letter_topic], 1)
    await producer.send_and_wait(harness.topic, b"{not json", key=b"g")
    await harness.emit(CounterIncremented(name="fine"))
    await OutboxRelay(harness.sessions, producer).publish_batch()
    pair = await start_runner(harness, producer, spec(harness), f"{harness.settings.topic_prefix}g5",
                              dead_letter_topic=dead_letter_topic)
    await run_until([pair], value_is(harness, "fine", 1))
    dead = await harness.read_topic(dead_letter_topic, expected=1)
    assert dead[0].value == b"{not json"


async def test_events_reach_the_consumer_through_the_whole_path(harness, producer):
    """Emit → outbox → relay task → broker → consumer → effect, with the relay running as a loop."""
    relay = OutboxRelay(harness.sessions, producer, idle_poll_seconds=0.02)
    stop = asyncio.Event()
    relay_task = asyncio.create_task(relay.run(stop))
    pair = await start_runner(harness, producer, spec(harness), f"{harness.settings.topic_prefix}g6")
    try:
        for i in range(5):
            await harness.emit(CounterIncremented(name="live", by=i))
        await run_until([pair], value_is(harness, "live", sum(range(5))))
    finally:
        stop.set()
        await relay_task


async def test_a_batch_commits_together_and_counts_each_event_once(harness, producer):
    for n in range(30):
        await harness.emit(CounterIncremented(name="batched", by=n))
    await harness.emit(CounterIncremented(name="batched-done"))
    await OutboxRelay(harness.sessions, producer).publish_batch()

    pair = await start_runner(harness, producer, spec(harness), f"{harness.settings.topic_prefix}g7")
    await run_until([pair], value_is(harness, "batched-done", 1))
    runner = pair[1]
    assert await counter_value(harness.sessions, "batched") == sum(range(30))
    assert runner.handled == 31 and runner.duplicates == 0
    assert runner.batches_together >= 1 and runner.batches_split == 0


async def test_one_bad_event_rolls_its_batch_back_and_the_rest_are_handled_one_at_a_time(harness, producer):
    poison_amount = 13
    seen: list[int] = []

    async def fails_on_poison(envelope, uow, bus) -> None:
        seen.append(envelope.data["by"])
        if envelope.data["by"] == poison_amount:
            raise ValueError("cannot handle this one")
        await increment(envelope, uow, bus)

    dead_letter_topic = f"{harness.settings.topic_prefix}deadletter.batch"
    await ensure_topics(harness.settings.kafka_bootstrap_servers, [dead_letter_topic], 1)
    # One counter, so one key and one partition: the poison event sits between good ones in one batch.
    await harness.emit(*(CounterIncremented(name="mixed", by=by) for by in (1, 2, poison_amount, 4, 8)))
    await OutboxRelay(harness.sessions, producer).publish_batch()

    pair = await start_runner(harness, producer, spec(harness, fails_on_poison), f"{harness.settings.topic_prefix}g8",
                              dead_letter_topic=dead_letter_topic)
    await run_until([pair], value_is(harness, "mixed", 1 + 2 + 4 + 8))
    runner = pair[1]
    # The batch's own try stopped at the poison event and wrote nothing; each good event counted once after.
    assert seen[:3] == [1, 2, poison_amount]
    assert runner.batches_split == 1 and runner.handled == 4 and runner.dead_lettered == 1
    assert await counter_value(harness.sessions, "mixed") == 15
    dead = await harness.read_topic(dead_letter_topic, expected=1)
    assert dict(dead[0].headers)["dlt_reason"].startswith(b"ValueError")


async def test_a_batch_handler_gets_the_batch_together_without_duplicates(harness, producer):
    runs: list[list[int]] = []

    async def increment_all(envelopes, uow, bus) -> None:
        runs.append([envelope.data["by"] for envelope in envelopes])
        for envelope in envelopes:
            await increment(envelope, uow, bus)

    for n in range(20):
        await harness.emit(CounterIncremented(name="set-wise", by=n))
    await OutboxRelay(harness.sessions, producer).publish_batch()
    # The same events again (a relay that died before marking them): the inbox drops them.
    async with harness.sessions() as session, session.begin():
        await session.execute(text("UPDATE outbox SET published_at = NULL"))
    await OutboxRelay(harness.sessions, producer).publish_batch()
    await harness.emit(CounterIncremented(name="set-wise-done"))
    await OutboxRelay(harness.sessions, producer).publish_batch()

    batched = ConsumerSpec(name="set-wise", topics=[harness.topic], handlers={CounterIncremented.event_type: increment},
                           batch_handlers={CounterIncremented.event_type: increment_all})
    pair = await start_runner(harness, producer, batched, f"{harness.settings.topic_prefix}g9")
    await run_until([pair], value_is(harness, "set-wise-done", 1))
    runner = pair[1]
    assert await counter_value(harness.sessions, "set-wise") == sum(range(20))
    assert runner.handled == 21 and runner.duplicates == 20
    assert any(len(run) > 1 for run in runs), "the batch handler was never given more than one event"


async def test_a_failing_batch_handler_falls_back_to_one_event_per_transaction(harness, producer):
    async def always_fails(envelopes, uow, bus) -> None:
        for envelope in envelopes:
            await increment(envelope, uow, bus)
        raise RuntimeError("set-wise path broken")

    await harness.emit(*(CounterIncremented(name="fallback", by=by) for by in (1, 2, 4, 8)))
    await OutboxRelay(harness.sessions, producer).publish_batch()
    batched = ConsumerSpec(name="fallback", topics=[harness.topic], handlers={CounterIncremented.event_type: increment},
                           batch_handlers={CounterIncremented.event_type: always_fails})
    pair = await start_runner(harness, producer, batched, f"{harness.settings.topic_prefix}g10")
    await run_until([pair], value_is(harness, "fallback", 15))
    runner = pair[1]
    # Nothing of the failed batch stayed (not even its inbox rows); each event counted once after.
    assert runner.batches_split >= 1 and runner.handled == 4 and runner.duplicates == 0
    assert await counter_value(harness.sessions, "fallback") == 15


async def test_a_lone_event_of_a_batch_handled_type_goes_to_its_batch_handler(harness, producer):
    """One event may carry many records (telesales' intake messages): alone in its poll, it still
    goes the set-wise way, not to the one-event handler the runner keeps for failed batches."""
    runs: list[list[int]] = []

    async def increment_all(envelopes, uow, bus) -> None:
        runs.append([envelope.data["by"] for envelope in envelopes])
        for envelope in envelopes:
            await increment(envelope, uow, bus)

    async def not_this_way(envelope, uow, bus) -> None:
        raise AssertionError("the one-event handler is only the fallback")

    await harness.emit(CounterIncremented(name="lone", by=5))
    await OutboxRelay(harness.sessions, producer).publish_batch()
    batched = ConsumerSpec(name="lone", topics=[harness.topic], handlers={CounterIncremented.event_type: not_this_way},
                           batch_handlers={CounterIncremented.event_type: increment_all})
    pair = await start_runner(harness, producer, batched, f"{harness.settings.topic_prefix}g11")
    await run_until([pair], value_is(harness, "lone", 5))
    runner = pair[1]
    assert runs == [[5]] and runner.batches_together == 1 and runner.handled == 1


async def test_the_partitions_of_one_poll_go_together_and_a_poison_event_splits_only_its_own(harness, producer):
    """A poll's partitions share one transaction (a per-batch rescore then runs once per poll); when
    one event fails, the other partitions still go set-wise and only the poison one event by event."""
    runs: list[set[str]] = []
    poison = "poison"

    async def increment_all(envelopes, uow, bus) -> None:
        runs.append({envelope.data["name"] for envelope in envelopes})
        for envelope in envelopes:
            if envelope.data["name"] == poison:
                raise ValueError("cannot handle this one")
            await increment(envelope, uow, bus)

    async def increment_one(envelope, uow, bus) -> None:
        if envelope.data["name"] == poison:
            raise ValueError("cannot handle this one")
        await increment(envelope, uow, bus)

    names = [f"spread-{n}" for n in range(12)]  # twelve keys: every one of the topic's three partitions
    await harness.emit(*(CounterIncremented(name=name, by=1) for name in names))
    await OutboxRelay(harness.sessions, producer).publish_batch()
    spread = ConsumerSpec(name="spread", topics=[harness.topic],
                          handlers={CounterIncremented.event_type: increment_one},
                          batch_handlers={CounterIncremented.event_type: increment_all})
    pair = await start_runner(harness, producer, spread, f"{harness.settings.topic_prefix}g12")

    async def all_counted() -> bool:
        return all([await counter_value(harness.sessions, name) == 1 for name in names])

    await run_until([pair], all_counted)
    assert runs[0] == set(names), "the first poll's three partitions were not handled in one batch"
    assert pair[1].batches_together == 1 and pair[1].handled == 12

    runs.clear()
    dead_letter_topic = f"{harness.settings.topic_prefix}deadletter.spread"
    await ensure_topics(harness.settings.kafka_bootstrap_servers, [dead_letter_topic], 1)
    await harness.emit(*(CounterIncremented(name=name, by=1) for name in [*names, poison]))
    await OutboxRelay(harness.sessions, producer).publish_batch()
    pair = await start_runner(harness, producer, spread, f"{harness.settings.topic_prefix}g12",
                              dead_letter_topic=dead_letter_topic)

    async def all_counted_twice() -> bool:
        return all([await counter_value(harness.sessions, name) == 2 for name in names])

    await run_until([pair], all_counted_twice)
    runner = pair[1]
    assert runner.dead_lettered == 1 and runner.handled == 12
    assert runner.batches_split == 2, "the poll's batch and the poison partition's, nothing else"
    assert sum(1 for run in runs if poison not in run) >= 2, "the other partitions went set-wise"


async def test_an_unknown_type_on_a_consumers_own_topic_is_dead_lettered_and_handled_when_replayed(harness, producer):
    """A worker older than its producer (a rolling upgrade) keeps what it cannot handle yet, rather than
    skipping it; replayed to a worker that knows the type, it is handled once."""
    future_type = "test.counter.incremented_twice.v9"
    future = CloudEvent(source="test", type=future_type, subject="future", data={"name": "future", "by": 2})
    dead_letter_topic = f"{harness.settings.topic_prefix}deadletter.own"
    await ensure_topics(harness.settings.kafka_bootstrap_servers, [dead_letter_topic], 1)
    await producer.send_and_wait(harness.topic, future.to_bytes(), key=b"future")
    await harness.emit(CounterIncremented(name="known"))
    await OutboxRelay(harness.sessions, producer).publish_batch()

    own = ConsumerSpec(name="own", topics=[harness.topic], handlers={CounterIncremented.event_type: increment},
                       dead_letter_unknown_types=True)
    pair = await start_runner(harness, producer, own, f"{harness.settings.topic_prefix}g13",
                              dead_letter_topic=dead_letter_topic)
    await run_until([pair], value_is(harness, "known", 1))
    [dead] = await harness.read_topic(dead_letter_topic, expected=1)
    assert dead.value == future.to_bytes() and dict(dead.headers)["dlt_reason"].startswith(b"unknown event type")
    async with harness.engine.connect() as connection:
        claimed = (await connection.execute(text("SELECT count(*) FROM inbox WHERE event_id = :id"),
                                            {"id": future.id})).scalar_one()
    assert claimed == 0, "not recorded as handled: a replay must get through"

    async def increment_future(envelope, uow, bus) -> None:
        await increment(envelope, uow, bus)

    upgraded = ConsumerSpec(name="own", topics=[harness.topic],
                            handlers={CounterIncremented.event_type: increment, future_type: increment_future},
                            dead_letter_unknown_types=True)
    await producer.send_and_wait(harness.topic, dead.value, key=dead.key)
    pair = await start_runner(harness, producer, upgraded, f"{harness.settings.topic_prefix}g13",
                              dead_letter_topic=dead_letter_topic)
    await run_until([pair], value_is(harness, "future", 2))
    assert await counter_value(harness.sessions, "known") == 1


async def test_an_unknown_type_on_a_shared_topic_is_skipped(harness, producer):
    dead_letter_topic = f"{harness.settings.topic_prefix}deadletter.shared"
    await ensure_topics(harness.settings.kafka_bootstrap_servers, [dead_letter_topic], 1)
    other = CloudEvent(source="test", type="test.something.else.v1", subject="x", data={})
    await producer.send_and_wait(harness.topic, other.to_bytes(), key=b"x")
    await harness.emit(CounterIncremented(name="shared-known"))
    await OutboxRelay(harness.sessions, producer).publish_batch()
    pair = await start_runner(harness, producer, spec(harness, name="shared"), f"{harness.settings.topic_prefix}g14",
                              dead_letter_topic=dead_letter_topic)
    await run_until([pair], value_is(harness, "shared-known", 1))
    assert pair[1].dead_lettered == 0
