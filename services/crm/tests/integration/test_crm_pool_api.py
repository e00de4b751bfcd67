"""A lead's life and the pool (C2, C5) on the real database: stages with reasons, reclaim on the
schedule's sweep with the clock moved, the former holder's cool-down, first-come claims under
concurrency, the caps, leads of a rep who leaves or moves, and every move logged with its event."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
import pytest
from crm_world import Person, World

from crm.config import MIGRATIONS_DIR, CrmSettings
from crm.entrypoints.consumers import CONSUMERS
from shared.events import CloudEvent, Event
from shared.events.org import EmployeeLeft, EmployeeTransferred


@pytest.fixture
def crm_settings(service_settings) -> CrmSettings:
    # High-intent leads get longer before the pool takes them: the per-level periods run in SQL too.
    return service_settings(CrmSettings, "crm", MIGRATIONS_DIR, rep_open_lead_cap=3,
                            pool_rules_by_intent={"high": {"no_follow_up_days": 14, "no_deal_days": 60}})


async def events(world: World, event_type: str) -> list[dict]:
    return [envelope["data"] for t, envelope in await world.outbox() if t == event_type]


async def status(client: httpx.AsyncClient, lead: dict, by: Person, to: str, reason: str | None = None
                 ) -> httpx.Response:
    return await client.post(f"/leads/{lead['id']}/status", headers=by.headers,
                             json={"status": to, **({"reason": reason} if reason else {})})


async def reclaim(world: World, client: httpx.AsyncClient) -> list[str]:
    response = await client.post("/pool/reclaim", headers=world.admin.headers)
    assert response.status_code == 200, response.text
    return response.json()["returned"]


async def from_org(world: World, event: Event) -> None:
    """Through crm's own consumer table, as the runner would deliver it."""
    [spec] = [spec for spec in CONSUMERS if spec.name == "crm-directory"]
    async with world.runtime.uow_factory() as uow:
        await spec.handlers[event.event_type](CloudEvent.wrap(event, source="/org"), uow, world.runtime.bus)
        await uow.commit()


