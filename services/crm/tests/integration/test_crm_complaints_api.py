"""Complaints (C9) on the real database: recorded with the apology and its event, forwarded, escalated
by the sweep after 2 days to the answerable department's supervisor (once), answered, reopened by an
unsatisfied customer, closed with the timeliness appraisal needs, the monthly analysis, and scope."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from crm_world import Person, World

from shared.auth import Role
from shared.clock import shift_month


async def events(world: World, event_type: str) -> list[dict]:
    return [envelope["data"] for t, envelope in await world.outbox() if t == event_type]


async def complain(world: World, client: httpx.AsyncClient, lead: dict, by: Person, *, cause: str = "delivery",
                   expect: int = 201) -> dict:
    response = await client.post("/complaints", headers=by.headers, json={
        "lead_id": lead["id"], "cause": cause, "content": "the delivery came a week late",
        "apology": "apologised on the phone at once"})
    assert response.status_code == expect, response.text
    return response.json()


def recorded_month(world: World, complaint: dict) -> str:
    return world.clock.month_of(datetime.fromisoformat(complaint["recorded_at"]))


async def escalate(world: World, client: httpx.AsyncClient) -> list[str]:
    response = await client.post("/complaints/escalate", headers=world.admin.headers)
    assert response.status_code == 200, response.text
    return response.json()["escalated"]


async def test_a_complaint_from_recording_through_escalation_to_a_satisfied_close(
        world: World, client: httpx.AsyncClient) -> None:
    supervisor = await world.hire("Tang Yi", Role.SUPERVISOR, world.other_department)
    lead = await world.owned_lead(world.wang, "13800000001")
    complaint = await complain(world, client, lead, world.wang)
    assert (complaint["status"], complaint["rep_id"], complaint["apology"]) == (
        "open", str(world.wang.id), "apologised on the phone at once")
    [recorded] = await events(world, "crm.complaint.recorded.v1")
    assert (recorded["complaint_id"], recorded["cause"], recorded["rep_id"]) == (
        complaint["id"], "delivery", str(world.wang.id))

    forwarded = await client.post(f"/complaints/{complaint['id']}/forward", headers=world.east_leader.headers,
                                  json={"department_id": str(world.other_department)})
    assert forwarded.status_code == 200, forwarded.text
    assert forwarded.json()["status"] == "forwarded"
    # The answerable department's management now sees it; other departments' people do not.
    assert (await client.get(f"/complaints/{complaint['id']}", headers=world.other_manager.headers)).status_code == 200
    assert (await client.get(f"/complaints/{complaint['id']}", headers=world.zhou.headers)).status_code == 404

    world.clock.advance(timedelta(hours=47))
    assert await escalate(world, client) == []
    world.clock.advance(timedelta(hours=2))
    assert await escalate(world, client) == [complaint["id"]]
    assert await escalate(world, client) == []
    [escalated] = await events(world, "crm.complaint.escalated.v1")
    assert (escalated["escalated_to"], escalated["responsible_department_id"]) == (
        str(supervisor.id), str(world.other_department))

    answered = await client.post(f"/complaints/{complaint['id']}/resolve", headers=world.other_manager.headers,
                                 json={"resolution": "re-delivered with a discount"})
    assert answered.status_code == 200, answered.text
    reopened = await client.post(f"/complaints/{complaint['id']}/close", headers=world.east_leader.headers,
                                 json={"satisfaction": "unsatisfied"})
    assert (reopened.json()["status"], reopened.json()["reopened"]) == ("forwarded", 1)
    assert await events(world, "crm.complaint.closed.v1") == []
    await client.post(f"/complaints/{complaint['id']}/resolve", headers=world.other_manager.headers,
                      json={"resolution": "refund of the delivery fee"})
    closed = await client.post(f"/complaints/{complaint['id']}/close", headers=world.east_leader.headers,
                               json={"satisfaction": "satisfied"})
    assert closed.json()["status"] == "closed"
    [event] = await events(world, "crm.complaint.closed.v1")
    assert (event["satisfaction"], event["escalated"], event["on_time"], event["reopened"]) == (
        "satisfied", True, False, 1)
    assert event["hours_to_resolve"] == "49.00"

    analysis = await client.get(f"/complaints/analysis?month={recorded_month(world, complaint)}",
                                headers=world.manager.headers)
    assert analysis.status_code == 200, analysis.text
    body = analysis.json()
    assert (body["total"], body["by_cause"], body["escalated"], body["closed"]) == (1, {"delivery": 1}, 1, 1)
    assert (body["by_department"], body["average_hours_to_resolve"]) == ({str(world.other_department): 1}, "49.00")
    # The answerable department's manager sees it in theirs too; a month before has none.
    theirs = (await client.get(f"/complaints/analysis?month={recorded_month(world, complaint)}",
                               headers=world.other_manager.headers)).json()
    assert theirs["total"] == 1
    before = (await client.get(f"/complaints/analysis?month={shift_month(recorded_month(world, complaint), -1)}",
                               headers=world.manager.headers)).json()
    assert before["total"] == 0


async def test_an_answer_in_time_is_never_escalated_and_is_on_time(world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    complaint = await complain(world, client, lead, world.wang, cause="billing")
    world.clock.advance(timedelta(hours=5))
    await client.post(f"/complaints/{complaint['id']}/resolve", headers=world.east_leader.headers,
                      json={"resolution": "invoice corrected"})
    world.clock.advance(timedelta(days=3))
    assert await escalate(world, client) == []
    await client.post(f"/complaints/{complaint['id']}/close", headers=world.east_leader.headers,
                      json={"satisfaction": "neutral"})
    [event] = await events(world, "crm.complaint.closed.v1")
    assert (event["on_time"], event["escalated"], event["hours_to_resolve"]) == (True, False, "5.00")

    analysis = (await client.get(f"/complaints/analysis?month={recorded_month(world, complaint)}",
                                 headers=world.manager.headers)).json()
    assert (analysis["total"], analysis["by_cause"], analysis["average_hours_to_resolve"]) == (1, {"billing": 1},
                                                                                               "5.00")


async def test_bad_input_and_denials(world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    unknown = await complain(world, client, lead, world.wang, cause="weather", expect=422)
    assert unknown["errors"][0]["field"] == "cause"
    await complain(world, client, lead, world.li, expect=404)
    await complain(world, client, lead, world.finance, expect=403)
    no_apology = await client.post("/complaints", headers=world.wang.headers, json={
        "lead_id": lead["id"], "cause": "delivery", "content": "late"})
    assert no_apology.status_code == 422
    complaint = await complain(world, client, lead, world.wang)
    url = f"/complaints/{complaint['id']}"
    assert (await client.post(f"{url}/resolve", headers=world.wang.headers,
                              json={"resolution": "x"})).status_code == 403
    assert (await client.post(f"{url}/forward", headers=world.other_manager.headers,
                              json={"department_id": str(world.sales)})).status_code == 404
    nowhere = await client.post(f"{url}/forward", headers=world.manager.headers,
                                json={"department_id": "00000000-0000-0000-0000-000000000001"})
    assert nowhere.status_code == 422
    assert (await client.post(f"{url}/close", headers=world.manager.headers,
                              json={"satisfaction": "satisfied"})).status_code == 409
    assert (await client.get("/complaints", headers=world.li.headers)).json() == []
    assert len((await client.get("/complaints", headers=world.wang.headers)).json()) == 1
    assert (await client.get("/complaints/analysis?month=2026-13", headers=world.manager.headers)).status_code == 422
    assert (await client.get(f"/complaints/analysis?month={world.clock.month()}",
                             headers=world.wang.headers)).status_code == 403
    assert (await client.post("/complaints/escalate", headers=world.manager.headers)).status_code == 403
    assert len(await events(world, "crm.complaint.recorded.v1")) == 1
