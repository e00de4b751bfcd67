"""Field visits (C12) on the real database: logged by the caller for a customer in scope (refusals write
nothing), announced for appraisal, listed by scope, and counted per rep per ISO week against the target."""

from __future__ import annotations

from datetime import timedelta

import httpx
from crm_world import Person, World

from crm.domain.visits import Week


async def events(world: World, event_type: str) -> list[dict]:
    return [envelope["data"] for t, envelope in await world.outbox() if t == event_type]


async def log(client: httpx.AsyncClient, world: World, by: Person, customer_id: str, *, ago: timedelta = timedelta(
        minutes=5), expect: int = 201, **more) -> dict:
    response = await client.post("/visits", headers=by.headers, json={
        "customer_id": customer_id, "visited_at": (world.clock.now() - ago).isoformat(), "place": "their office",
        "result": "demo given, quotation requested", **more})
    assert response.status_code == expect, response.text
    return response.json()


class TestLogging:
    async def test_a_rep_logs_a_visit_to_their_customer_and_appraisal_hears_of_it(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        customer_id = lead["customer"]["customer_id"]
        visit = await log(client, world, world.wang, customer_id, lead_id=lead["id"])
        assert (visit["rep_id"], visit["group_id"], visit["department_id"], visit["lead_id"]) == (
            str(world.wang.id), str(world.east), str(world.sales), lead["id"])
        [announced] = await events(world, "crm.visit.logged.v1")
        assert (announced["visit_id"], announced["rep_id"], announced["customer_id"], announced["visited_on"],
                announced["result"]) == (visit["id"], str(world.wang.id), customer_id, visit["visited_on"],
                                         "demo given, quotation requested")
        assert "place" not in announced

    async def test_out_of_scope_future_and_mismatched_visits_are_refused_and_nothing_is_written(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        other = await world.owned_lead(world.li, "13800000002")
        customer_id = lead["customer"]["customer_id"]
        project = (await client.post("/projects", headers=world.li.headers,
                                     json={"name": "Li's", "lead_id": other["id"]})).json()

        await log(client, world, world.li, customer_id, expect=404)
        await log(client, world, world.zhou, customer_id, expect=404)
        await log(client, world, world.wang, str(other["customer"]["customer_id"]), expect=404)
        await log(client, world, world.hr, customer_id, expect=403)
        future = await log(client, world, world.wang, customer_id, ago=-timedelta(minutes=5), expect=422)
        assert future["errors"][0]["field"] == "visited_at"
        too_old = await log(client, world, world.wang, customer_id, ago=timedelta(days=15), expect=422)
        assert too_old["errors"][0]["field"] == "visited_at"
        await log(client, world, world.wang, customer_id, lead_id=other["id"], expect=404)
        await log(client, world, world.wang, customer_id, project_id=project["id"], expect=404)
        wrong = await log(client, world, world.east_leader, customer_id, project_id=project["id"], expect=422)
        assert wrong["errors"][0]["field"] == "project_id"
        wrong_lead = await log(client, world, world.east_leader, customer_id, lead_id=other["id"], expect=422)
        assert wrong_lead["errors"][0]["field"] == "lead_id"
        blank = await client.post("/visits", headers=world.wang.headers, json={
            "customer_id": customer_id, "visited_at": world.clock.now().isoformat(), "place": " ", "result": "x"})
        assert blank.status_code == 422

        assert await world.rows("SELECT id FROM visits") == []
        assert await events(world, "crm.visit.logged.v1") == []


class TestReading:
    async def test_visits_are_listed_by_scope_and_counted_per_iso_week_against_the_target(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        west = await world.owned_lead(world.zhou, "13800000002", group_id=world.west)
        for _ in range(2):
            await log(client, world, world.wang, lead["customer"]["customer_id"])
        await log(client, world, world.wang, lead["customer"]["customer_id"], ago=timedelta(days=7))
        await log(client, world, world.zhou, west["customer"]["customer_id"])
        this_week = str(Week.of(world.clock.date_of(world.clock.now() - timedelta(minutes=5))))

        assert len((await client.get("/visits", headers=world.wang.headers)).json()) == 3
        assert len((await client.get("/visits", headers=world.east_leader.headers)).json()) == 3
        assert len((await client.get("/visits", headers=world.manager.headers)).json()) == 4
        assert [v["rep_id"] for v in (await client.get("/visits", headers=world.west_leader.headers)).json()] == [
            str(world.zhou.id)]
        assert (await client.get("/visits", headers=world.li.headers)).json() == []
        assert (await client.get("/visits", headers=world.other_manager.headers)).json() == []

        def counts(body: dict) -> dict[str, int]:
            return {row["name"]: row["visits"] for row in body["reps"]}

        leader = (await client.get(f"/visits/weekly?week={this_week}", headers=world.east_leader.headers)).json()
        assert (leader["week"], leader["target"]) == (this_week, 20)
        assert counts(leader) == {"Wang Wei": 2, "Li Na": 0, "Sun Li": 0}
        wang = next(row for row in leader["reps"] if row["name"] == "Wang Wei")
        assert (wang["met"], wang["short_by"]) == (False, 18)
        assert counts((await client.get(f"/visits/weekly?week={this_week}", headers=world.wang.headers)).json()) == {
            "Wang Wei": 2}
        assert counts((await client.get(f"/visits/weekly?week={this_week}", headers=world.manager.headers)).json()) == {
            "Wang Wei": 2, "Li Na": 0, "Sun Li": 0, "Zhou Yu": 1}
        assert (await client.get(f"/visits/weekly?week={this_week}",
                                 headers=world.other_manager.headers)).json()["reps"] == []
        assert counts((await client.get("/visits/weekly", headers=world.wang.headers)).json())["Wang Wei"] in (2, 3)
        backwards = await client.get("/visits?from=2026-12-10&to=2026-12-01", headers=world.wang.headers)
        assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "to"
        bad = await client.get("/visits/weekly?week=2026-W60", headers=world.wang.headers)
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "week"
