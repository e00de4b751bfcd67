"""The intake publisher answers only for what the broker acknowledged: a failure or a silence
becomes 503 (retry the same request), never a 202."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka.errors import KafkaTimeoutError
from aiokafka.partitioner import DefaultPartitioner

from shared.clock import FixedClock
from shared.errors import UpstreamUnavailable
from shared.events.envelope import CloudEvent
from telesales.adapters.intake import CallsSubmitted, CallSubmitted, IntakePublisher

AGENT = uuid.uuid4()
PARTITIONS = [0, 1, 2]


def message(call_id: str, agent: uuid.UUID = AGENT, notes: str | None = None) -> CallSubmitted:
    now = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)
    return CallSubmitted(call_id=call_id, agent_id=agent, number_dialled="13800138000", started_at=now,
                         duration_seconds=10, connected=True, disposition="refused", submitted_by=agent,
                         received_at=now, notes=notes)


def partition_of(agent: uuid.UUID) -> int:
    return DefaultPartitioner()(str(agent).encode(), PARTITIONS, PARTITIONS)


def decoded(value: bytes) -> CallsSubmitted:
    envelope = CloudEvent.model_validate_json(value)
    assert envelope.type == CallsSubmitted.event_type
    return envelope.payload(CallsSubmitted)  # type: ignore[return-value]


class StubProducer:
    def __init__(self, outcome: str = "ack") -> None:
        self.outcome = outcome
        self.sent: list[tuple[str, bytes, bytes]] = []

    async def partitions_for(self, topic: str) -> set[int]:
        return set(PARTITIONS)

    async def send(self, topic: str, *, value: bytes, key: bytes, headers: list) -> asyncio.Future:
        self.sent.append((topic, key, value))
        future = asyncio.get_running_loop().create_future()
        if self.outcome == "ack":
            future.set_result(None)
        elif self.outcome == "error":
            future.set_exception(KafkaTimeoutError())
        return future  # "silent": never resolves


async def test_records_go_as_one_message_per_partition_in_order_keyed_by_an_agent_of_it(clock: FixedClock) -> None:
    agents = [uuid.uuid4() for _ in range(12)]
    records = [message(f"c{n}", agents[n % len(agents)]) for n in range(36)]
    producer = StubProducer()
    publisher = IntakePublisher(producer, "p.telesales.intake", clock=clock)  # type: ignore[arg-type]
    await publisher.publish(records)

    used = {partition_of(agent) for agent in agents}
    assert len(producer.sent) == len(used) > 1, "one message per partition the agents hash to"
    for topic, key, value in producer.sent:
        batch = decoded(value)
        partition = partition_of(batch.calls[0].agent_id)
        assert (topic, key, batch.partition_key) == ("p.telesales.intake", str(batch.calls[0].agent_id).encode(),
                                                     str(batch.calls[0].agent_id))
        assert {partition_of(call.agent_id) for call in batch.calls} == {partition}, "the key's partition"
        assert batch.calls == [r for r in records if partition_of(r.agent_id) == partition], "all, in order"
    assert CloudEvent.model_validate_json(producer.sent[0][2]).time == clock.now(), "stamped by the service's clock"


async def test_a_message_stays_under_the_size_bound(clock: FixedClock) -> None:
    records = [message(f"c{n}", notes="x" * 3000) for n in range(40)]
    producer = StubProducer()
    publisher = IntakePublisher(producer, "t", clock=clock, message_max_bytes=20_000)  # type: ignore[arg-type]
    await publisher.publish(records)
    assert len(producer.sent) > 5
    assert all(len(value) < 22_000 for _, _, value in producer.sent)
    assert [call for _, _, value in producer.sent for call in decoded(value).calls] == records


async def test_one_message_per_record_for_workers_of_an_earlier_release(clock: FixedClock) -> None:
    producer = StubProducer()
    publisher = IntakePublisher(producer, "p.telesales.intake", clock=clock,  # type: ignore[arg-type]
                                batch_messages=False)
    await publisher.publish([message("a"), message("b")])
    assert [(topic, key) for topic, key, _ in producer.sent] == [("p.telesales.intake", str(AGENT).encode())] * 2
    envelope = json.loads(producer.sent[0][2])
    assert (envelope["type"], envelope["data"]["call_id"], envelope["subject"]) == (
        "telesales.call.submitted.v1", "a", str(AGENT))
    assert datetime.fromisoformat(envelope["time"]) == clock.now(), "stamped by the service's clock"


@pytest.mark.parametrize("outcome", ["error", "silent"])
async def test_a_refusal_or_no_answer_from_the_broker_is_a_503(outcome: str) -> None:
    publisher = IntakePublisher(StubProducer(outcome), "t", timeout_seconds=0.05)  # type: ignore[arg-type]
    with pytest.raises(UpstreamUnavailable) as raised:
        await publisher.publish([message("a")])
    assert raised.value.status == 503


@pytest.mark.parametrize("outcome", ["ack", "error"])
async def test_idle_workers_are_told_only_of_records_the_broker_acknowledged(outcome: str) -> None:
    announced: list[int] = []

    async def announce() -> None:
        announced.append(len(producer.sent))

    producer = StubProducer(outcome)
    publisher = IntakePublisher(producer, "t", timeout_seconds=0.05, announce=announce)  # type: ignore[arg-type]
    if outcome == "ack":
        await publisher.publish([message("a"), message("b", agent=uuid.uuid4())])
        assert announced == [len(producer.sent)], "once, after every message was acknowledged"
    else:
        with pytest.raises(UpstreamUnavailable):
            await publisher.publish([message("a")])
        assert announced == []
