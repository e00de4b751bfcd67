"""Figures beyond the day: the month per agent, group and department with talk time and the
call-stage funnel, the leader's board of the day, and the agent's month-end summary pre-filled
from the figures; each within the caller's scope."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from telesales_world import Tokens, announce, at, group_created, hired, submitted

from shared.auth import Role
from shared.clock import FixedClock

DEPARTMENT, GROUP, OTHER_GROUP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 9, 4, 0, tzinfo=UTC))


@pytest.fixture
async def month(runtime, store, clock: FixedClock):
    """Two agents of GROUP and one of another group, calling on two days of December."""
    leader = hired("Zhao Lei", "group_leader", DEPARTMENT, GROUP, on=clock.today())
    agent = hired("Sun Li", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    peer = hired("Qian Yu", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    stranger = hired("Wu Fei", "telesales_agent", DEPARTMENT, OTHER_GROUP, on=clock.today())
    await announce(runtime, leader, agent, peer, stranger, group_created(GROUP, DEPARTMENT, leader.employee_id))
    first, today = clock.today().replace(day=1), clock.today()
    await store(
        submitted(agent.employee_id, started_at=at(clock, first, 10), disposition="order", stage_reached="closing",
                  duration_seconds=300),
        submitted(agent.employee_id, started_at=at(clock, first, 11), disposition="no_answer", connected=False,
                  duration_seconds=0),
        submitted(agent.employee_id, started_at=at(clock, today, 10), disposition="intent",
                  stage_reached="needs_discovery", duration_seconds=120),
        submitted(peer.employee_id, started_at=at(clock, today, 10), disposition="refused", stage_reached="opening",
                  duration_seconds=20),
        submitted(stranger.employee_id, started_at=at(clock, today, 10), disposition="order",
                  stage_reached="wrap_up", duration_seconds=400),
    )
    return leader, agent, peer, stranger


def as_(tokens: Tokens, person):
    return tokens.headers(person.role, employee_id=person.employee_id, group_id=person.group_id,
                          department_id=person.department_id)


async def test_the_month_of_a_group_with_its_funnel(client, tokens: Tokens, month) -> None:
    leader, agent, peer, _ = month
    response = await client.get("/figures/monthly", params={"month": "2026-12", "group_id": str(GROUP)},
                                headers=as_(tokens, leader))
    assert response.status_code == 200, response.text
    body = response.json()
    lines = {line["agent_id"]: line["figures"] for line in body["agents"]}
    assert (lines[str(agent.employee_id)]["dials"], lines[str(agent.employee_id)]["orders"],
            lines[str(agent.employee_id)]["talk_seconds"]) == (3, 1, 420)
    assert lines[str(peer.employee_id)]["dials"] == 1
    assert [(g["id"], g["agents"], g["figures"]["dials"]) for g in body["groups"]] == [(str(GROUP), 2, 4)]
    assert body["total"]["figures"]["talk_seconds"] == 440
    funnel = {step["stage"]: step["reached"] for step in body["funnel"]}
    assert funnel == {"preparation": 3, "opening": 3, "needs_discovery": 2, "product_introduction": 1,
                      "objection_handling": 1, "closing": 1, "wrap_up": 0}


async def test_an_agent_reads_only_their_month_and_not_another_group(client, tokens: Tokens, month) -> None:
    leader, agent, _, stranger = month
    own = (await client.get("/figures/monthly", params={"month": "2026-12"}, headers=as_(tokens, agent))).json()
    assert [line["agent_id"] for line in own["agents"]] == [str(agent.employee_id)]
    other = await client.get("/figures/monthly", params={"group_id": str(OTHER_GROUP)}, headers=as_(tokens, leader))
    bad_month = await client.get("/figures/monthly", params={"month": "2026-13"}, headers=as_(tokens, agent))
    assert (other.status_code, bad_month.status_code) == (403, 422)
    manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=DEPARTMENT)
    department = (await client.get("/figures/monthly", params={"department_id": str(DEPARTMENT)},
                                   headers=manager)).json()
    assert department["total"]["figures"]["dials"] == 5
    assert str(stranger.employee_id) in {line["agent_id"] for line in department["agents"]}


async def test_the_leaders_board_shows_the_whole_group_today(client, tokens: Tokens, month) -> None:
    leader, agent, peer, _ = month
    board = await client.get("/figures/board", headers=as_(tokens, leader))
    assert board.status_code == 200, board.text
    lines = board.json()["agents"]
    assert {line["agent_id"] for line in lines} >= {str(agent.employee_id), str(peer.employee_id)}
    assert all(line["progress"]["target"] == 30 for line in lines if line["role"] == "telesales_agent")
    assert (await client.get("/figures/board", params={"group_id": str(OTHER_GROUP)},
                             headers=as_(tokens, leader))).status_code == 403


async def test_the_month_end_summary_is_pre_filled_and_written_by_the_agent(client, tokens: Tokens, month) -> None:
    leader, agent, peer, stranger = month
    url = f"/reports/monthly/{agent.employee_id}"
    for outsider in (peer, stranger):
        assert (await client.get(url, headers=as_(tokens, outsider))).status_code == 403
    draft = (await client.get(url, params={"month": "2026-12"}, headers=as_(tokens, agent))).json()
    assert (draft["figures"]["dials"], draft["days_dialled"], draft["days_target_met"], draft["daily_target"],
            draft["summary"]) == (3, 2, 0, 30, None)
    by_leader = await client.put(f"{url}/2026-12", json={"summary": "I wrote it"}, headers=as_(tokens, leader))
    empty = await client.put(f"{url}/2026-12", json={"summary": ""}, headers=as_(tokens, agent))
    old = await client.put(f"{url}/2026-09", json={"summary": "late"}, headers=as_(tokens, agent))
    assert (by_leader.status_code, empty.status_code, old.status_code) == (403, 422, 422)
    written = await client.put(f"{url}/2026-12", json={"summary": "Two orders in sight", "next_month_plan": "More"},
                               headers=as_(tokens, agent))
    assert written.status_code == 204
    read_by_leader = (await client.get(url, params={"month": "2026-12"}, headers=as_(tokens, leader))).json()
    assert (read_by_leader["summary"], read_by_leader["next_month_plan"]) == ("Two orders in sight", "More")
