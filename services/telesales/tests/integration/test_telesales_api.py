"""The read API against a real, migrated PostgreSQL: figures per agent with totals and progress,
stored calls, each within the caller's scope, the dialled number masked for all but its agent. The
calls are made on the clock's company day."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, timedelta

import httpx
import pytest
from telesales_world import Tokens, announce, at, group_created, hired, submitted

from devstack.pytest_plugin import asgi_client
from shared.auth import Principal, Role
from shared.clock import FixedClock
from shared.events.org import EmployeeHired
from telesales.config import TelesalesSettings
from telesales.entrypoints.api.app import create_app


@dataclass
class World:
    day: date
    dept_a: uuid.UUID
    dept_b: uuid.UUID
    g1: uuid.UUID
    g2: uuid.UUID
    g3: uuid.UUID
    leader1: EmployeeHired
    a1: EmployeeHired
    a2: EmployeeHired
    idle: EmployeeHired
    a3: EmployeeHired
    b1: EmployeeHired
    call_ids: dict[str, list[str]]


def principal(person: EmployeeHired, *roles: str) -> Principal:
    return Principal(employee_id=person.employee_id, roles=frozenset(roles or (person.role,)),
                     group_id=person.group_id, department_id=person.department_id)


@pytest.fixture
async def world(runtime, store, clock: FixedClock) -> World:
    day = clock.today()
    dept_a, dept_b, g1, g2, g3 = (uuid.uuid4() for _ in range(5))
    leader1 = hired("Leader One", "group_leader", dept_a, g1, on=day)
    leader2 = hired("Leader Two", "group_leader", dept_a, g2, on=day)
    leader3 = hired("Leader Three", "group_leader", dept_b, g3, on=day)
    a1, a2, idle = (hired(name, "telesales_agent", dept_a, g1, on=day) for name in ("Agent One", "Agent Two", "Idle"))
    a3 = hired("Agent Three", "telesales_agent", dept_a, g2, on=day)
    b1 = hired("Agent Bee", "sales_rep", dept_b, g3, on=day)
    morning = at(clock, day, 10)
    await announce(runtime, leader1, leader2, leader3, group_created(g1, dept_a, leader1.employee_id),
                   group_created(g2, dept_a, leader2.employee_id), group_created(g3, dept_b, leader3.employee_id),
                   a1, a2, idle, a3, b1)
    calls = {
        "a1": [submitted(a1.employee_id, started_at=morning, disposition="intent", duration_seconds=30),
               submitted(a1.employee_id, started_at=morning, disposition="no_answer", connected=False,
                         duration_seconds=0),
               submitted(a1.employee_id, started_at=morning, duration_seconds=120)],
        "a2": [submitted(a2.employee_id, started_at=morning, disposition="order")],
        "a3": [submitted(a3.employee_id, started_at=morning, duration_seconds=10)],
        "b1": [submitted(b1.employee_id, started_at=morning), submitted(b1.employee_id, started_at=morning),
               # Another day: never in the figures of the day.
               submitted(b1.employee_id, started_at=at(clock, day + timedelta(days=1), 10))],
    }
    await store(*(message for messages in calls.values() for message in messages))
    return World(day, dept_a, dept_b, g1, g2, g3, leader1, a1, a2, idle, a3, b1,
                 {who: [m.call_id for m in messages] for who, messages in calls.items()})


async def figures(client: httpx.AsyncClient, day: date, headers: dict, **params) -> httpx.Response:
    return await client.get("/figures/daily", params={"date": day.isoformat(), **params}, headers=headers)


def by_agent(body: dict) -> dict[str, tuple]:
    return {line["name"]: (line["figures"]["dials"], line["progress"]["target"], line["progress"]["remaining"])
            for line in body["agents"]}


class TestDailyFigures:
    async def test_an_agent_sees_their_own_day_and_progress(self, client, tokens: Tokens, world: World) -> None:
        response = await figures(client, world.day, tokens.of(principal(world.a1)))
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["date"], body["timezone"]) == (world.day.isoformat(), "Asia/Shanghai")
        [line] = body["agents"]
        assert line["figures"] == {"dials": 3, "connected": 2, "effective": 2, "intents": 1, "appointments": 0,
                                   "orders": 0, "talk_seconds": 150, "violations": 0}
        assert line["progress"] == {"target": 30, "done": 3, "remaining": 27, "percent": 10, "met": False}
        assert body["total"]["figures"]["dials"] == 3

    async def test_a_leader_sees_the_group_with_its_idle_members_and_totals(self, client, tokens: Tokens,
                                                                            world: World) -> None:
        response = await figures(client, world.day, tokens.of(principal(world.leader1)), group_id=str(world.g1))
        assert response.status_code == 200, response.text
        body = response.json()
        assert by_agent(body) == {"Agent One": (3, 30, 27), "Agent Two": (1, 30, 29), "Idle": (0, 30, 30)}
        [group] = body["groups"]
        assert (group["group_id"], group["agents"], group["figures"]["dials"], group["figures"]["orders"],
                group["progress"]["target"]) == (str(world.g1), 3, 4, 1, 90)
        unfiltered = (await figures(client, world.day, tokens.of(principal(world.leader1)))).json()
        assert by_agent(unfiltered) == by_agent(body), "without a filter a leader's scope is their group"

    async def test_a_manager_sees_the_department_by_group(self, client, tokens: Tokens, world: World) -> None:
        manager = tokens.principal(Role.DEPARTMENT_MANAGER, department_id=world.dept_a)
        body = (await figures(client, world.day, tokens.of(manager), department_id=str(world.dept_a))).json()
        assert set(by_agent(body)) == {"Agent One", "Agent Two", "Idle", "Agent Three"}
        assert {g["group_id"]: g["figures"]["dials"] for g in body["groups"]} == {str(world.g1): 4, str(world.g2): 1}
        assert [(d["department_id"], d["figures"]["dials"]) for d in body["departments"]] == [(str(world.dept_a), 5)]

    async def test_company_wide_roles_see_everything(self, client, tokens: Tokens, world: World) -> None:
        body = (await figures(client, world.day, tokens.headers(Role.SALES_DIRECTOR))).json()
        assert {d["department_id"]: d["figures"]["dials"] for d in body["departments"]} == {
            str(world.dept_a): 5, str(world.dept_b): 2}
        assert body["total"]["figures"]["dials"] == 7

    async def test_figures_outside_the_scope_are_refused(self, client, tokens: Tokens, world: World) -> None:
        agent = tokens.of(principal(world.a1))
        leader = tokens.of(principal(world.leader1))
        manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=world.dept_a)
        refusals = [
            (agent, {"agent_id": str(world.a2.employee_id)}),
            (agent, {"group_id": str(world.g1)}),
            (agent, {"department_id": str(world.dept_a)}),
            (leader, {"group_id": str(world.g2)}),
            (leader, {"agent_id": str(world.a3.employee_id)}),
            (leader, {"department_id": str(world.dept_a)}),
            (leader, {"agent_id": str(uuid.uuid4())}),
            (manager, {"department_id": str(world.dept_b)}),
            (manager, {"group_id": str(world.g3)}),
            (manager, {"agent_id": str(world.b1.employee_id)}),
        ]
        for headers, params in refusals:
            response = await figures(client, world.day, headers, **params)
            assert response.status_code == 403, (params, response.text)
        allowed = [(leader, {"agent_id": str(world.a1.employee_id)}), (manager, {"group_id": str(world.g2)}),
                   (agent, {"agent_id": str(world.a1.employee_id)})]
        for headers, params in allowed:
            assert (await figures(client, world.day, headers, **params)).status_code == 200, params

    async def test_without_a_date_the_day_is_the_companys_today(self, client, tokens: Tokens, world: World,
                                                                 clock: FixedClock, store) -> None:
        clock.set(at(clock, world.day, 0, 30))
        assert clock.now().astimezone(UTC).date() == world.day - timedelta(days=1), "UTC still says yesterday"
        await store(submitted(world.idle.employee_id, started_at=clock.now() - timedelta(minutes=10)))
        body = (await client.get("/figures/daily", headers=tokens.of(principal(world.idle)))).json()
        assert (body["date"], by_agent(body)) == (world.day.isoformat(), {"Idle": (1, 30, 29)})

    async def test_one_filter_at_a_time_and_a_token_is_needed(self, client, tokens: Tokens, world: World) -> None:
        both = await figures(client, world.day, tokens.headers(Role.ADMIN), group_id=str(world.g1),
                             agent_id=str(uuid.uuid4()))
        assert (both.status_code, both.json()["errors"][0]["field"]) == (422, "agent_id")
        assert (await client.get("/figures/daily")).status_code == 401

    async def test_the_target_is_configured_per_role(self, telesales_settings: TelesalesSettings, tokens: Tokens,
                                                     world: World, clock: FixedClock) -> None:
        targets = {"telesales_agent": 40, "sales_rep": 20}
        settings = telesales_settings.model_copy(update={"daily_dial_targets": targets})
        async with asgi_client(create_app(settings, clock=clock)) as client:
            body = (await figures(client, world.day, tokens.headers(Role.ADMIN))).json()
        targets = {line["name"]: line["progress"]["target"] for line in body["agents"]}
        assert (targets["Agent One"], targets["Agent Bee"]) == (40, 20)


class TestCalls:
    async def test_the_agent_reads_their_calls_with_the_whole_number(self, client, tokens: Tokens,
                                                                     world: World) -> None:
        body = (await client.get("/calls", headers=tokens.of(principal(world.a1)))).json()
        assert body["total"] == 3
        assert sorted(item["call_id"] for item in body["items"]) == sorted(world.call_ids["a1"])
        assert {(item["number_dialled"], item["number_masked"]) for item in body["items"]} == {
            ("+8613800138000", False)}

    async def test_a_leader_reads_the_groups_calls_masked(self, client, tokens: Tokens, world: World) -> None:
        body = (await client.get("/calls", headers=tokens.of(principal(world.leader1)))).json()
        assert sorted(item["call_id"] for item in body["items"]) == sorted(world.call_ids["a1"] + world.call_ids["a2"])
        assert {(item["number_dialled"], item["number_masked"]) for item in body["items"]} == {
            ("+861******8000", True)}
        page = (await client.get("/calls", params={"limit": 2, "offset": 2, "agent_id": str(world.a1.employee_id)},
                                 headers=tokens.of(principal(world.leader1)))).json()
        assert (page["total"], len(page["items"])) == (3, 1)

    async def test_one_call_outside_the_scope_is_not_found(self, client, tokens: Tokens, world: World) -> None:
        leader = tokens.of(principal(world.leader1))
        inside = await client.get(f"/calls/{world.call_ids['a2'][0]}", headers=leader)
        assert (inside.status_code, inside.json()["number_masked"], inside.json()["disposition"]) == (
            200, True, "order")
        for headers, call_id in [(leader, world.call_ids["a3"][0]), (tokens.of(principal(world.a1)),
                                                                     world.call_ids["a2"][0]),
                                 (leader, "no-such-call")]:
            response = await client.get(f"/calls/{call_id}", headers=headers)
            assert response.status_code == 404, response.text
        own = (await client.get(f"/calls/{world.call_ids['a1'][0]}", headers=tokens.of(principal(world.a1)))).json()
        assert (own["number_dialled"], own["group_id"], own["effective"]) == ("+8613800138000", str(world.g1), True)

    async def test_filters_never_widen_the_scope(self, client, tokens: Tokens, world: World) -> None:
        other_manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=world.dept_b)
        body = (await client.get("/calls", params={"agent_id": str(world.a1.employee_id)},
                                 headers=other_manager)).json()
        assert (body["total"], body["items"]) == (0, [])
        dated = (await client.get("/calls", params={"date_from": (world.day + timedelta(days=1)).isoformat()},
                                  headers=other_manager)).json()
        assert [item["call_id"] for item in dated["items"]] == [world.call_ids["b1"][2]]
