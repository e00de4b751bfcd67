"""Intake and worker as separate processes would run them: HTTP in, the intake topic, the
consumer runner with its consumer group, the database, the outbox (T7)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
from sqlalchemy import text
from telesales_world import Tokens

from shared.auth import Role
from shared.clock import FixedClock
from shared.runtime import ServiceRuntime, run_consumers


async def count(runtime: ServiceRuntime, sql: str) -> int:
    async with runtime.engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar_one()


# Joining a consumer group costs this broker about 15 s: one test covers the whole path, the
# others call the handler directly.
async def test_calls_posted_to_intake_are_stored_once_by_the_worker(
        intake_client: httpx.AsyncClient, runtime: ServiceRuntime, tokens: Tokens, clock: FixedClock) -> None:
    agent = tokens.principal(Role.TELESALES_AGENT, group_id=uuid.uuid4(), department_id=uuid.uuid4())
    started_at = (clock.local_now() - timedelta(minutes=30)).isoformat()
    calls = [{"call_id": f"e2e-{n}", "agent_id": str(agent.employee_id), "number_dialled": "13800138000",
              "started_at": started_at, "duration_seconds": 60 + n, "connected": True,
              "disposition": "effective_conversation"} for n in range(5)]
    first = await intake_client.post("/calls/batch", json={"calls": calls}, headers=tokens.of(agent))
    # The desktop did not hear the first answer and sends the lot again.
    retry = await intake_client.post("/calls/batch", json={"calls": calls}, headers=tokens.of(agent))
    assert (first.status_code, retry.status_code) == (202, 202)

    stop = asyncio.Event()
    worker = asyncio.create_task(run_consumers(runtime, stop, ["telesales-calls"]))
    try:
        for _ in range(150):  # 30 s at most
            if await count(runtime, "SELECT count(*) FROM inbox") >= 2:
                break
            await asyncio.sleep(0.2)
    finally:
        stop.set()
        await asyncio.wait_for(worker, 15)

    # One message per request (one agent, so one partition), each claimed once in the inbox.
    assert await count(runtime, "SELECT count(*) FROM inbox WHERE consumer = 'telesales-calls'") == 2
    assert await count(runtime, "SELECT count(*) FROM calls") == 5
    assert await count(runtime, "SELECT count(*) FROM outbox WHERE event_type = 'telesales.call.logged.v1'") == 5
    assert await count(runtime, "SELECT dials FROM daily_figures") == 5
    assert await count(runtime, "SELECT effective FROM daily_figures") == 5
