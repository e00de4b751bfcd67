"""On the dev stack, a call sent after a quiet spell is stored at once: the worker's idle intake
consumer, which stops fetching once idle, is woken by intake's announcement (shared.consumer.IdlePause)
instead of the first call waiting out a long empty fetch (2 s on the dev broker)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from flow_helpers import Person, eventually

from devstack.pytest_plugin import suite_instant
from shared.clock import FixedClock, first_day, shift_month

CLOCK = FixedClock(suite_instant())
QUIET_SECONDS = 12  # past CONSUMER_IDLE_AFTER_SECONDS (10): the intake consumer has paused
# Without the wake-up a lone call waits 0–2 s for the empty fetch in flight to end; three calls all
# under this would happen by chance about one time in fifteen.
STORED_WITHIN_SECONDS = 0.8


def test_a_call_after_a_quiet_spell_is_stored_at_once(running_stack) -> None:
    tag = uuid.uuid4().hex[:6]
    admin = Person(running_stack.gateway, running_stack.admin_token(), "admin")
    department = admin.expect(201, "POST", "/org/departments", json={"name": f"电销 {tag}", "kind": "telesales"})
    admin.expect(200, "PUT", f"/org/departments/{department['id']}/headcount/telesales_agent", json={"planned": 1})
    agent_id = admin.expect(201, "POST", "/org/employees", json={
        "name": "Zhao Lin", "role": "telesales_agent", "department_id": department["id"],
        "hired_on": first_day(shift_month(CLOCK.month(), -1)).isoformat(), "login": f"zhao{tag}",
        "password": f"zhao{tag}-password"})["id"]
    agent = Person(running_stack.gateway, running_stack.login(f"zhao{tag}", f"zhao{tag}-password"), "agent")

    def call(n: int) -> dict:
        started_at = (CLOCK.now() - timedelta(minutes=30 + n)).astimezone(CLOCK.timezone)
        return {"call_id": f"{tag}-{n}", "agent_id": agent_id, "number_dialled": f"+86 139 0000 {n:04d}",
                "started_at": started_at.isoformat(), "duration_seconds": 95, "connected": True,
                "disposition": "intent"}

    eventually(lambda: agent.request("POST", "/telesales-intake/calls", json=call(0)),
               until=lambda r: r.status_code == 202, what="telesales to know the agent")
    eventually(lambda: agent.request("GET", f"/telesales/calls/{tag}-0"), until=lambda r: r.status_code == 200,
               what="the first call to be stored")

    delays = []
    for n in range(1, 4):
        time.sleep(QUIET_SECONDS)
        agent.expect(202, "POST", "/telesales-intake/calls", json=call(n))
        accepted = time.monotonic()
        while agent.request("GET", f"/telesales/calls/{tag}-{n}").status_code != 200:
            assert time.monotonic() - accepted < 40, "the call was never stored"
            time.sleep(0.02)
        delays.append(time.monotonic() - accepted)
    assert max(delays) < STORED_WITHIN_SECONDS, f"202 → stored after a quiet spell: {delays}"
