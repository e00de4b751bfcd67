"""Distribution finished (C4) through the API: strategies and weights set by the leader and the
manager, per-rep caps for every strategy and by hand, the department level done automatically,
a reason with every assignment (response, event, history), and two leaders racing for one lead."""

from __future__ import annotations

import asyncio
import itertools
import uuid

import httpx
from crm_world import World

_numbers = itertools.count(1)


async def new_leads(world: World, count: int) -> list[dict]:
    return [await world.lead(world.manager, phone=f"137{next(_numbers):08d}") for _ in range(count)]


async def pool(world: World, count: int) -> list[dict]:
    leads = await new_leads(world, count)
    for lead in leads:
        await world.to_group(lead, world.east)
    return leads


def rep_events(outbox: list[tuple[str, dict]], strategy: str) -> list[dict]:
    return [e["data"] for t, e in outbox if t == "crm.lead.assigned.v1" and e["data"]["strategy"] == strategy]


class TestGroupSettings:
    async def test_the_default_is_round_robin_until_the_leader_sets_weights(self, world: World,
                                                                            client: httpx.AsyncClient) -> None:
        url = f"/groups/{world.east}/distribution"
        before = (await client.get(url, headers=world.east_leader.headers)).json()
        assert (before["strategy"], before["is_default"]) == ("round_robin", True)
        assert {m["name"] for m in before["members"]} == {"Wang Wei", "Li Na", "Sun Li"}

        response = await client.put(url, headers=world.east_leader.headers, json={
            "strategy": "weighted", "reps": [{"rep_id": str(world.wang.id), "weight": 2},
                                             {"rep_id": str(world.sun.id), "weight": 1, "cap": 0}]})
        assert response.status_code == 200, response.text
        after = {m["name"]: m for m in response.json()["members"]}
        assert response.json()["strategy"] == "weighted" and not response.json()["is_default"]
        assert (after["Wang Wei"]["weight"], after["Wang Wei"]["cap"]) == (2, 3)
        assert (after["Sun Li"]["cap"], after["Li Na"]["configured"]) == (0, False)

    async def test_who_may_set_it_and_bad_settings(self, world: World, client: httpx.AsyncClient) -> None:
        url = f"/groups/{world.east}/distribution"
        body = {"strategy": "least_loaded", "reps": []}
        assert (await client.put(url, headers=world.wang.headers, json=body)).status_code == 403
        assert (await client.put(url, headers=world.west_leader.headers, json=body)).status_code == 403
        assert (await client.get(url, headers=world.other_manager.headers)).status_code == 403
        assert (await client.put(url, headers=world.manager.headers, json=body)).status_code == 200

        stranger = await client.put(url, headers=world.east_leader.headers, json={
            "strategy": "weighted", "reps": [{"rep_id": str(world.zhou.id), "weight": 2}]})
        assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "reps[0]"
        zero = await client.put(url, headers=world.east_leader.headers, json={
            "strategy": "weighted", "reps": [{"rep_id": str(world.li.id), "weight": 0}]})
        assert zero.status_code == 422 and zero.json()["errors"][0]["field"] == "reps[0].weight"
        unknown = await client.put(url, headers=world.east_leader.headers, json={"strategy": "lottery"})
        assert unknown.status_code == 422
        assert (await client.get(url, headers=world.east_leader.headers)).json()["strategy"] == "least_loaded"


