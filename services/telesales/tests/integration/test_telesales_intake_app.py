"""The intake app against the real broker: accepted records are on the intake topic, keyed by
agent, before the 202; refused ones are reported one by one and never published. The records are
of calls made half an hour before the clock's instant."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from telesales_world import Tokens, read_topic

from devstack.pytest_plugin import asgi_client
from shared.auth import Role
from shared.clock import FixedClock
from shared.relay import OutboxListener
from telesales.config import INTAKE_CHANNEL, TelesalesSettings
from telesales.entrypoints.intake.app import create_app as create_intake_app

Record = Callable[..., dict]


@pytest.fixture
def record(clock: FixedClock) -> Record:
    started_at = clock.local_now() - timedelta(minutes=30)

    def make(call_id: str, agent_id: uuid.UUID, **overrides) -> dict:
        return {"call_id": call_id, "agent_id": str(agent_id), "number_dialled": "13800138000",
                "started_at": started_at.isoformat(), "duration_seconds": 75, "connected": True,
                "disposition": "intent", **overrides}

    return make


async def test_a_batch_publishes_the_good_records_and_names_the_bad(
        intake_client: httpx.AsyncClient, tokens: Tokens, telesales_settings: TelesalesSettings, record: Record,
        clock: FixedClock) -> None:
    agent = tokens.principal(Role.TELESALES_AGENT, group_id=uuid.uuid4(), department_id=uuid.uuid4())
    someone_else = uuid.uuid4()
    batch = [
        record("good-1", agent.employee_id),
        record("negative", agent.employee_id, duration_seconds=-1),
        record("good-2", agent.employee_id, disposition="busy", connected=False, duration_seconds=0),
        record("theirs", someone_else),
        record("no-tz", agent.employee_id, started_at=clock.local_now().replace(tzinfo=None).isoformat()),
    ]
    response = await intake_client.post("/calls/batch", json={"calls": batch}, headers=tokens.of(agent))

    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["accepted"], body["accepted_call_ids"]) == (2, ["good-1", "good-2"])
    assert [(r["index"], r["call_id"], r["status"], [e["field"] for e in r["errors"]]) for r in body["rejected"]] == [
        (1, "negative", 422, ["duration_seconds"]),
        (3, "theirs", 403, ["agent_id"]),
        (4, "no-tz", 422, ["started_at"]),
    ]
    assert "own calls" in body["rejected"][1]["errors"][0]["reason"]

    [message] = await read_topic(telesales_settings.kafka_bootstrap_servers, telesales_settings.intake_topic, 1)
    envelope = json.loads(message.value)
    assert envelope["type"] == "telesales.calls.submitted_batch.v1", "one agent's records: one message"
    assert [c["call_id"] for c in envelope["data"]["calls"]] == ["good-1", "good-2"], "in the request's order"
    assert message.key == str(agent.employee_id).encode(), "keyed by agent"
    assert {c["claimed_group_id"] for c in envelope["data"]["calls"]} == {str(agent.group_id)}
    assert len(await read_topic(telesales_settings.kafka_bootstrap_servers, telesales_settings.intake_topic, 2,
                                wait_seconds=1)) == 1


async def test_one_call_from_the_agent_is_accepted_and_another_agents_refused(
        intake_client: httpx.AsyncClient, tokens: Tokens, telesales_settings: TelesalesSettings,
        record: Record) -> None:
    agent = tokens.principal(Role.TELESALES_AGENT)
    mine = await intake_client.post("/calls", json=record("one", agent.employee_id), headers=tokens.of(agent))
    theirs = await intake_client.post("/calls", json=record("two", uuid.uuid4()), headers=tokens.of(agent))
    bad = await intake_client.post("/calls", json=record("three", agent.employee_id, disposition="sold"),
                                   headers=tokens.of(agent))
    anonymous = await intake_client.post("/calls", json=record("four", agent.employee_id))

    assert (mine.status_code, mine.json()) == (202, {"call_id": "one", "status": "accepted"})
    assert theirs.status_code == 403, theirs.text
    assert (bad.status_code, [e["field"] for e in bad.json()["errors"]]) == (422, ["disposition"])
    assert anonymous.status_code == 401
    records = await read_topic(telesales_settings.kafka_bootstrap_servers, telesales_settings.intake_topic, 1,
                               wait_seconds=3)
    assert [[c["call_id"] for c in json.loads(r.value)["data"]["calls"]] for r in records] == [["one"]]


async def test_telephony_posts_for_every_agent(intake_client: httpx.AsyncClient, tokens: Tokens,
                                               record: Record) -> None:
    batch = [record(f"t-{n}", uuid.uuid4()) for n in range(3)]
    response = await intake_client.post("/calls/batch", json={"calls": batch}, headers=tokens.headers(Role.SYSTEM))
    assert (response.status_code, response.json()["accepted"], response.json()["rejected"]) == (202, 3, [])


async def test_a_batch_over_the_limit_is_refused_whole(
        telesales_settings: TelesalesSettings, tokens: Tokens, record: Record, clock: FixedClock) -> None:
    settings = telesales_settings.model_copy(update={"intake_batch_limit": 3})
    headers = tokens.headers(Role.SYSTEM)
    async with asgi_client(create_intake_app(settings, clock=clock)) as client:
        response = await client.post("/calls/batch", headers=headers,
                                     json={"calls": [record(f"c{n}", uuid.uuid4()) for n in range(4)]})
        empty = await client.post("/calls/batch", headers=headers, json={"calls": []})
        ready = await client.get("/readyz")

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["calls"]
    assert "at most 3" in response.json()["detail"]
    assert empty.status_code == 422
    assert (ready.status_code, ready.json()["checks"]) == (200, {"broker": "ok", "database": "ok", "topics": "ok"})
    assert await read_topic(settings.kafka_bootstrap_servers, settings.intake_topic, 1, wait_seconds=1) == []


async def test_the_default_limit_is_a_thousand(intake_client: httpx.AsyncClient, tokens: Tokens,
                                               record: Record) -> None:
    calls = [record(f"c{n}", uuid.uuid4()) for n in range(1001)]
    response = await intake_client.post("/calls/batch", json={"calls": calls}, headers=tokens.headers(Role.SYSTEM))
    assert response.status_code == 422
    assert "at most 1000" in response.json()["detail"]


async def test_a_full_batch_of_long_records_goes_as_several_messages_the_broker_takes(
        intake_client: httpx.AsyncClient, tokens: Tokens, telesales_settings: TelesalesSettings,
        record: Record) -> None:
    """A thousand records with 3,000-character notes are about 3.5 MB: split into messages under
    TELESALES_INTAKE_MESSAGE_MAX_BYTES, each taken by the real broker, every record once, in order."""
    agent = uuid.uuid4()
    calls = [record(f"long-{n}", agent, notes="n" * 3000) for n in range(1000)]
    response = await intake_client.post("/calls/batch", json={"calls": calls}, headers=tokens.headers(Role.SYSTEM))
    assert (response.status_code, response.json()["accepted"]) == (202, 1000), response.text

    messages = await read_topic(telesales_settings.kafka_bootstrap_servers, telesales_settings.intake_topic, 8,
                              wait_seconds=5)
    assert len(messages) >= 7
    assert all(len(m.value) <= telesales_settings.intake_message_max_bytes + 2_000 for m in messages)
    assert [c["call_id"] for m in messages for c in json.loads(m.value)["data"]["calls"]] == \
        [f"long-{n}" for n in range(1000)]


async def test_an_accepted_batch_is_announced_to_idle_workers(
        intake_client: httpx.AsyncClient, tokens: Tokens, telesales_settings: TelesalesSettings,
        record: Record) -> None:
    listener = OutboxListener(telesales_settings.database_url, channel=INTAKE_CHANNEL)
    assert await listener.ensure()
    try:
        listener.woken.clear()
        agent = tokens.principal(Role.TELESALES_AGENT, group_id=uuid.uuid4(), department_id=uuid.uuid4())
        refused = await intake_client.post("/calls/batch", json={"calls": [record("bad", agent.employee_id,
                                                                                  duration_seconds=-1)]},
                                           headers=tokens.of(agent))
        assert (refused.status_code, refused.json()["accepted"]) == (202, 0), refused.text
        await asyncio.sleep(0.3)
        assert not listener.woken.is_set(), "nothing published, nothing announced"
        response = await intake_client.post("/calls/batch", json={"calls": [record("told", agent.employee_id)]},
                                            headers=tokens.of(agent))
        assert response.status_code == 202, response.text
        await asyncio.wait_for(listener.woken.wait(), 5)
    finally:
        await listener.close()
