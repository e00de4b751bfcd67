"""Two-level distribution (C4) through the API: who may do what, the group membership and cap
rules, the fair round robin, and LeadAssigned in the outbox with the change."""

from __future__ import annotations

import itertools
import uuid

import httpx
from crm_world import World

_numbers = itertools.count(1)


async def pool(world: World, count: int, group_id: uuid.UUID | None = None) -> list[dict]:
    """``count`` leads waiting in the group's pool, oldest first."""
    leads = []
    for _ in range(count):
        lead = await world.lead(world.manager, phone=f"139{next(_numbers):08d}")
        await world.to_group(lead, group_id or world.east)
        leads.append(lead)
    return leads


class TestFirstLevel:
    async def test_a_manager_puts_a_lead_in_a_group_and_it_is_announced(self, world: World,
                                                                        client: httpx.AsyncClient) -> None:
        lead = await world.lead(world.manager, phone="13812345678")
        response = await client.post(f"/leads/{lead['id']}/assign-group", headers=world.manager.headers,
                                     json={"group_id": str(world.east), "reason": "East knows the sector"})
        assert response.status_code == 200, response.text
        assert (response.json()["status"], response.json()["group_id"]) == ("in_group", str(world.east))

        [(_, assigned)] = [(t, e) for t, e in await world.outbox() if t == "crm.lead.assigned.v1"]
        assert {k: assigned["data"][k] for k in ("level", "group_id", "assigned_by", "strategy", "reason")} == {
            "level": "group", "group_id": str(world.east), "assigned_by": str(world.manager.id),
            "strategy": "manual",
            "reason": "East knows the sector (by hand: group East held 0 open leads, no cap)"}
        history = await world.rows("SELECT level, group_id FROM lead_assignments")
        assert [(row.level, row.group_id) for row in history] == [("group", world.east)]

    async def test_a_rep_may_not_assign_to_a_group(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.lead(world.wang, phone="13812345678")
        response = await client.post(f"/leads/{lead['id']}/assign-group", headers=world.wang.headers,
                                     json={"group_id": str(world.west)})
        assert response.status_code == 403
        assert await world.rows("SELECT id FROM leads WHERE group_id = :g", g=world.west) == []

    async def test_a_group_of_another_department_is_refused(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.lead(world.manager, phone="13812345678")
        response = await client.post(f"/leads/{lead['id']}/assign-group", headers=world.manager.headers,
                                     json={"group_id": str(world.far)})
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "group_id"
        unknown = await client.post(f"/leads/{lead['id']}/assign-group", headers=world.manager.headers,
                                    json={"group_id": str(uuid.uuid4())})
        assert unknown.status_code == 404

    async def test_another_departments_manager_does_not_see_the_lead(self, world: World,
                                                                    client: httpx.AsyncClient) -> None:
        lead = await world.lead(world.manager, phone="13812345678")
        response = await client.post(f"/leads/{lead['id']}/assign-group", headers=world.other_manager.headers,
                                     json={"group_id": str(world.far)})
        assert response.status_code == 404


class TestSecondLevelByHand:
    async def test_the_leader_gives_a_lead_to_a_member(self, world: World) -> None:
        [lead] = await pool(world, 1)
        assigned = await world.to_rep(lead, world.li)

        assert (assigned["owner_id"], assigned["status"]) == (str(world.li.id), "assigned")
        events = [e["data"] for t, e in await world.outbox() if t == "crm.lead.assigned.v1"]
        assert [(e["level"], e["rep_id"], e["assigned_by"], e["strategy"]) for e in events] == [
            ("group", None, str(world.manager.id), "manual"),
            ("rep", str(world.li.id), str(world.east_leader.id), "manual")]

    async def test_a_rep_outside_the_group_is_refused(self, world: World, client: httpx.AsyncClient) -> None:
        [lead] = await pool(world, 1)
        before = await world.outbox_types()
        response = await client.post(f"/leads/{lead['id']}/assign", headers=world.east_leader.headers,
                                     json={"rep_id": str(world.zhou.id)})
        assert response.status_code == 409
        assert response.json()["rep_id"] == str(world.zhou.id)
        assert await world.outbox_types() == before

    async def test_a_rep_who_left_is_refused(self, world: World, client: httpx.AsyncClient) -> None:
        [lead] = await pool(world, 1)
        await world.leave(world.sun)
        response = await client.post(f"/leads/{lead['id']}/assign", headers=world.east_leader.headers,
                                     json={"rep_id": str(world.sun.id)})
        assert response.status_code == 409

    async def test_another_groups_leader_does_not_see_the_lead_and_a_rep_may_not_assign(
            self, world: World, client: httpx.AsyncClient) -> None:
        [lead] = await pool(world, 1)
        other = await client.post(f"/leads/{lead['id']}/assign", headers=world.west_leader.headers,
                                  json={"rep_id": str(world.zhou.id)})
        assert other.status_code == 404
        rep = await client.post(f"/leads/{lead['id']}/assign", headers=world.wang.headers,
                                json={"rep_id": str(world.wang.id)})
        assert rep.status_code == 403

    async def test_the_cap_holds_for_assignments_by_hand(self, world: World, client: httpx.AsyncClient) -> None:
        leads = await pool(world, 4)  # the test settings cap a rep at 3 open leads
        for lead in leads[:3]:
            await world.to_rep(lead, world.wang)
        response = await client.post(f"/leads/{leads[3]['id']}/assign", headers=world.east_leader.headers,
                                     json={"rep_id": str(world.wang.id)})
        assert response.status_code == 409
        assert (response.json()["open_leads"], response.json()["cap"]) == (3, 3)


class TestRoundRobin:
    async def test_the_pool_goes_round_longest_waiting_first_and_what_is_over_the_cap_stays(
            self, world: World, client: httpx.AsyncClient) -> None:
        leads = await pool(world, 9)
        # Li had a lead by hand just now: the others have waited longer.
        await world.to_rep(leads[0], world.li)

        response = await client.post(f"/groups/{world.east}/distribute", headers=world.east_leader.headers)
        assert response.status_code == 200, response.text
        report = response.json()

        got = [uuid.UUID(a["rep_id"]) for a in report["assigned"]]
        first_two = set(got[:2])
        assert first_two == {world.wang.id, world.sun.id}, "those who never had a lead go before Li"
        assert got[2] == world.li.id
        assert sorted(got.count(rep.id) for rep in (world.wang, world.sun, world.li)) == [2, 3, 3]
        assert got.count(world.li.id) == 2, "Li holds one already: the cap of 3 stops her at two more"
        assert len(report["left_over"]) == 0 and report["cap"] == 3
        assert world.east_leader.id not in got, "the leader distributes; the round robin is for reps"

        events = [e["data"] for t, e in await world.outbox() if t == "crm.lead.assigned.v1"
                  and e["data"]["strategy"] == "round_robin"]
        assert len(events) == 8
        assert {e["assigned_by"] for e in events} == {str(world.east_leader.id)}

    async def test_leads_over_everyones_cap_stay_in_the_pool_and_are_reported(
            self, world: World, client: httpx.AsyncClient) -> None:
        leads = await pool(world, 11)
        response = await client.post(f"/groups/{world.east}/distribute", headers=world.east_leader.headers,
                                     json={})
        report = response.json()
        assert len(report["assigned"]) == 9
        assert len(report["left_over"]) == 2
        waiting = await world.rows("SELECT id FROM leads WHERE status = 'in_group'")
        assert {str(row.id) for row in waiting} == set(report["left_over"])
        assert {lead["id"] for lead in leads[-2:]} == set(report["left_over"]), "the oldest leads go first"

    async def test_the_rotation_carries_over_to_the_next_distribution(self, world: World,
                                                                     client: httpx.AsyncClient) -> None:
        first = await pool(world, 2)
        one = (await client.post(f"/groups/{world.east}/distribute", headers=world.east_leader.headers)).json()
        served = {uuid.UUID(a["rep_id"]) for a in one["assigned"]}
        assert len(served) == 2 and {lead["id"] for lead in first} == {a["lead_id"] for a in one["assigned"]}

        await pool(world, 1)
        two = (await client.post(f"/groups/{world.east}/distribute", headers=world.east_leader.headers)).json()
        [third] = {uuid.UUID(a["rep_id"]) for a in two["assigned"]}
        assert third not in served, "the rep passed over last time goes first now"

    async def test_only_the_given_leads_and_unknown_ones_are_skipped(self, world: World,
                                                                    client: httpx.AsyncClient) -> None:
        leads = await pool(world, 3)
        west_lead = (await pool(world, 1, world.west))[0]
        stranger = str(uuid.uuid4())
        response = await client.post(f"/groups/{world.east}/distribute", headers=world.east_leader.headers,
                                     json={"lead_ids": [leads[0]["id"], west_lead["id"], stranger]})
        report = response.json()
        assert [a["lead_id"] for a in report["assigned"]] == [leads[0]["id"]]
        assert set(report["skipped"]) == {west_lead["id"], stranger}

    async def test_a_leader_may_not_distribute_another_group(self, world: World, client: httpx.AsyncClient) -> None:
        await pool(world, 1)
        response = await client.post(f"/groups/{world.east}/distribute", headers=world.west_leader.headers)
        assert response.status_code == 403
        assert await world.rows("SELECT id FROM leads WHERE owner_id IS NOT NULL") == []