class TestStrategies:
    async def test_weighted_with_a_rep_capped_at_zero_and_reasons_everywhere(self, world: World,
                                                                            client: httpx.AsyncClient) -> None:
        await client.put(f"/groups/{world.east}/distribution", headers=world.east_leader.headers, json={
            "strategy": "weighted", "reps": [{"rep_id": str(world.wang.id), "weight": 2},
                                             {"rep_id": str(world.sun.id), "cap": 0}]})
        leads = await pool(world, 3)
        report = (await client.post(f"/groups/{world.east}/distribute", headers=world.east_leader.headers)).json()

        assert report["strategy"] == "weighted"
        got = [uuid.UUID(a["rep_id"]) for a in report["assigned"]]
        assert (got.count(world.wang.id), got.count(world.li.id), got.count(world.sun.id)) == (2, 1, 0)
        assert all(a["reason"].startswith("weighted: ") and "skipped at their cap: Sun Li (0/0)" in a["reason"]
                   for a in report["assigned"])

        events = rep_events(await world.outbox(), "weighted")
        assert {e["lead_id"]: e["reason"] for e in events} == {a["lead_id"]: a["reason"] for a in report["assigned"]}
        history = (await client.get(f"/leads/{leads[0]['id']}/assignments", headers=world.east_leader.headers)).json()
        assert [h["strategy"] for h in history] == ["manual", "weighted"]
        assert all(h["reason"] for h in history), "every assignment says why, the manual one too"

    async def test_least_loaded_for_this_time_only(self, world: World, client: httpx.AsyncClient) -> None:
        held = await pool(world, 2)
        await world.to_rep(held[0], world.wang)
        await world.to_rep(held[1], world.wang)
        await pool(world, 2)
        report = (await client.post(f"/groups/{world.east}/distribute", headers=world.east_leader.headers,
                                    json={"strategy": "least_loaded"})).json()
        assert report["strategy"] == "least_loaded"
        assert world.wang.id not in {uuid.UUID(a["rep_id"]) for a in report["assigned"]}
        assert report["assigned"][0]["reason"].startswith("least loaded: ")
        setting = (await client.get(f"/groups/{world.east}/distribution", headers=world.east_leader.headers)).json()
        assert setting["strategy"] == "round_robin", "the override does not change the setting"

    async def test_nobody_free_leaves_the_leads_and_says_why(self, world: World, client: httpx.AsyncClient) -> None:
        await client.put(f"/groups/{world.east}/distribution", headers=world.east_leader.headers, json={
            "strategy": "least_loaded", "reps": [{"rep_id": str(r.id), "cap": 0}
                                                 for r in (world.wang, world.li, world.sun)]})
        leads = await pool(world, 2)
        report = (await client.post(f"/groups/{world.east}/distribute", headers=world.east_leader.headers)).json()
        assert report["assigned"] == [] and report["left_over"] == [lead["id"] for lead in leads]
        assert report["left_over_reason"].startswith("every active rep of the group is at their cap: ")
        assert "Li Na (0/0)" in report["left_over_reason"]

    async def test_a_reps_own_cap_holds_by_hand_too(self, world: World, client: httpx.AsyncClient) -> None:
        await client.put(f"/groups/{world.east}/distribution", headers=world.east_leader.headers, json={
            "strategy": "round_robin", "reps": [{"rep_id": str(world.li.id), "cap": 1}]})
        leads = await pool(world, 2)
        await world.to_rep(leads[0], world.li)
        refused = await client.post(f"/leads/{leads[1]['id']}/assign", headers=world.east_leader.headers,
                                    json={"rep_id": str(world.li.id)})
        assert refused.status_code == 409 and (refused.json()["open_leads"], refused.json()["cap"]) == (1, 1)


