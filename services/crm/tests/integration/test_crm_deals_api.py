"""Deals and payments (C8) through the API: DealWon and PaymentReceived written with the change,
profit, the rep's group from the directory, and the over-collection refusal that writes nothing."""

from __future__ import annotations

import httpx
from crm_world import World


def day(world: World, days_from_today: int) -> str:
    """A date as the API takes it, counted from the company's today on the test's clock."""
    return world.day(days_from_today).isoformat()


async def deal_for(world: World, client: httpx.AsyncClient, *, amount: str = "10000.00", cost: str | None = "6500.50",
                   by=None) -> dict:
    lead = await world.owned_lead(world.wang, "13812345678")
    body = {"lead_id": lead["id"], "amount": amount, "signed_on": day(world, -45), **({"cost": cost} if cost else {})}
    response = await client.post("/deals", json=body, headers=(by or world.wang).headers)
    assert response.status_code == 201, response.text
    return response.json()


class TestDeals:
    async def test_a_deal_wins_the_lead_and_announces_amount_profit_and_placement(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)

        assert (deal["amount"], deal["cost"], deal["profit"], deal["outstanding"]) == (
            "10000.00", "6500.50", "3499.50", "10000.00")
        assert (deal["rep_id"], deal["group_id"], deal["department_id"]) == (
            str(world.wang.id), str(world.east), str(world.sales))
        [won] = [e["data"] for t, e in await world.outbox() if t == "crm.deal.won.v1"]
        assert (won["deal_id"], won["amount"], won["profit"], won["rep_id"], won["group_id"]) == (
            deal["id"], "10000.00", "3499.50", str(world.wang.id), str(world.east))
        [lead] = await world.rows("SELECT status FROM leads WHERE id = :id", id=deal["lead_id"])
        assert lead.status == "won"

    async def test_without_a_cost_there_is_no_profit(self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client, cost=None)
        assert (deal["cost"], deal["profit"]) == (None, None)

    async def test_bad_amounts_are_422_naming_the_field(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13812345678")
        for amount in ("0", "-5", "10.001", "abc"):
            response = await client.post("/deals", headers=world.wang.headers,
                                         json={"lead_id": lead["id"], "amount": amount, "signed_on": day(world, -45)})
            assert response.status_code == 422, amount
            assert response.json()["errors"][0]["field"] == "amount"
        assert await world.rows("SELECT id FROM deals") == []

    async def test_a_rep_cannot_record_a_deal_on_another_reps_lead(self, world: World,
                                                                  client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.li, "13812345678")
        response = await client.post("/deals", headers=world.wang.headers,
                                     json={"lead_id": lead["id"], "amount": "100", "signed_on": day(world, -45)})
        assert response.status_code == 404

    async def test_a_deal_on_a_known_customer_defaults_to_its_owner(self, world: World,
                                                                   client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13812345678")
        response = await client.post("/deals", headers=world.manager.headers, json={
            "customer_id": lead["customer"]["customer_id"], "amount": "250.5", "signed_on": day(world, -45)})
        assert response.status_code == 201, response.text
        assert (response.json()["rep_id"], response.json()["lead_id"], response.json()["amount"]) == (
            str(world.wang.id), None, "250.50")


class TestPayments:
    async def test_payments_accumulate_up_to_the_amount_and_each_is_announced(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        url = f"/deals/{deal['id']}/payments"

        first = await client.post(url, json={"amount": "4000", "received_on": day(world, -28)},
                                  headers=world.finance.headers)
        assert first.status_code == 201, first.text
        assert first.json()["deal"]["outstanding"] == "6000.00"
        second = await client.post(url, json={"amount": "6000.00", "received_on": day(world, 0)},
                                   headers=world.manager.headers)
        assert second.status_code == 201, second.text

        received = [e["data"] for t, e in await world.outbox() if t == "crm.payment.received.v1"]
        assert [(p["amount"], p["rep_id"], p["group_id"]) for p in received] == [
            ("4000.00", str(world.wang.id), str(world.east)), ("6000.00", str(world.wang.id), str(world.east))]
        detail = (await client.get(f"/deals/{deal['id']}", headers=world.wang.headers)).json()
        assert (detail["collected"], detail["outstanding"]) == ("10000.00", "0.00")
        assert [p["amount"] for p in detail["payments"]] == ["4000.00", "6000.00"]

    async def test_a_payment_above_the_outstanding_amount_is_refused_and_writes_nothing(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        url = f"/deals/{deal['id']}/payments"
        await client.post(url, json={"amount": "9000", "received_on": day(world, -28)}, headers=world.finance.headers)
        outbox_before = await world.outbox_types()

        refused = await client.post(url, json={"amount": "1000.01", "received_on": day(world, -27)},
                                    headers=world.finance.headers)

        assert refused.status_code == 409
        assert refused.json()["outstanding"] == "1000.00"
        assert "1000.00" in refused.json()["detail"]
        assert len(await world.rows("SELECT id FROM payments")) == 1
        assert await world.outbox_types() == outbox_before

    async def test_the_seller_does_not_book_collections_and_strangers_do_not_see_the_deal(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        url = f"/deals/{deal['id']}/payments"
        body = {"amount": "1", "received_on": day(world, -28)}
        assert (await client.post(url, json=body, headers=world.wang.headers)).status_code == 403
        assert (await client.post(url, json=body, headers=world.other_manager.headers)).status_code == 404
        assert (await client.get(f"/deals/{deal['id']}", headers=world.li.headers)).status_code == 404
        assert (await client.get("/deals", headers=world.li.headers)).json()["total"] == 0
        assert (await client.get("/deals", headers=world.east_leader.headers)).json()["total"] == 1
        assert await world.rows("SELECT id FROM payments") == []


async def xmin(world: World, sql: str, **params) -> set[str]:
    return {str(row.xmin) for row in await world.rows(sql, **params)}


async def test_each_event_is_written_in_the_transaction_of_its_change(world: World,
                                                                      client: httpx.AsyncClient) -> None:
    # xmin is the id of the transaction that wrote a row version: equal ids, one transaction.
    deal = await deal_for(world, client)
    paid = await client.post(f"/deals/{deal['id']}/payments", json={"amount": "1", "received_on": day(world, -28)},
                             headers=world.finance.headers)
    assert paid.status_code == 201

    lead_id = deal["lead_id"]
    assigned = await xmin(world, "SELECT xmin FROM lead_assignments WHERE lead_id = :id AND level = 'rep'", id=lead_id)
    assert assigned == await xmin(
        world, "SELECT xmin FROM outbox WHERE event_type = 'crm.lead.assigned.v1' AND envelope->'data'->>'level' = "
               "'rep' AND envelope->>'subject' = :id", id=lead_id)
    assert await xmin(world, "SELECT xmin FROM deals") == await xmin(
        world, "SELECT xmin FROM outbox WHERE event_type = 'crm.deal.won.v1'") == await xmin(
        world, "SELECT xmin FROM leads WHERE id = :id", id=lead_id)
    assert await xmin(world, "SELECT xmin FROM payments") == await xmin(
        world, "SELECT xmin FROM outbox WHERE event_type = 'crm.payment.received.v1'")
    assert len(await xmin(world, "SELECT xmin FROM outbox")) == 5, (
        "created, to group, to rep, won, paid: five transactions")
