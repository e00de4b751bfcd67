"""README's "A day of a rep through the API", step by step through the crm API (the gateway only prefixes
``/api/crm``): if an example there stops being true, this fails."""

from __future__ import annotations

from datetime import timedelta

import httpx
from crm_world import World

from crm.domain.visits import Week


async def test_a_day_of_a_rep(world: World, client: httpx.AsyncClient) -> None:
    rep = world.wang.headers

    async def ok(response: httpx.Response, status: int = 200):
        assert response.status_code == status, response.text
        return response.json()

    # Morning: what is waiting.
    assert (await ok(await client.get("/leads?status=assigned", headers=rep)))["items"] == []
    for path in ("/follow-ups/overdue", "/pool/upcoming?days=2", "/projects/overdue-visits"):
        await ok(await client.get(path, headers=rep))

    # An own-prospecting lead is the rep's at once; contacted; the next step planned.
    lead = await ok(await client.post("/leads", headers=rep, json={
        "name": "Zhang San", "phone": "138 0013 8000", "company": "Sunrise Hotels", "source": "own_prospecting"}), 201)
    assert lead["owner_id"] == str(world.wang.id)
    customer = (await ok(await client.get(f"/leads/{lead['id']}", headers=rep)))["customer"]["customer_id"]
    await ok(await client.post(f"/leads/{lead['id']}/status", headers=rep, json={"status": "contacted"}))
    plan = await ok(await client.post(f"/leads/{lead['id']}/follow-ups", headers=rep, json={
        "due_at": (world.clock.now() + timedelta(days=2)).isoformat(), "method": "visit", "content": "site visit",
        "goal": "measure the lobby"}), 201)

    # The project: opened, visited, moved on and back (with a reason).
    project = await ok(await client.post("/projects", headers=rep, json={
        "lead_id": lead["id"], "name": "Sunrise lobby refit"}), 201)
    visited_at = world.clock.now() - timedelta(hours=1)
    await ok(await client.post("/visits", headers=rep, json={
        "customer_id": customer, "lead_id": lead["id"], "project_id": project["id"],
        "visited_at": visited_at.isoformat(), "place": "Sunrise Hotel, Nanjing Rd",
        "result": "measured the lobby, design brief agreed"}), 201)
    await ok(await client.post(f"/projects/{project['id']}/stage", headers=rep, json={"stage": "bidding"}))
    back = await ok(await client.post(f"/projects/{project['id']}/stage", headers=rep, json={
        "stage": "early_design", "reason": "the owner changed the brief"}))
    assert [h["to_stage"] for h in back["history"]] == ["early_design", "bidding", "early_design"]

    # The deal: the lead is won, its own plan goes, two after-sales follow-ups come.
    await ok(await client.post("/deals", headers=rep, json={
        "lead_id": lead["id"], "amount": "48000.00", "cost": "31000.00", "signed_on": world.day(0).isoformat()}), 201)
    plans = await ok(await client.get(f"/leads/{lead['id']}/follow-ups", headers=rep))
    assert [(f["id"] == plan["id"], f["kind"], f["status"]) for f in plans] == [
        (True, "plan", "cancelled"), (False, "after_sales", "planned"), (False, "after_sales", "planned")]
    world.clock.advance(timedelta(days=4))
    await ok(await client.post(f"/follow-ups/{plans[-2]['id']}/done", headers=rep, json={
        "outcome": "installed, customer satisfied"}))

    # Evening: the week's visits against the target.
    week = Week.of(world.clock.date_of(visited_at))
    listed = await ok(await client.get(f"/visits?from={week.first_day.isoformat()}", headers=rep))
    assert [v["project_id"] for v in listed] == [project["id"]]
    weekly = await ok(await client.get(f"/visits/weekly?week={week}", headers=rep))
    assert [(r["rep_id"], r["visits"], r["short_by"]) for r in weekly["reps"]] == [(str(world.wang.id), 1, 19)]
