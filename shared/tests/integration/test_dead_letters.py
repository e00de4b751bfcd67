"""Listing and replaying dead letters (shared.dead_letters, ``python -m <service> dead-letters``) on the
real broker and database: both kinds come back, each handled once, however often the replay runs."""

from __future__ import annotations

import json

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy import text

from deploy.devstack.pytest_plugin import off_the_loop
from shared import dead_letters
from shared.cli import service_cli
from shared.consumer import ConsumerSpec, dead_letter_topic
from shared.events.envelope import CloudEvent
from shared.kafka import ensure_topics
from shared.relay import OutboxRelay
from shared.runtime import build_runtime
from shared.tests.integration.conftest import CounterIncremented, counter_value, increment
from shared.tests.integration.test_consumer import run_until, start_runner

CONSUMER = "replayable"
FUTURE_TYPE = "test.counter.incremented_later.v2"


class Scenario:
    """A consumer that fails on the counter "poison" and has no handler for FUTURE_TYPE yet, until fixed."""

    def __init__(self, harness, producer) -> None:
        # Replayed as soon as dead-lettered here; the settling delay has a test of its own.
        harness.settings = harness.settings.model_copy(update={"dead_letters_settle_seconds": 0})
        self.harness, self.producer = harness, producer
        self.broken = True
        self.group = f"{harness.settings.topic_prefix}{CONSUMER}"
        self.dead_letter_topic = dead_letter_topic(harness.settings.topic_prefix, CONSUMER)
        self.future = CloudEvent(source="test", type=FUTURE_TYPE, subject="future", data={"name": "future", "by": 2})
        self.poison = None

    def spec(self, upgraded: bool = False) -> ConsumerSpec:
        async def fails_on_poison(envelope, uow, bus) -> None:
            if self.broken and envelope.data["name"] == "poison":
                raise ValueError("cannot handle this one yet")
            await increment(envelope, uow, bus)

        handlers = {CounterIncremented.event_type: fails_on_poison}
        if upgraded:
            handlers[FUTURE_TYPE] = increment
        return ConsumerSpec(name=CONSUMER, topics=[self.harness.topic], handlers=handlers,
                            dead_letter_unknown_types=True)

    async def dead_letter_both_kinds(self) -> None:
        harness = self.harness
        await ensure_topics(harness.settings.kafka_bootstrap_servers, [self.dead_letter_topic], 1)
        await self.producer.send_and_wait(harness.topic, self.future.to_bytes(), key=b"future",
                                          headers=[("traceparent", b"00-abc-def-01")])
        [self.poison] = await harness.emit(CounterIncremented(name="poison", by=7))
        await harness.emit(CounterIncremented(name="known"))
        await OutboxRelay(harness.sessions, self.producer).publish_batch()
        pair = await self.start()

        async def settled() -> bool:
            return pair[1].dead_lettered == 2 and await counter_value(harness.sessions, "known") == 1

        await run_until([pair], settled)

    async def start(self, upgraded: bool = False):
        return await start_runner(self.harness, self.producer, self.spec(upgraded), self.group,
                                  dead_letter_topic=self.dead_letter_topic, batch_transactions=False)

    async def consume_until(self, *expected: tuple[str, int]):
        pair = await self.start(upgraded=True)

        async def reached() -> bool:
            return all([await counter_value(self.harness.sessions, name) == value for name, value in expected])

        await run_until([pair], reached)
        return pair[1]

    async def replay(self, **options) -> list[dead_letters.Replayed]:
        return await dead_letters.replay_dead_letters(self.harness.settings, self.harness.sessions,
                                                      [self.spec(upgraded=True)], CONSUMER, **options)

    async def inbox_status(self, event_id) -> str | None:
        async with self.harness.sessions() as session:
            return (await session.execute(text("SELECT status FROM inbox WHERE consumer = :c AND event_id = :id"),
                                          {"c": CONSUMER, "id": event_id})).scalar()

    async def source_end(self) -> int:
        probe = AIOKafkaConsumer(bootstrap_servers=self.harness.settings.kafka_bootstrap_servers)
        await probe.start()
        try:
            await probe._client.force_metadata_update()
            tps = [TopicPartition(self.harness.topic, p) for p in probe.partitions_for_topic(self.harness.topic)]
            return sum((await probe.end_offsets(tps)).values())
        finally:
            await probe.stop()


