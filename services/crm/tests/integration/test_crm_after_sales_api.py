"""After-sales follow-ups (C7) and DealWon.new_customer (C8) on the real database: a won deal plans two
follow-ups that reach the overdue lists, can be done on the won lead, go with a cancelled deal; two deals
for one customer at once make exactly one new customer."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
from crm_world import World


async def events(world: World, event_type: str) -> list[dict]:
    return [envelope["data"] for t, envelope in await world.outbox() if t == event_type]


async def won(world: World, client: httpx.AsyncClient, lead: dict) -> dict:
    response = await client.post("/deals", headers=world.wang.headers, json={
        "lead_id": lead["id"], "amount": "1000", "signed_on": world.day(0).isoformat()})
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_won_deal_plans_after_sales_follow_ups_that_fall_overdue_and_are_done_on_the_won_lead(
        world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    deal = await won(world, client, lead)
    planned = (await client.get(f"/leads/{lead['id']}/follow-ups", headers=world.wang.headers)).json()
    assert [(f["kind"], f["deal_id"], f["method"], f["rep_id"]) for f in planned] == [
        ("after_sales", deal["id"], "visit", str(world.wang.id))] * 2
    assert [world.clock.date_of(datetime.fromisoformat(f["due_at"])) for f in planned] == [world.day(7), world.day(14)]

    world.clock.advance(timedelta(days=8))
    for person in (world.wang, world.east_leader):
        overdue = (await client.get("/follow-ups/overdue", headers=person.headers)).json()
        assert [f["id"] for f in overdue] == [planned[0]["id"]], person.name
    assert (await client.get("/follow-ups/overdue", headers=world.li.headers)).json() == []

    done = await client.post(f"/follow-ups/{planned[0]['id']}/done", headers=world.wang.headers,
                             json={"outcome": "installed and working"})
    assert done.status_code == 200, done.text
    [announced] = await events(world, "crm.followup.done.v1")
    assert (announced["follow_up_id"], announced["on_time"]) == (planned[0]["id"], False)
    [second] = await world.rows("SELECT due_at FROM follow_ups WHERE id = :id", id=planned[1]["id"])
    assert world.clock.date_of(second.due_at) == world.clock.today() + timedelta(days=7)
    with_next = await client.post(f"/follow-ups/{planned[1]['id']}/done", headers=world.wang.headers, json={
        "outcome": "ok", "next": {"due_at": (world.clock.now() + timedelta(days=1)).isoformat(), "method": "phone",
                                  "content": "x"}})
    assert with_next.status_code == 422 and with_next.json()["errors"][0]["field"] == "next"


async def test_an_after_sales_follow_up_before_day_three_is_refused_naming_the_earliest_day_and_writes_nothing(
        world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    deal = await won(world, client, lead)
    planned = (await client.get(f"/leads/{lead['id']}/follow-ups", headers=world.wang.headers)).json()
    before = await world.rows("SELECT id, status, due_at, done_at FROM follow_ups WHERE deal_id = :id ORDER BY id",
                              id=deal["id"])
    outbox = await world.outbox_types()

    world.clock.advance(timedelta(days=2))
    for follow_up, by in ((planned[0], world.wang), (planned[1], world.wang), (planned[0], world.east_leader)):
        early = await client.post(f"/follow-ups/{follow_up['id']}/done", headers=by.headers,
                                  json={"outcome": "dropped by"})
        assert early.status_code == 409, early.text
        assert early.headers["content-type"].startswith("application/problem+json")
        problem = early.json()
        assert (problem["field"], problem["earliest_on"], problem["signed_on"]) == (
            "done_on", world.day(1).isoformat(), world.day(-2).isoformat())
        assert world.day(1).isoformat() in problem["detail"]
    assert await world.rows("SELECT id, status, due_at, done_at FROM follow_ups WHERE deal_id = :id ORDER BY id",
                            id=deal["id"]) == before
    assert await world.outbox_types() == outbox

    # Someone out of scope still learns nothing about it; on day 3 it is done.
    hidden = await client.post(f"/follow-ups/{planned[0]['id']}/done", headers=world.li.headers,
                               json={"outcome": "x"})
    assert hidden.status_code == 404, hidden.text
    world.clock.advance(timedelta(days=1))
    done = await client.post(f"/follow-ups/{planned[0]['id']}/done", headers=world.wang.headers,
                             json={"outcome": "installed and working"})
    assert done.status_code == 200, done.text
    assert (await events(world, "crm.followup.done.v1"))[0]["done_on"] == world.day(0).isoformat()


async def test_a_cancelled_deal_takes_its_after_sales_follow_ups_with_it(
        world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    deal = await won(world, client, lead)
    cancelled = await client.post(f"/deals/{deal['id']}/cancel", headers=world.manager.headers,
                                  json={"reason": "customer withdrew"})
    assert cancelled.status_code == 200, cancelled.text
    rows = await world.rows("SELECT status, cancel_reason FROM follow_ups WHERE deal_id = :id", id=deal["id"])
    assert [(r.status, r.cancel_reason) for r in rows] == [("cancelled", "the deal was cancelled")] * 2


async def test_two_deals_for_one_customer_at_once_make_exactly_one_new_customer(
        world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    customer_id = lead["customer"]["customer_id"]
    responses = await asyncio.gather(*(client.post("/deals", headers=world.wang.headers, json={
        "customer_id": customer_id, "amount": amount, "signed_on": world.day(0).isoformat()})
        for amount in ("100", "200")))
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    flags = sorted(e["new_customer"] for e in await events(world, "crm.deal.won.v1"))
    assert flags == [False, True]

    other = await world.owned_lead(world.wang, "13800000002")
    await won(world, client, other)
    assert (await events(world, "crm.deal.won.v1"))[-1]["new_customer"] is True