class TestStages:
    async def test_the_holder_moves_a_lead_forward_back_with_a_reason_and_loses_it_with_one(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        for to in ("contacted", "intent", "negotiating"):
            response = await status(client, lead, world.wang, to)
            assert response.status_code == 200, response.text
            assert response.json()["status"] == to
        back = await status(client, lead, world.wang, "contacted")
        assert back.status_code == 422
        assert back.json()["errors"][0]["field"] == "reason"
        assert (await status(client, lead, world.wang, "contacted", "budget frozen")).status_code == 200
        assert (await status(client, lead, world.wang, "lost")).status_code == 422
        lost = await status(client, lead, world.wang, "lost", "bought from a competitor")
        assert (lost.json()["status"], lost.json()["lost_reason"]) == ("lost", "bought from a competitor")
        assert (await status(client, lead, world.wang, "intent")).status_code == 409

        moves = (await client.get(f"/leads/{lead['id']}/moves", headers=world.wang.headers)).json()
        assert [(m["from_status"], m["to_status"], m["reason"]) for m in moves] == [
            ("assigned", "contacted", None), ("contacted", "intent", None), ("intent", "negotiating", None),
            ("negotiating", "contacted", "budget frozen"), ("contacted", "lost", "bought from a competitor")]
        changed = await events(world, "crm.lead.status_changed.v1")
        assert [(e["from_status"], e["to_status"]) for e in changed][-1] == ("contacted", "lost")
        assert len(changed) == 5

    async def test_another_rep_cannot_move_or_read_the_log(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        assert (await status(client, lead, world.li, "contacted")).status_code == 404
        assert (await client.get(f"/leads/{lead['id']}/moves", headers=world.li.headers)).status_code == 404
        assert (await client.post(f"/leads/{lead['id']}/release", json={"reason": "x"},
                                  headers=world.li.headers)).status_code == 404
        assert (await status(client, lead, world.east_leader, "contacted")).status_code == 200

    async def test_the_holder_keeps_the_archive_current_and_the_intent_level_picks_the_pool_periods(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        url = f"/leads/{lead['id']}"
        updated = await client.patch(url, headers=world.wang.headers,
                                     json={"intent_level": "High", "needs": "20 units, delivery in March"})
        assert updated.status_code == 200, updated.text
        assert (updated.json()["intent_level"], updated.json()["needs"]) == ("high", "20 units, delivery in March")
        unknown = await client.patch(url, headers=world.wang.headers, json={"intent_level": "burning"})
        assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "intent_level")
        assert (await client.patch(url, headers=world.wang.headers, json={})).status_code == 422
        assert (await client.patch(url, headers=world.li.headers, json={"needs": "x"})).status_code == 404
        cleared = await client.patch(url, headers=world.east_leader.headers, json={"intent_level": ""})
        assert (cleared.json()["intent_level"], cleared.json()["needs"]) == (None, "20 units, delivery in March")

    async def test_a_deal_on_the_lead_is_its_last_move(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        await status(client, lead, world.wang, "negotiating")
        deal = await client.post("/deals", headers=world.wang.headers, json={
            "lead_id": lead["id"], "amount": "100", "signed_on": world.day(0).isoformat()})
        moves = (await client.get(f"/leads/{lead['id']}/moves", headers=world.wang.headers)).json()
        assert [(m["from_status"], m["to_status"], m["reason"]) for m in moves][-1] == (
            "negotiating", "won", f"deal {deal.json()['id']}")
        assert (await status(client, lead, world.wang, "intent")).status_code == 409


class TestReclaim:
    async def test_a_lead_nobody_followed_up_returns_on_the_sweep_and_its_holder_cannot_claim_it_back(
            self, world: World, client: httpx.AsyncClient) -> None:
        idle = await world.owned_lead(world.wang, "13800000001")
        worked = await world.owned_lead(world.wang, "13800000002")
        world.clock.advance(timedelta(days=5))
        assert (await status(client, worked, world.wang, "contacted")).status_code == 200

        upcoming = (await client.get("/pool/upcoming?days=3", headers=world.wang.headers)).json()
        assert [(item["lead"]["id"], item["rule"]) for item in upcoming] == [(idle["id"], "no_follow_up")]
        assert (await client.get("/pool/upcoming?days=3", headers=world.li.headers)).json() == []

        world.clock.advance(timedelta(days=3))
        assert await reclaim(world, client) == [idle["id"]]
        assert await reclaim(world, client) == []

        [returned] = await events(world, "crm.lead.returned_to_pool.v1")
        assert (returned["lead_id"], returned["previous_owner_id"], returned["cause"], returned["returned_by"]) == (
            idle["id"], str(world.wang.id), "no_follow_up", None)
        [row] = await world.rows("SELECT status, owner_id FROM leads WHERE id = :id", id=idle["id"])
        assert (row.status, row.owner_id) == ("in_group", None)

        refused = await client.post(f"/leads/{idle['id']}/claim", headers=world.wang.headers)
        assert refused.status_code == 409
        assert "cooldown_until" in refused.json()
        claimed = await client.post(f"/leads/{idle['id']}/claim", headers=world.li.headers)
        assert claimed.status_code == 200, claimed.text
        assert (claimed.json()["owner_id"], claimed.json()["status"]) == (str(world.li.id), "assigned")
        [event] = await events(world, "crm.lead.claimed.v1")
        assert (event["rep_id"], event["previous_owner_id"]) == (str(world.li.id), str(world.wang.id))
        assigned = (await events(world, "crm.lead.assigned.v1"))[-1]
        assert (assigned["strategy"], assigned["rep_id"]) == ("pool_claim", str(world.li.id))
        moves = (await client.get(f"/leads/{idle['id']}/moves", headers=world.east_leader.headers)).json()
        assert [(m["kind"], m["previous_owner_id"], m["owner_id"]) for m in moves] == [
            ("returned", str(world.wang.id), None), ("claimed", str(world.wang.id), str(world.li.id))]

        # The worked lead: followed up on day 5, due on day 12 — not before.
        assert await reclaim(world, client) == []
        world.clock.advance(timedelta(days=4))
        assert await reclaim(world, client) == [worked["id"]]

    async def test_the_intent_level_sets_the_periods(self, world: World, client: httpx.AsyncClient) -> None:
        high = await world.owned_lead(world.wang, "13800000001")
        plain = await world.owned_lead(world.wang, "13800000002")
        assert (await client.patch(f"/leads/{high['id']}", headers=world.wang.headers,
                                   json={"intent_level": "high"})).status_code == 200
        upcoming = (await client.get("/pool/upcoming?days=30", headers=world.wang.headers)).json()
        period = {item["lead"]["id"]: datetime.fromisoformat(item["due_at"])
                  - datetime.fromisoformat(item["lead"]["assigned_at"]) for item in upcoming}
        assert period == {high["id"]: timedelta(days=14), plain["id"]: timedelta(days=7)}
        world.clock.advance(timedelta(days=8))
        assert await reclaim(world, client) == [plain["id"]]
        world.clock.advance(timedelta(days=6))
        assert await reclaim(world, client) == [high["id"]]

    async def test_no_deal_within_m_days_returns_a_lead_followed_up_all_along(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        steps = [(6, "contacted", None), (6, "intent", None), (6, "negotiating", None), (6, "intent", "stalled"),
                 (5, "negotiating", None)]
        for days, to, reason in steps:  # followed up every few days, until day 29
            world.clock.advance(timedelta(days=days))
            response = await status(client, lead, world.wang, to, reason)
            assert response.status_code == 200, response.text
            assert await reclaim(world, client) == []
        world.clock.advance(timedelta(days=2))  # day 31 since getting it, 2 days after the last follow-up
        assert await reclaim(world, client) == [lead["id"]]
        [returned] = await events(world, "crm.lead.returned_to_pool.v1")
        assert returned["cause"] == "no_deal"

    async def test_only_admins_run_the_sweep_by_hand(self, world: World, client: httpx.AsyncClient) -> None:
        assert (await client.post("/pool/reclaim", headers=world.manager.headers)).status_code == 403


class TestClaims:
    async def test_two_reps_claiming_the_same_lead_at_once_one_wins(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.lead(world.manager, phone="13800000001")
        await world.to_group(lead, world.east)
        answers = await asyncio.gather(*(client.post(f"/leads/{lead['id']}/claim", headers=rep.headers)
                                         for rep in (world.li, world.sun)))
        assert sorted(answer.status_code for answer in answers) == [200, 409]
        assert len(await events(world, "crm.lead.claimed.v1")) == 1
        [row] = await world.rows("SELECT owner_id FROM leads WHERE id = :id", id=lead["id"])
        winner = next(answer for answer in answers if answer.status_code == 200).json()["owner_id"]
        assert str(row.owner_id) == winner

    async def test_the_pool_is_its_groups_and_the_open_lead_cap_holds(
            self, world: World, client: httpx.AsyncClient) -> None:
        pooled = await world.lead(world.manager, phone="13800000009")
        await world.to_group(pooled, world.east)
        pool = await client.get(f"/groups/{world.east}/pool", headers=world.li.headers)
        assert pool.status_code == 200
        assert [item["id"] for item in pool.json()["items"]] == [pooled["id"]]
        assert pool.json()["items"][0]["customer"]["masked"] is True
        for outsider in (world.zhou, world.west_leader, world.other_manager):
            assert (await client.get(f"/groups/{world.east}/pool", headers=outsider.headers)).status_code == 404
        assert (await client.get(f"/groups/{world.east}/pool", headers=world.east_leader.headers)).status_code == 200
        assert (await client.post(f"/leads/{pooled['id']}/claim", headers=world.zhou.headers)).status_code == 404
        assert (await client.post(f"/leads/{pooled['id']}/claim",
                                  headers=world.east_leader.headers)).status_code == 403

        for n in range(3):  # the cap in these tests is 3
            await world.owned_lead(world.li, f"1380000001{n}")
        full = await client.post(f"/leads/{pooled['id']}/claim", headers=world.li.headers)
        assert full.status_code == 409
        assert full.json()["cap"] == 3
        assert await events(world, "crm.lead.claimed.v1") == []

    async def test_the_holder_releases_with_a_reason(self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        assert (await client.post(f"/leads/{lead['id']}/release", json={"reason": " "},
                                  headers=world.wang.headers)).status_code == 422
        released = await client.post(f"/leads/{lead['id']}/release", json={"reason": "wrong region"},
                                     headers=world.wang.headers)
        assert released.status_code == 200, released.text
        assert (released.json()["status"], released.json()["owner_id"], released.json()["customer"]["masked"]) == (
            "in_group", None, True)
        # No longer the holder's: out of their scope once back in the pool.
        assert (await client.get(f"/leads/{lead['id']}", headers=world.wang.headers)).status_code == 404
        [event] = await events(world, "crm.lead.returned_to_pool.v1")
        assert (event["cause"], event["reason"], event["returned_by"]) == ("released", "wrong region",
                                                                           str(world.wang.id))


class TestLeavers:
    async def test_a_rep_who_leaves_keeps_nothing_and_a_redelivery_changes_nothing(
            self, world: World, client: httpx.AsyncClient) -> None:
        first = await world.owned_lead(world.wang, "13800000001")
        second = await world.owned_lead(world.wang, "13800000002")
        kept = await world.owned_lead(world.li, "13800000003")
        left = EmployeeLeft(employee_id=world.wang.id, left_on=world.day(0), department_id=world.sales,
                            group_id=world.east)

        await from_org(world, left)
        await from_org(world, left)

        returned = await events(world, "crm.lead.returned_to_pool.v1")
        assert sorted((e["lead_id"], e["cause"]) for e in returned) == sorted(
            [(first["id"], "owner_left"), (second["id"], "owner_left")])
        rows = await world.rows("SELECT id, status, owner_id FROM leads ORDER BY created_at")
        assert [(str(r.id), r.status, r.owner_id) for r in rows] == [
            (first["id"], "in_group", None), (second["id"], "in_group", None), (kept["id"], "assigned", world.li.id)]

    async def test_a_rep_moving_to_another_group_gives_back_the_old_groups_leads(
            self, world: World, client: httpx.AsyncClient) -> None:
        lead = await world.owned_lead(world.wang, "13800000001")
        await from_org(world, EmployeeTransferred(
            employee_id=world.wang.id, effective_date=world.day(0), from_department_id=world.sales,
            to_department_id=world.sales, from_group_id=world.east, to_group_id=world.west, from_role="sales_rep",
            to_role="sales_rep"))
        [event] = await events(world, "crm.lead.returned_to_pool.v1")
        assert (event["lead_id"], event["cause"], event["group_id"]) == (lead["id"], "owner_transferred",
                                                                         str(world.east))

    async def test_a_late_stale_transfer_does_not_take_the_leads_of_a_rep_back_in_the_group(
            self, world: World, client: httpx.AsyncClient) -> None:
        await from_org(world, EmployeeTransferred(
            employee_id=world.wang.id, effective_date=world.day(-10), from_department_id=world.sales,
            to_department_id=world.sales, from_group_id=world.east, to_group_id=world.west, from_role="sales_rep",
            to_role="sales_rep"))
        await from_org(world, EmployeeTransferred(
            employee_id=world.wang.id, effective_date=world.day(-2), from_department_id=world.sales,
            to_department_id=world.sales, from_group_id=world.west, to_group_id=world.east, from_role="sales_rep",
            to_role="sales_rep"))
        lead = await world.owned_lead(world.wang, "13800000001")
        # The first transfer, published again (a new envelope, so the inbox does not know it), arrives late.
        await from_org(world, EmployeeTransferred(
            employee_id=world.wang.id, effective_date=world.day(-10), from_department_id=world.sales,
            to_department_id=world.sales, from_group_id=world.east, to_group_id=world.west, from_role="sales_rep",
            to_role="sales_rep"))
        assert await events(world, "crm.lead.returned_to_pool.v1") == []
        [row] = await world.rows("SELECT owner_id FROM leads WHERE id = :id", id=lead["id"])
        assert row.owner_id == world.wang.id
