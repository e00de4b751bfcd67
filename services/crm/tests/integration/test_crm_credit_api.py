"""Customer credit (C11) on the real database: rate and flag with a reason and a logged history, the
flagged list by scope, a deal for a flagged customer recorded with a warning, refusals and denials."""

from __future__ import annotations

import httpx
from crm_world import World


async def test_flag_list_warn_and_clear(world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    customer = lead["customer"]["customer_id"]
    url = f"/customers/{customer}/credit"

    rated = await client.put(url, headers=world.east_leader.headers, json={"rating": "C", "reason": "pays late"})
    assert rated.status_code == 200, rated.text
    flagged = await client.put(url, headers=world.finance.headers,
                               json={"flag": "bad_credit", "reason": "two invoices 90 days overdue"})
    assert (flagged.json()["rating"], flagged.json()["flag"], flagged.json()["reason"]) == (
        "C", "bad_credit", "two invoices 90 days overdue")
    assert [(h["rating"], h["flag"]) for h in flagged.json()["history"]] == [("C", None), ("C", "bad_credit")]

    for person, expected in ((world.manager, [customer]), (world.wang, [customer]), (world.li, []),
                             (world.other_manager, [])):
        listed = await client.get("/customers/flagged", headers=person.headers)
        assert [item["customer_id"] for item in listed.json()] == expected, person.name

    deal = await client.post("/deals", headers=world.wang.headers, json={
        "lead_id": lead["id"], "amount": "100", "signed_on": world.day(0).isoformat()})
    assert deal.status_code == 201, deal.text
    assert deal.json()["warnings"] == ["the customer is flagged bad_credit: two invoices 90 days overdue"]

    cleared = await client.put(url, headers=world.finance.headers, json={"clear_flag": True, "reason": "paid"})
    assert cleared.json()["flag"] is None
    assert (await client.get("/customers/flagged", headers=world.manager.headers)).json() == []


async def test_refusals_and_denials(world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000001")
    url = f"/customers/{lead['customer']['customer_id']}/credit"
    for body, field in (({"rating": "Z", "reason": "x"}, "rating"), ({"flag": "rich", "reason": "x"}, "flag"),
                        ({"rating": "A"}, "reason"), ({"flag": "abnormal", "clear_flag": True, "reason": "x"}, "flag")):
        response = await client.put(url, headers=world.manager.headers, json=body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field
    assert (await client.put(url, headers=world.wang.headers, json={"rating": "A", "reason": "x"})).status_code == 403
    assert (await client.put(url, headers=world.other_manager.headers,
                             json={"rating": "A", "reason": "x"})).status_code == 404
    assert (await client.get(url, headers=world.li.headers)).status_code == 404
    await client.put(url, headers=world.manager.headers, json={"rating": "A", "reason": "x"})
    same = await client.put(url, headers=world.manager.headers, json={"rating": "A", "reason": "y"})
    assert same.status_code == 409
    assert len(await world.rows("SELECT id FROM customer_credit_log")) == 1
    deal = await client.post("/deals", headers=world.wang.headers, json={
        "lead_id": lead["id"], "amount": "100", "signed_on": world.day(0).isoformat()})
    assert deal.json()["warnings"] == []
