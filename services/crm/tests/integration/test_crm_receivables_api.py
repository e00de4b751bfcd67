"""Refunds, cancellations, payment plans, costs and overdue receivables (C8) through the API, on the
real database: each change and its event in one transaction, refusals writing nothing, denials."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from crm_world import World


def day(world: World, days_from_today: int) -> str:
    return world.day(days_from_today).isoformat()


async def deal_for(world: World, client: httpx.AsyncClient, *, amount: str = "10000.00", units: int | None = 4,
                   signed: int = -60) -> dict:
    lead = await world.owned_lead(world.wang, "13812345678")
    body = {"lead_id": lead["id"], "amount": amount, "signed_on": day(world, signed),
            **({"units": units} if units is not None else {})}
    response = await client.post("/deals", json=body, headers=world.wang.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def pay(world: World, client: httpx.AsyncClient, deal: dict, amount: str, on: int = -30) -> dict:
    response = await client.post(f"/deals/{deal['id']}/payments", headers=world.finance.headers,
                                 json={"amount": amount, "received_on": day(world, on)})
    assert response.status_code == 201, response.text
    return response.json()


async def events(world: World, event_type: str) -> list[dict]:
    return [envelope["data"] for t, envelope in await world.outbox() if t == event_type]


async def xmin(world: World, sql: str, **params) -> set[str]:
    return {str(row.xmin) for row in await world.rows(sql, **params)}


async def test_a_deal_carries_its_units_on_the_event(world: World, client: httpx.AsyncClient) -> None:
    deal = await deal_for(world, client, units=4)
    assert (deal["units"], deal["status"]) == (4, "active")
    [won] = await events(world, "crm.deal.won.v1")
    assert won["units"] == 4
    refused = await client.post("/deals", headers=world.wang.headers, json={
        "customer_id": deal["customer_id"], "amount": "1", "signed_on": day(world, -1), "units": -1})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "units"


class TestRefunds:
    async def test_a_refund_gives_back_part_of_a_payment_and_is_announced_with_it(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        payment = await pay(world, client, deal, "4000.00")

        response = await client.post(f"/deals/{deal['id']}/refunds", headers=world.finance.headers, json={
            "payment_id": payment["id"], "amount": "1000.5", "reason": "two units returned damaged"})

        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["amount"], body["refunded_on"], body["deal"]["refunded"], body["deal"]["outstanding"]) == (
            "1000.50", day(world, 0), "1000.50", "7000.50")
        [refunded] = await events(world, "crm.payment.refunded.v1")
        assert (refunded["refund_id"], refunded["payment_id"], refunded["amount"], refunded["rep_id"],
                refunded["reason"], refunded["recorded_by"]) == (
            body["id"], payment["id"], "1000.50", str(world.wang.id), "two units returned damaged",
            str(world.finance.id))
        assert await xmin(world, "SELECT xmin FROM refunds") == await xmin(
            world, "SELECT xmin FROM outbox WHERE event_type = 'crm.payment.refunded.v1'")
        detail = (await client.get(f"/deals/{deal['id']}", headers=world.wang.headers)).json()
        assert [(p["amount"], p["refunded"]) for p in detail["payments"]] == [("4000.00", "1000.50")]
        assert [r["amount"] for r in detail["refunds"]] == ["1000.50"]

    async def test_more_than_the_payment_kept_or_no_reason_is_refused_and_writes_nothing(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        payment = await pay(world, client, deal, "4000.00")
        url = f"/deals/{deal['id']}/refunds"
        first = await client.post(url, headers=world.finance.headers,
                                  json={"payment_id": payment["id"], "amount": "1000", "reason": "partial"})
        assert first.status_code == 201
        before = await world.outbox_types()

        too_much = await client.post(url, headers=world.finance.headers,
                                     json={"payment_id": payment["id"], "amount": "3000.01", "reason": "all"})
        assert too_much.status_code == 409
        assert too_much.json()["refundable"] == "3000.00"
        no_reason = await client.post(url, headers=world.finance.headers,
                                      json={"payment_id": payment["id"], "amount": "1", "reason": "  "})
        assert no_reason.status_code == 422
        assert no_reason.json()["errors"][0]["field"] == "reason"
        before_received = await client.post(url, headers=world.finance.headers, json={
            "payment_id": payment["id"], "amount": "1", "reason": "x", "refunded_on": day(world, -31)})
        assert before_received.status_code == 422
        assert before_received.json()["errors"][0]["field"] == "refunded_on"
        unknown = await client.post(url, headers=world.finance.headers,
                                    json={"payment_id": deal["id"], "amount": "1", "reason": "x"})
        assert unknown.status_code == 404
        assert len(await world.rows("SELECT id FROM refunds")) == 1
        assert await world.outbox_types() == before

    async def test_only_finance_and_admins_refund(self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        payment = await pay(world, client, deal, "100.00")
        body = {"payment_id": payment["id"], "amount": "1", "reason": "x"}
        for person in (world.wang, world.east_leader, world.manager, world.director):
            response = await client.post(f"/deals/{deal['id']}/refunds", json=body, headers=person.headers)
            assert response.status_code == 403, person.name
        assert await world.rows("SELECT id FROM refunds") == []

    async def test_two_refunds_of_the_whole_payment_at_once_give_it_back_once(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        payment = await pay(world, client, deal, "500.00")
        body = {"payment_id": payment["id"], "amount": "500.00", "reason": "returned"}
        answers = await asyncio.gather(*(client.post(f"/deals/{deal['id']}/refunds", json=body,
                                                     headers=world.finance.headers) for _ in range(2)))
        assert sorted(answer.status_code for answer in answers) == [201, 409]
        assert len(await events(world, "crm.payment.refunded.v1")) == 1


class TestCancellation:
    async def test_the_department_manager_cancels_and_gives_the_collected_money_back(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        first = await pay(world, client, deal, "3000.00", on=-40)
        second = await pay(world, client, deal, "2000.00", on=-20)
        await client.post(f"/deals/{deal['id']}/refunds", headers=world.finance.headers,
                          json={"payment_id": first["id"], "amount": "500", "reason": "discount"})

        response = await client.post(f"/deals/{deal['id']}/cancel", headers=world.manager.headers,
                                     json={"reason": "customer withdrew", "refund_collected": True})

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["deal"]["status"], body["deal"]["outstanding"], body["deal"]["refunded"],
                body["deal"]["cancelled_on"]) == ("cancelled", "0.00", "5000.00", day(world, 0))
        assert sorted((r["payment_id"], r["amount"]) for r in body["refunds"]) == sorted(
            [(first["id"], "2500.00"), (second["id"], "2000.00")])
        [cancelled] = await events(world, "crm.deal.cancelled.v1")
        assert (cancelled["deal_id"], cancelled["units"], cancelled["amount"], cancelled["reason"],
                cancelled["collected"], cancelled["refunded"], cancelled["cancelled_by"]) == (
            deal["id"], 4, "10000.00", "customer withdrew", "4500.00", "500.00", str(world.manager.id))
        types = await world.outbox_types()
        assert types[-3:] == ["crm.deal.cancelled.v1", "crm.payment.refunded.v1", "crm.payment.refunded.v1"]
        assert len(await xmin(world, "SELECT xmin FROM outbox WHERE event_type = 'crm.deal.cancelled.v1' OR "
                                     "(event_type = 'crm.payment.refunded.v1' AND envelope->'data'->>'reason' = "
                                     "'customer withdrew')")) == 1

        listed = await client.get("/deals?status=cancelled", headers=world.manager.headers)
        assert [d["id"] for d in listed.json()["items"]] == [deal["id"]]
        assert (await client.get("/deals?status=active", headers=world.manager.headers)).json()["total"] == 0
        more = await client.post(f"/deals/{deal['id']}/payments", headers=world.finance.headers,
                                 json={"amount": "1", "received_on": day(world, 0)})
        assert more.status_code == 409
        again = await client.post(f"/deals/{deal['id']}/cancel", headers=world.finance.headers,
                                  json={"reason": "again"})
        assert again.status_code == 409
        assert len(await events(world, "crm.deal.cancelled.v1")) == 1

    async def test_without_refunding_the_money_stays_recorded_until_a_refund(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        payment = await pay(world, client, deal, "3000.00")
        response = await client.post(f"/deals/{deal['id']}/cancel", headers=world.finance.headers,
                                     json={"reason": "contract void"})
        assert response.status_code == 200, response.text
        assert (response.json()["refunds"], response.json()["deal"]["refunded"]) == ([], "0.00")
        later = await client.post(f"/deals/{deal['id']}/refunds", headers=world.finance.headers,
                                  json={"payment_id": payment["id"], "amount": "3000", "reason": "contract void"})
        assert later.status_code == 201, later.text

    async def test_who_may_cancel(self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client)
        url = f"/deals/{deal['id']}/cancel"
        for person in (world.wang, world.east_leader, world.assistant):
            assert (await client.post(url, json={"reason": "x"}, headers=person.headers)).status_code == 403
        assert (await client.post(url, json={"reason": "x"}, headers=world.other_manager.headers)).status_code == 404
        no_reason = await client.post(url, json={}, headers=world.finance.headers)
        assert no_reason.status_code == 422
        future = await client.post(url, json={"reason": "x", "cancelled_on": day(world, 1)},
                                   headers=world.finance.headers)
        assert future.status_code == 422
        assert (await world.rows("SELECT status FROM deals"))[0].status == "active"
        assert await events(world, "crm.deal.cancelled.v1") == []


class TestPlansAndOverdue:
    async def test_an_instalment_not_covered_by_its_due_date_is_listed_overdue(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client, amount="9000.00")
        plan = await client.put(f"/deals/{deal['id']}/plan", headers=world.finance.headers, json={"instalments": [
            {"due_on": day(world, -50), "amount": "3000"}, {"due_on": day(world, -10), "amount": "3000"},
            {"due_on": day(world, 20), "amount": "3000"}]})
        assert plan.status_code == 200, plan.text
        await pay(world, client, deal, "4000.00", on=-45)
        # Another deal whose past instalment was paid in full is never listed.
        paid_lead = await world.owned_lead(world.li, "13900000000")
        paid_deal = (await client.post("/deals", headers=world.li.headers, json={
            "lead_id": paid_lead["id"], "amount": "500.00", "signed_on": day(world, -40)})).json()
        assert (await client.put(f"/deals/{paid_deal['id']}/plan", headers=world.finance.headers, json={
            "instalments": [{"due_on": day(world, -30), "amount": "500.00"}]})).status_code == 200
        await pay(world, client, paid_deal, "500.00", on=-31)

        overdue = await client.get("/receivables/overdue", headers=world.manager.headers)
        assert overdue.status_code == 200
        body = overdue.json()
        assert [(i["deal_id"], i["seq"], i["paid"], i["outstanding"], i["days_overdue"]) for i in body["items"]] == [
            (deal["id"], 2, "1000.00", "2000.00", 10)]
        assert (body["total_outstanding"], body["as_of"]) == ("2000.00", day(world, 0))
        assert len((await client.get("/receivables/overdue", headers=world.wang.headers)).json()["items"]) == 1
        assert (await client.get("/receivables/overdue", headers=world.li.headers)).json()["items"] == []
        assert (await client.get("/receivables/overdue", headers=world.other_manager.headers)).json()["items"] == []

        world.clock.advance(timedelta(days=21))
        later = (await client.get("/receivables/overdue", headers=world.finance.headers)).json()
        assert [(i["seq"], i["days_overdue"]) for i in later["items"]] == [(2, 31), (3, 1)]

        await client.post(f"/deals/{deal['id']}/cancel", headers=world.finance.headers, json={"reason": "void"})
        assert (await client.get("/receivables/overdue", headers=world.finance.headers)).json()["items"] == []

    async def test_a_plan_that_does_not_add_up_is_refused_naming_the_field(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client, amount="1000.00")
        url = f"/deals/{deal['id']}/plan"
        short = await client.put(url, headers=world.finance.headers,
                                 json={"instalments": [{"due_on": day(world, 5), "amount": "999.99"}]})
        assert short.status_code == 422
        assert short.json()["errors"][0]["field"] == "instalments"
        backwards = await client.put(url, headers=world.finance.headers, json={"instalments": [
            {"due_on": day(world, 5), "amount": "500"}, {"due_on": day(world, 4), "amount": "500"}]})
        assert backwards.json()["errors"][0]["field"] == "instalments[1].due_on"
        assert (await client.put(url, headers=world.wang.headers, json={"instalments": [
            {"due_on": day(world, 5), "amount": "1000"}]})).status_code == 403
        assert (await client.put(url, headers=world.other_manager.headers, json={"instalments": [
            {"due_on": day(world, 5), "amount": "1000"}]})).status_code == 404
        assert await world.rows("SELECT seq FROM instalments") == []


class TestCost:
    async def test_finance_sets_the_cost_and_payroll_hears_the_new_profit(
            self, world: World, client: httpx.AsyncClient) -> None:
        deal = await deal_for(world, client, amount="10000.00")
        response = await client.put(f"/deals/{deal['id']}/cost", headers=world.finance.headers,
                                    json={"cost": "6500.5"})
        assert response.status_code == 200, response.text
        assert (response.json()["cost"], response.json()["profit"], response.json()["revision"]) == (
            "6500.50", "3499.50", 2)
        [cost_set] = await events(world, "crm.deal.cost_set.v1")
        assert (cost_set["cost"], cost_set["profit"], cost_set["previous_cost"], cost_set["revision"]) == (
            "6500.50", "3499.50", None, 2)
        assert (await client.put(f"/deals/{deal['id']}/cost", headers=world.wang.headers,
                                 json={"cost": "1"})).status_code == 403
        assert (await client.put(f"/deals/{deal['id']}/cost", headers=world.finance.headers,
                                 json={"cost": "-1"})).status_code == 422
        assert len(await events(world, "crm.deal.cost_set.v1")) == 1
