"""Follow-up plans (C6) on the real database: planning with clear refusals, done with its event and
the next plan, the overdue lists by scope, and a follow-up racing the pool's sweep."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
from crm_world import Person, World


async def events(world: World, event_type: str) -> list[dict]:
    return [envelope["data"] for t, envelope in await world.outbox() if t == event_type]


def at(world: World, **delta: float) -> str:
    return (world.clock.now() + timedelta(**delta)).isoformat()


async def plan(client: httpx.AsyncClient, lead: dict, by: Person, due_at: str, *, method: str = "phone",
               expect: int = 201) -> dict:
    response = await client.post(f"/leads/{lead['id']}/follow-ups", headers=by.headers, json={
        "due_at": due_at, "method": method, "content": "send the quotation", "goal": "a site visit"})
    assert response.status_code == expect, response.text
    return response.json()


class TestPlanning:
    async def test_a_plan_is_for_a_time_to_come_by_a_known_method_on_a_held_lead(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        planned = await plan(client, lead, world.wang, at(world, days=1), method="WeChat")
        assert (planned["status"], planned["method"], planned["rep_id"]) == ("planned", "wechat", str(world.wang.id))

        past = await plan(client, lead, world.wang, at(world, minutes=-5), expect=422)
        assert past["errors"][0]["field"] == "due_at"
        unknown = await plan(client, lead, world.wang, at(world, days=1), method="fax", expect=422)
        assert unknown["errors"][0]["field"] == "method"
        naive = await plan(client, lead, world.wang, "2030-01-01T10:00:00", expect=422)
        assert naive["errors"][0]["field"] == "due_at"
        await plan(client, lead, world.li, at(world, days=1), expect=404)
        pooled = await world.lead(world.manager, phone="13800000002")
        await world.to_group(pooled, world.east)
        await plan(client, pooled, world.east_leader, at(world, days=1), expect=409)
        assert len(await world.rows("SELECT id FROM follow_ups")) == 1


class TestDone:
    async def test_done_is_announced_restarts_the_pool_clock_and_plans_the_next(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        planned = await plan(client, lead, world.wang, at(world, hours=2))
        world.clock.advance(timedelta(hours=1))

        response = await client.post(f"/follow-ups/{planned['id']}/done", headers=world.wang.headers, json={
            "outcome": "asked for a visit", "next": {"due_at": at(world, days=3), "method": "visit",
                                                     "content": "visit the site"}})

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["done"]["status"], body["done"]["outcome"], body["next"]["method"]) == (
            "done", "asked for a visit", "visit")
        [done] = await events(world, "crm.followup.done.v1")
        assert (done["follow_up_id"], done["rep_id"], done["method"], done["on_time"], done["done_on"]) == (
            planned["id"], str(world.wang.id), "phone", True, world.day(0).isoformat())
        [row] = await world.rows("SELECT followed_up_at FROM leads WHERE id = :id", id=lead["id"])
        assert row.followed_up_at == datetime.fromisoformat(body["done"]["done_at"])

        again = await client.post(f"/follow-ups/{planned['id']}/done", headers=world.wang.headers,
                                  json={"outcome": "twice"})
        assert again.status_code == 409
        assert len(await events(world, "crm.followup.done.v1")) == 1
        assert (await client.post(f"/follow-ups/{body['next']['id']}/done", headers=world.li.headers,
                                  json={"outcome": "not mine"})).status_code == 404
        bad_next = await client.post(f"/follow-ups/{body['next']['id']}/done", headers=world.wang.headers, json={
            "outcome": "ok", "next": {"due_at": at(world, days=-1), "method": "phone", "content": "x"}})
        assert bad_next.status_code == 422
        assert bad_next.json()["errors"][0]["field"] == "next.due_at"
        [still] = await world.rows("SELECT status FROM follow_ups WHERE id = :id", id=body["next"]["id"])
        assert still.status == "planned"


class TestOverdue:
    async def test_the_rep_and_the_leader_see_what_is_late_and_others_do_not(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        late = await plan(client, lead, world.wang, at(world, hours=1))
        await plan(client, lead, world.wang, at(world, days=5))
        world.clock.advance(timedelta(days=1, hours=1))

        for person in (world.wang, world.east_leader, world.manager):
            listed = await client.get("/follow-ups/overdue", headers=person.headers)
            assert [item["id"] for item in listed.json()] == [late["id"]], person.name
        for person in (world.li, world.west_leader, world.other_manager):
            assert (await client.get("/follow-ups/overdue", headers=person.headers)).json() == [], person.name

        done = await client.post(f"/follow-ups/{late['id']}/done", headers=world.wang.headers, json={"outcome": "late"})
        assert done.status_code == 200
        assert (await events(world, "crm.followup.done.v1"))[0]["on_time"] is False
        assert (await client.get("/follow-ups/overdue", headers=world.wang.headers)).json() == []

    async def test_a_lead_returned_to_the_pool_takes_its_plans_with_it(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        await plan(client, lead, world.wang, at(world, hours=1))
        await client.post(f"/leads/{lead['id']}/release", headers=world.wang.headers, json={"reason": "not mine"})
        world.clock.advance(timedelta(days=1))
        assert (await client.get("/follow-ups/overdue", headers=world.east_leader.headers)).json() == []
        [row] = await world.rows("SELECT status FROM follow_ups")
        assert row.status == "cancelled"


async def test_a_follow_up_racing_the_sweep_has_exactly_one_outcome(world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    planned = await plan(client, lead, world.wang, at(world, days=6, hours=23))
    world.clock.advance(timedelta(days=7, hours=1))  # past the 7 days without follow-up

    done, swept = await asyncio.gather(
        client.post(f"/follow-ups/{planned['id']}/done", headers=world.wang.headers, json={"outcome": "called"}),
        client.post("/pool/reclaim", headers=world.admin.headers))

    assert swept.status_code == 200
    [row] = await world.rows("SELECT status, owner_id FROM leads WHERE id = :id", id=lead["id"])
    returned = await world.rows("SELECT id FROM outbox WHERE event_type = 'crm.lead.returned_to_pool.v1'")
    followed = await events(world, "crm.followup.done.v1")
    if done.status_code == 200:
        assert (row.status, row.owner_id, swept.json()["returned"], returned) == ("assigned", world.wang.id, [], [])
        assert len(followed) == 1
    else:
        assert done.status_code == 409
        assert (row.status, row.owner_id, swept.json()["returned"], len(returned)) == (
            "in_group", None, [lead["id"]], 1)
        assert followed == []