@pytest.fixture
async def scenario(harness, producer) -> Scenario:
    s = Scenario(harness, producer)
    await s.dead_letter_both_kinds()
    return s


async def test_list_shows_both_kinds_with_their_source_event_and_reason(scenario, harness):
    letters = await dead_letters.list_dead_letters(harness.settings, [scenario.spec()], CONSUMER)
    by_id = {letter.event_id: letter for letter in letters}
    assert set(by_id) == {scenario.future.id, scenario.poison.id}
    unknown, failed = by_id[scenario.future.id], by_id[scenario.poison.id]
    assert unknown.event_type == FUTURE_TYPE and unknown.reason.startswith("unknown event type")
    assert failed.event_type == CounterIncremented.event_type and failed.reason.startswith("ValueError")
    assert unknown.source_topic == failed.source_topic == harness.topic
    assert unknown.original_headers() == [("traceparent", b"00-abc-def-01")]
    assert not unknown.replayed and not failed.replayed
    # Kind (1) is not in the inbox, kind (2) is, as dead_lettered.
    assert await scenario.inbox_status(scenario.future.id) is None
    assert await scenario.inbox_status(scenario.poison.id) == "dead_lettered"


async def test_a_dry_run_changes_nothing(scenario, harness):
    before = await scenario.source_end()
    results = await scenario.replay(dry_run=True)
    assert sorted(r.outcome for r in results) == ["would replay", "would replay"]
    assert {r.letter.event_id for r in results if r.released} == {scenario.poison.id}
    assert await scenario.source_end() == before, "nothing published"
    assert await scenario.inbox_status(scenario.poison.id) == "dead_lettered", "no inbox row released"
    letters = await dead_letters.list_dead_letters(harness.settings, [scenario.spec()])
    assert len(letters) == 2 and not any(letter.replayed for letter in letters), "no offset committed"


async def test_replay_after_the_fix_handles_each_kind_once_and_a_second_run_replays_nothing(scenario, harness):
    scenario.broken = False
    results = await scenario.replay()
    assert {r.letter.event_id: (r.outcome, r.released) for r in results} == {
        scenario.future.id: ("replayed", False), scenario.poison.id: ("replayed", True)}
    assert await scenario.inbox_status(scenario.poison.id) is None, "released before the consumer runs"

    assert await scenario.replay() == [], "the second run finds nothing left to replay"
    runner = await scenario.consume_until(("future", 2), ("poison", 7))
    assert runner.handled == 2 and runner.dead_lettered == 0
    assert await scenario.replay() == []
    assert await counter_value(harness.sessions, "known") == 1
    assert await scenario.inbox_status(scenario.poison.id) == "handled"
    letters = await dead_letters.list_dead_letters(harness.settings, [scenario.spec()], CONSUMER)
    assert all(letter.replayed for letter in letters)


async def test_a_replay_killed_after_publishing_and_run_again_still_handles_once(scenario, harness, monkeypatch):
    scenario.broken = False
    before = await scenario.source_end()

    async def killed(self, offsets=None) -> None:
        raise RuntimeError("killed before committing the replay's offset")

    with monkeypatch.context() as patch:
        patch.setattr(AIOKafkaConsumer, "commit", killed)
        with pytest.raises(RuntimeError):
            await scenario.replay()
    # The first letter went out, its offset was not committed: the second run publishes it again.
    again = await scenario.replay()
    assert sorted(r.outcome for r in again) == ["replayed", "replayed"]
    assert await scenario.source_end() == before + 3

    runner = await scenario.consume_until(("future", 2), ("poison", 7))
    assert runner.handled == 2 and runner.duplicates == 1, "the inbox dropped the second copy"
    assert await scenario.replay() == []


