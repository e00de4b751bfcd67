"""A resubmitted call_id against the real database, at the door: the same record again is a 202
(stored once), other content a 409 naming the call_id and the fields that differ, nothing of it
published; a batch keeps its other records. A corrected call is compared as first submitted."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from telesales_world import Tokens, announce, hired, submitted

from shared.clock import FixedClock
from shared.runtime import ServiceRuntime

DEPARTMENT, GROUP = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
async def agent(runtime: ServiceRuntime, clock: FixedClock):
    agent = hired("Sun Li", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, agent)
    return agent


def headers(tokens: Tokens, agent) -> dict[str, str]:
    return tokens.headers(agent.role, employee_id=agent.employee_id, group_id=agent.group_id,
                          department_id=agent.department_id)


async def stored_and_sent(store, clock: FixedClock, agent, call_id: str) -> dict:
    """Store a call as the worker would have, and return the record a dialler sent for it."""
    started_at = clock.now() - timedelta(minutes=30)
    await store(submitted(agent.employee_id, started_at=started_at, call_id=call_id, number_dialled="13800138000",
                          duration_seconds=75, disposition="intent", notes="wants a quote"))
    return {"call_id": call_id, "agent_id": str(agent.employee_id), "number_dialled": "138 0013 8000",
            "started_at": started_at.astimezone(clock.timezone).isoformat(), "duration_seconds": 75,
            "connected": True, "disposition": "intent", "notes": "wants a quote"}


async def test_other_content_under_a_stored_call_id_is_a_409_naming_the_fields(
        runtime, store, intake_client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock, agent) -> None:
    sent = await stored_and_sent(store, clock, agent, "c-1")

    same = await intake_client.post("/calls", json=sent, headers=headers(tokens, agent))
    assert (same.status_code, same.json()) == (202, {"call_id": "c-1", "status": "accepted"})

    other = await intake_client.post("/calls", json={**sent, "disposition": "order", "duration_seconds": 80},
                                     headers=headers(tokens, agent))
    assert other.status_code == 409, other.text
    assert other.headers["content-type"].startswith("application/problem+json")
    body = other.json()
    assert (body["call_id"], body["fields"]) == ("c-1", ["duration_seconds", "disposition"])
    assert [e["field"] for e in body["errors"]] == ["call_id", "duration_seconds", "disposition"]

    batch = await intake_client.post("/calls/batch", headers=headers(tokens, agent), json={"calls": [
        {**sent, "notes": "wants two quotes"}, {**sent, "call_id": "c-2"}, sent]})
    assert batch.status_code == 202, batch.text
    assert batch.json()["accepted_call_ids"] == ["c-2"]
    assert [(r["index"], r["call_id"], r["status"], [e["field"] for e in r["errors"]])
            for r in batch.json()["rejected"]] == [(0, "c-1", 409, ["call_id", "notes"]),
                                                   (2, "c-1", 409, ["call_id"])]


async def test_a_corrected_call_is_compared_as_first_submitted(
        runtime, store, client, intake_client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock, agent) -> None:
    sent = await stored_and_sent(store, clock, agent, "c-9")
    corrected = await client.post("/calls/c-9/corrections", headers=headers(tokens, agent),
                                  json={"disposition": "appointment", "notes": "booked", "reason": "misclicked"})
    assert corrected.status_code in (200, 201), corrected.text

    retry = await intake_client.post("/calls", json=sent, headers=headers(tokens, agent))
    assert retry.status_code == 202, "the dialler retrying what it first sent is no conflict"
    as_corrected = await intake_client.post("/calls", json={**sent, "disposition": "appointment", "notes": "booked"},
                                            headers=headers(tokens, agent))
    assert as_corrected.status_code == 409
    assert as_corrected.json()["fields"] == ["disposition", "notes"]
