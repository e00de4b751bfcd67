"""The intake publisher answers only for what the broker acknowledged: a failure or a silence
becomes 503 (retry the same request), never a 202."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime

import pytest
from aiokafka.errors import KafkaTimeoutError

from shared.clock import FixedClock
from shared.errors import UpstreamUnavailable
from telesales.adapters.intake import CallSubmitted, IntakePublisher

AGENT = uuid.uuid4()


def message(call_id: str) -> CallSubmitted:
    now = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)
    return CallSubmitted(call_id=call_id, agent_id=AGENT, number_dialled="13800138000", started_at=now,
                         duration_seconds=10, connected=True, disposition="refused", submitted_by=AGENT,
                         received_at=now)


class StubProducer:
    def __init__(self, outcome: str = "ack") -> None:
        self.outcome = outcome
        self.sent: list[tuple[str, bytes, bytes]] = []

    async def send(self, topic: str, *, value: bytes, key: bytes, headers: list) -> asyncio.Future:
        self.sent.append((topic, key, value))
        future = asyncio.get_running_loop().create_future()
        if self.outcome == "ack":
            future.set_result(None)
        elif self.outcome == "error":
            future.set_exception(KafkaTimeoutError())
        return future  # "silent": never resolves


async def test_every_record_is_sent_keyed_by_agent_as_a_cloudevent(clock: FixedClock) -> None:
    producer = StubProducer()
    publisher = IntakePublisher(producer, "p.telesales.intake", clock=clock)  # type: ignore[arg-type]
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
