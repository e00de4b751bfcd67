"""A broker that comes back empty (the dev broker keeps nothing) is noticed by the relay while
the service keeps running: its topics are recreated and its recent outbox published again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from devstack.embedded import TansuBroker, free_port
from shared.config import ServiceSettings
from shared.kafka import OffsetProbe, ensure_topics, missing_topics, new_producer, topics_check
from shared.relay import OutboxRelay
from shared.tests.integration.conftest import CounterIncremented, Harness
from shared.tests.integration.fixture_schema import MIGRATIONS


@pytest.fixture
async def own_broker(tmp_path) -> AsyncIterator[TansuBroker]:
    broker = TansuBroker(free_port(), log_path=tmp_path / "broker.log")
    broker.start()
    yield broker
    broker.stop()


async def test_a_broker_that_lost_everything_is_refilled_without_a_restart(service_settings, own_broker, tmp_path):
    settings = service_settings(ServiceSettings, "messaging_fixture", MIGRATIONS, service_name="test",
                                topic_partitions=3, kafka_bootstrap_servers=own_broker.bootstrap_servers)
    harness = Harness(settings)
    topic = harness.topic

    async def recreate() -> None:
        await ensure_topics(settings.kafka_bootstrap_servers, [topic], 3)

    await recreate()
    producer, probe = new_producer(settings), OffsetProbe(settings.kafka_bootstrap_servers)
    await producer.start()
    await probe.start()
    try:
        relay = OutboxRelay(harness.sessions, producer, end_offsets=probe, replay_window_seconds=3600,
                            on_broker_loss=recreate)
        await harness.emit(*(CounterIncremented(name=f"c{n}") for n in range(5)))
        assert await relay.publish_batch() == 5
        assert await relay.check_broker() is False, "nothing lost yet"

        own_broker.stop()  # memory only: everything acknowledged is gone
        TansuBroker(own_broker.port, log_path=tmp_path / "broker-2.log").start()
        await asyncio.sleep(0.5)

        assert await relay.check_broker() is True
        assert relay.broker_losses == 1
        republished = 0
        for _ in range(50):  # the producer reconnects to the new broker
            try:
                republished += await relay.publish_batch()
            except Exception:  # a send may fail while the producer reconnects; the batch stays
                await asyncio.sleep(0.2)
            if republished == 5:
                break
        assert republished == 5
        records = await harness.read_topic(topic, expected=5)
        assert sorted(r.key.decode() for r in records) == [f"c{n}" for n in range(5)]
        assert await relay.check_broker() is False, "the refilled broker holds what it acknowledged"
    finally:
        await probe.stop()
        await producer.stop()
        await harness.engine.dispose()


async def test_readiness_says_not_ready_while_a_topic_is_missing(own_broker):
    bootstrap = own_broker.bootstrap_servers
    await ensure_topics(bootstrap, ["ready.present"], 1)
    assert await missing_topics(bootstrap, ["ready.present", "ready.absent"]) == ["ready.absent"]
    with pytest.raises(LookupError, match=r"ready\.absent"):
        await topics_check(bootstrap, ["ready.present", "ready.absent"])()
    await topics_check(bootstrap, ["ready.present"])()