async def test_replay_of_selected_events_never_passes_over_the_others(scenario, harness):
    scenario.broken = False
    only = await scenario.replay(event_ids=[scenario.poison.id])
    assert [(r.letter.event_id, r.outcome) for r in only] == [(scenario.poison.id, "replayed")]
    await scenario.consume_until(("poison", 7))
    rest = await scenario.replay()
    outcomes = {r.letter.event_id: r.outcome for r in rest}
    assert outcomes[scenario.future.id] == "replayed"
    # Read again only if it came after the one left out; then known to be handled, not published.
    assert outcomes.get(scenario.poison.id, "already handled") == "already handled"
    await scenario.consume_until(("future", 2), ("poison", 7))
    assert await scenario.replay() == []


async def test_a_handler_still_failing_dead_letters_the_replayed_event_again_without_effect(scenario, harness):
    results = await scenario.replay(event_ids=[scenario.poison.id])
    assert [r.outcome for r in results] == ["replayed"]
    pair = await scenario.start()

    async def dead_lettered_again() -> bool:
        return pair[1].dead_lettered == 1

    await run_until([pair], dead_lettered_again)
    assert await counter_value(harness.sessions, "poison") is None
    assert await scenario.inbox_status(scenario.poison.id) == "dead_lettered"
    letters = await dead_letters.list_dead_letters(harness.settings, [scenario.spec()], CONSUMER)
    assert [letter.event_id for letter in letters].count(scenario.poison.id) == 2


def cli_for(harness, spec: ConsumerSpec):
    return service_cli("test", lambda: harness.settings, lambda settings: build_runtime(settings, consumers=[spec]),
                       "unused:app", None)


async def test_the_commands_list_and_replay_and_refuse_an_unknown_consumer(scenario, harness):
    from click.testing import CliRunner

    cli = cli_for(harness, scenario.spec(upgraded=True))
    listed = off_the_loop(CliRunner().invoke, cli, ["dead-letters", "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert {row["event_id"] for row in json.loads(listed.stdout)} == {str(scenario.future.id), str(scenario.poison.id)}
    table = off_the_loop(CliRunner().invoke, cli, ["dead-letters", "list", "--consumer", CONSUMER])
    assert table.exit_code == 0 and str(scenario.poison.id) in table.output and "2 dead letter(s)" in table.output

    unknown = off_the_loop(CliRunner().invoke, cli, ["dead-letters", "replay", "--consumer", "nope"])
    assert unknown.exit_code == 2 and "unknown consumer 'nope'" in unknown.output and CONSUMER in unknown.output

    dry = off_the_loop(CliRunner().invoke, cli, ["dead-letters", "replay", "--consumer", CONSUMER, "--dry-run"])
    assert dry.exit_code == 0 and "2 dead letter(s) would be replayed" in dry.output
    scenario.broken = False
    done = off_the_loop(CliRunner().invoke, cli, ["dead-letters", "replay", "--consumer", CONSUMER,
                                                  "--event-id", str(scenario.poison.id)])
    assert done.exit_code == 0, done.output
    assert f"replayed: {scenario.poison.id}" in done.output and "inbox row released" in done.output
    await scenario.consume_until(("poison", 7))


async def test_a_letter_younger_than_the_settling_delay_waits_for_a_later_run(scenario, harness):
    waiting = harness.settings.model_copy(update={"dead_letters_settle_seconds": 3600})
    results = await dead_letters.replay_dead_letters(waiting, harness.sessions, [scenario.spec(upgraded=True)],
                                                     CONSUMER)
    assert {r.outcome for r in results} == {dead_letters.TOO_RECENT} and len(results) == 2
    assert await scenario.inbox_status(scenario.poison.id) == "dead_lettered"  # not released
    scenario.broken = False
    # Not passed over: once settled, the next run replays both.
    assert sorted(r.outcome for r in await scenario.replay()) == ["replayed", "replayed"]
    await scenario.consume_until(("poison", 7), ("future", 2))
