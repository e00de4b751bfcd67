"""A customer's request not to be called (T6) on the real database: recorded on a lead by whoever
sees it, once per customer, and announced as crm.customer.do_not_call_requested.v1 carrying the
number's keyed digest, never the number; denials for those who do not see the lead or work leads."""

from __future__ import annotations

import json

import httpx
from crm_world import World

from shared.phones import phone_digest

EVENT = "crm.customer.do_not_call_requested.v1"


async def test_the_rep_records_it_once_and_the_event_names_the_number_by_its_digest(
        world: World, client: httpx.AsyncClient, crm_settings) -> None:
    lead = await world.owned_lead(world.wang, "+86 138-0000-0001")
    url = f"/leads/{lead['id']}/do-not-call"
    assert (await client.get(url, headers=world.wang.headers)).status_code == 404

    recorded = await client.post(url, headers=world.wang.headers, json={"note": "asked on the phone, 3 Dec"})
    assert recorded.status_code == 201, recorded.text
    assert (recorded.json()["customer_id"], recorded.json()["requested_by"]) == (
        lead["customer"]["customer_id"], str(world.wang.id))

    again = await client.post(url, headers=world.east_leader.headers, json={})
    assert again.status_code == 200, again.text
    assert again.json()["requested_by"] == str(world.wang.id), "the first request stands"
    assert (await client.get(url, headers=world.manager.headers)).json()["note"] == "asked on the phone, 3 Dec"

    [(_, envelope)] = [(t, e) for t, e in await world.outbox() if t == EVENT]
    data = envelope["data"]
    assert data["customer_id"] == lead["customer"]["customer_id"] and data["lead_id"] == lead["id"]
    assert data["phone_digest"] == phone_digest("13800000001", crm_settings.phone_digest_key)
    assert "13800000001" not in json.dumps(envelope) and "0001" not in json.dumps(data), "no number travels"


async def test_denials_and_a_customer_without_a_phone(world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000002")
    url = f"/leads/{lead['id']}/do-not-call"
    for person in (world.li, world.zhou, world.west_leader, world.other_manager):
        assert (await client.post(url, headers=person.headers, json={})).status_code == 404, person.name
    for person in (world.finance, world.hr):
        assert (await client.post(url, headers=person.headers, json={})).status_code == 403, person.name
    bad = await client.post(url, headers=world.wang.headers, json={"note": "x", "colour": "blue"})
    assert bad.status_code == 422

    by_mail = await world.lead(world.manager, email="no-phone@example.com")
    await world.to_group(by_mail, world.east)
    mailed = await client.post(f"/leads/{by_mail['id']}/do-not-call", headers=world.manager.headers, json={})
    assert mailed.status_code == 409, mailed.text
    assert "no phone number" in mailed.json()["detail"]
    assert EVENT not in await world.outbox_types()
    assert await world.rows("SELECT customer_id FROM customer_do_not_call") == []


async def test_a_merge_keeps_both_customers_requests(world: World, client: httpx.AsyncClient) -> None:
    kept = await world.owned_lead(world.wang, "13800000003")
    dropped = await world.owned_lead(world.wang, "13800000004")
    for lead in (kept, dropped):
        recorded = await client.post(f"/leads/{lead['id']}/do-not-call", headers=world.wang.headers, json={})
        assert recorded.status_code == 201, recorded.text
    keep_id, drop_id = kept["customer"]["customer_id"], dropped["customer"]["customer_id"]

    merged = await client.post(f"/customers/{keep_id}/merge", headers=world.manager.headers,
                               json={"other_id": drop_id})
    assert merged.status_code == 200, merged.text
    rows = await world.rows("SELECT customer_id, phone_digest FROM customer_do_not_call")
    assert {str(row.customer_id) for row in rows} == {keep_id} and len(rows) == 2
    assert (await client.get(f"/leads/{kept['id']}/do-not-call", headers=world.wang.headers)).status_code == 200
