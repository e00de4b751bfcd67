"""The project pipeline (C7) on the real database: projects on customers in scope, stage moves with
their history and event, a step back refused without a reason (nothing written), and the projects
overdue for a visit by stage cadence, per scope."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from crm_world import Person, World


async def events(world: World, event_type: str) -> list[dict]:
    return [envelope["data"] for t, envelope in await world.outbox() if t == event_type]


async def create(client: httpx.AsyncClient, by: Person, expect: int = 201, **body) -> dict:
    response = await client.post("/projects", headers=by.headers, json={"name": "Hotel lobby", **body})
    assert response.status_code == expect, response.text
    return response.json()


async def move(client: httpx.AsyncClient, project: dict, by: Person, stage: str, reason: str | None = None,
               expect: int = 200) -> dict:
    body = {"stage": stage, **({"reason": reason} if reason is not None else {})}
    response = await client.post(f"/projects/{project['id']}/stage", headers=by.headers, json=body)
    assert response.status_code == expect, response.text
    return response.json()


async def visit(client: httpx.AsyncClient, world: World, by: Person, customer_id: str, **more) -> dict:
    response = await client.post("/visits", headers=by.headers, json={
        "customer_id": customer_id, "visited_at": (world.clock.now() - timedelta(minutes=5)).isoformat(),
        "place": "site office", "result": "walked the site", **more})
    assert response.status_code == 201, response.text
    return response.json()


class TestCreating:
    async def test_a_rep_opens_a_project_on_their_customer_and_it_is_announced(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        project = await create(client, world.wang, lead_id=lead["id"])
        assert (project["stage"], project["rep_id"], project["group_id"], project["revision"]) == (
            "early_design", str(world.wang.id), str(world.east), 1)
        assert [(h["from_stage"], h["to_stage"]) for h in project["history"]] == [(None, "early_design")]
        [announced] = await events(world, "crm.project.stage_changed.v1")
        assert (announced["project_id"], announced["from_stage"], announced["to_stage"], announced["revision"],
                announced["customer_id"]) == (project["id"], None, "early_design", 1,
                                              lead["customer"]["customer_id"])

        by_customer = await create(client, world.east_leader, customer_id=lead["customer"]["customer_id"],
                                   stage="bidding")
        assert (by_customer["rep_id"], by_customer["stage"]) == (str(world.wang.id), "bidding")

        async def listed(person: Person, query: str = "") -> list[str]:
            response = await client.get(f"/projects{query}", headers=person.headers)
            assert response.status_code == 200, response.text
            return [p["id"] for p in response.json()]

        assert await listed(world.wang) == [by_customer["id"], project["id"]]
        assert await listed(world.manager, "?stage=bidding") == [by_customer["id"]]
        assert await listed(world.li) == [] and await listed(world.other_manager) == []
        assert (await client.get("/projects?stage=design", headers=world.wang.headers)).status_code == 422
        assert (await client.get(f"/projects/{project['id']}", headers=world.li.headers)).status_code == 404

    async def test_out_of_scope_and_bad_input_are_refused_and_nothing_is_written(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        customer_id = lead["customer"]["customer_id"]
        await create(client, world.li, expect=404, customer_id=customer_id)
        await create(client, world.li, expect=404, lead_id=lead["id"])
        await create(client, world.other_manager, expect=404, customer_id=customer_id)
        await create(client, world.wang, expect=403, customer_id=customer_id, rep_id=str(world.li.id))
        await create(client, world.west_leader, expect=404, customer_id=customer_id)
        bad_stage = await create(client, world.wang, expect=422, customer_id=customer_id, stage="design")
        assert bad_stage["errors"][0]["field"] == "stage"
        await create(client, world.wang, expect=422)
        await create(client, world.hr, expect=403, customer_id=customer_id)
        assert await world.rows("SELECT id FROM projects") == []
        assert await events(world, "crm.project.stage_changed.v1") == []


class TestStages:
    async def test_forward_freely_back_only_with_a_reason_every_move_kept(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        project = await create(client, world.wang, lead_id=lead["id"])

        await move(client, project, world.wang, "bidding")
        skipped = await move(client, project, world.wang, "stocking_execution")
        assert (skipped["stage"], skipped["revision"]) == ("stocking_execution", 3)

        refused = await move(client, project, world.wang, "deepened_design", expect=422)
        assert refused["errors"][0]["field"] == "reason"
        await move(client, project, world.wang, "stocking_execution", expect=409)
        await move(client, project, world.li, "acceptance", expect=404)
        await move(client, project, world.other_manager, "acceptance", expect=404)
        await move(client, project, world.wang, "acceptance_done", expect=422)
        unchanged = (await client.get(f"/projects/{project['id']}", headers=world.wang.headers)).json()
        assert (unchanged["stage"], unchanged["revision"], len(unchanged["history"])) == ("stocking_execution", 3, 3)

        back = await move(client, project, world.east_leader, "deepened_design", reason="the design changed")
        assert [(h["from_stage"], h["to_stage"], h["reason"], h["by"]) for h in back["history"]][-1] == (
            "stocking_execution", "deepened_design", "the design changed", str(world.east_leader.id))
        announced = await events(world, "crm.project.stage_changed.v1")
        assert [(e["to_stage"], e["revision"]) for e in announced] == [
            ("early_design", 1), ("bidding", 2), ("stocking_execution", 3), ("deepened_design", 4)]
        assert announced[-1]["reason"] == "the design changed"

    async def test_two_moves_at_once_are_serialised(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        project = await create(client, world.wang, lead_id=lead["id"])
        first, second = await asyncio.gather(
            client.post(f"/projects/{project['id']}/stage", headers=world.wang.headers, json={"stage": "bidding"}),
            client.post(f"/projects/{project['id']}/stage", headers=world.east_leader.headers,
                        json={"stage": "bidding"}))
        assert sorted([first.status_code, second.status_code]) == [200, 409]
        revisions = [e["revision"] for e in await events(world, "crm.project.stage_changed.v1")]
        assert revisions == [1, 2]


class TestOverdueVisits:
    async def test_listed_by_stage_cadence_per_scope_until_visited(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        customer_id = lead["customer"]["customer_id"]
        early = await create(client, world.wang, lead_id=lead["id"], name="Early")
        bidding = await create(client, world.wang, lead_id=lead["id"], name="Bidding", stage="bidding")

        world.clock.advance(timedelta(days=7, hours=1))
        for person in (world.wang, world.east_leader, world.manager, world.director):
            listed = (await client.get("/projects/overdue-visits", headers=person.headers)).json()
            assert [p["id"] for p in listed] == [early["id"]], person.name
        for person in (world.li, world.west_leader, world.other_manager):
            assert (await client.get("/projects/overdue-visits", headers=person.headers)).json() == [], person.name

        world.clock.advance(timedelta(days=7))
        listed = (await client.get("/projects/overdue-visits", headers=world.wang.headers)).json()
        assert [p["id"] for p in listed] == [early["id"], bidding["id"]]

        logged = await visit(client, world, world.wang, customer_id, project_id=early["id"])
        seen = (await client.get(f"/projects/{early['id']}", headers=world.wang.headers)).json()
        assert seen["last_visit_at"] == logged["visited_at"]
        listed = (await client.get("/projects/overdue-visits", headers=world.east_leader.headers)).json()
        assert [p["id"] for p in listed] == [bidding["id"]]