class TestDepartmentLevel:
    async def test_the_manager_distributes_new_leads_to_the_groups_with_reasons(self, world: World,
                                                                               client: httpx.AsyncClient) -> None:
        leads = await new_leads(world, 4)
        url = f"/departments/{world.sales}/distribute"
        response = await client.post(url, headers=world.manager.headers)
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["strategy"] == "round_robin" and report["left_over"] == []
        groups = [uuid.UUID(a["group_id"]) for a in report["assigned"]]
        assert sorted(groups.count(g) for g in (world.east, world.west)) == [2, 2]
        assert {a["lead_id"] for a in report["assigned"]} == {lead["id"] for lead in leads}
        assert all(a["reason"].startswith("round robin: group ") for a in report["assigned"])
        events = [e["data"] for t, e in await world.outbox() if t == "crm.lead.assigned.v1"]
        assert {(e["level"], e["strategy"]) for e in events} == {("group", "round_robin")}
        assert all(e["reason"] for e in events)
        statuses = await world.rows("SELECT DISTINCT status FROM leads")
        assert [row.status for row in statuses] == ["in_group"]

    async def test_group_weights_and_caps_set_by_the_manager(self, world: World, client: httpx.AsyncClient) -> None:
        response = await client.put(f"/departments/{world.sales}/distribution", headers=world.manager.headers,
                                    json={"strategy": "least_loaded", "groups": [
                                        {"group_id": str(world.west), "cap": 1}]})
        assert response.status_code == 200, response.text
        assert {m["name"]: m["cap"] for m in response.json()["members"]} == {"East": None, "West": 1}
        await new_leads(world, 3)
        report = (await client.post(f"/departments/{world.sales}/distribute",
                                    headers=world.manager.headers)).json()
        groups = [uuid.UUID(a["group_id"]) for a in report["assigned"]]
        assert (groups.count(world.west), groups.count(world.east)) == (1, 2)
        assert "skipped at their cap: group West (1/1)" in report["assigned"][-1]["reason"]

    async def test_only_the_departments_managers(self, world: World, client: httpx.AsyncClient) -> None:
        await new_leads(world, 1)
        url = f"/departments/{world.sales}/distribute"
        for person in (world.east_leader, world.wang, world.other_manager):
            assert (await client.post(url, headers=person.headers)).status_code == 403
        put = await client.put(f"/departments/{world.sales}/distribution", headers=world.east_leader.headers,
                               json={"strategy": "weighted"})
        assert put.status_code == 403
        assert await world.rows("SELECT id FROM leads WHERE group_id IS NOT NULL") == []
        assert (await client.post(url, headers=world.director.headers)).status_code == 200


class TestRaces:
    async def test_two_leaders_assigning_the_same_lead_at_once_give_one_outcome(
            self, world: World, client: httpx.AsyncClient) -> None:
        [lead] = await pool(world, 1)
        url = f"/leads/{lead['id']}/assign"
        first, second = await asyncio.gather(
            client.post(url, headers=world.east_leader.headers, json={"rep_id": str(world.wang.id)}),
            client.post(url, headers=world.manager.headers, json={"rep_id": str(world.li.id)}))
        assert sorted([first.status_code, second.status_code]) == [200, 409], (first.text, second.text)
        loser = first if first.status_code == 409 else second
        winner = first if first.status_code == 200 else second
        assert loser.json()["owner_id"] == winner.json()["owner_id"]
        rows = await world.rows("SELECT rep_id FROM lead_assignments WHERE level = 'rep'")
        assert len(rows) == 1
        assert len(rep_events(await world.outbox(), "manual")) == 2, "the group step and one rep step"

        # Taking it from the holder is still possible, when asked for.
        other = world.li if winner.json()["owner_id"] == str(world.wang.id) else world.wang
        moved = await client.post(url, headers=world.east_leader.headers,
                                  json={"rep_id": str(other.id), "reassign": True})
        assert moved.status_code == 200 and moved.json()["owner_id"] == str(other.id)

    async def test_two_managers_putting_a_lead_in_two_groups_at_once(self, world: World,
                                                                    client: httpx.AsyncClient) -> None:
        [lead] = await new_leads(world, 1)
        url = f"/leads/{lead['id']}/assign-group"
        results = await asyncio.gather(
            client.post(url, headers=world.manager.headers, json={"group_id": str(world.east)}),
            client.post(url, headers=world.director.headers, json={"group_id": str(world.west)}))
        assert sorted(r.status_code for r in results) == [200, 409]
        assert len(await world.rows("SELECT id FROM lead_assignments")) == 1
