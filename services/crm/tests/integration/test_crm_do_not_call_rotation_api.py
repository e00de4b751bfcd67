"""Rotating the phone-digest key (T6, C10) on the real database: requests recorded under key A,
crm switched to key B with A as its previous key, POST /do-not-call/announce-again (admin only)
announces each request again under B (rows stored, events in the outbox naming the A digest they
replace), a second run doubles nothing, a merged-in number crm no longer holds is not carried over,
and a request recorded between the switches is announced under both keys."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from crm_world import World
from sqlalchemy import text

from crm.config import CrmSettings
from crm.entrypoints.api.app import create_app
from devstack.pytest_plugin import asgi_client
from shared.clock import FixedClock
from shared.phones import phone_digest

EVENT = "crm.customer.do_not_call_requested.v1"
KEY_B = "key-b-" + "b" * 40
URL = "/do-not-call/announce-again"


@asynccontextmanager
async def crm_on(settings: CrmSettings, clock: FixedClock, **changes) -> AsyncIterator[httpx.AsyncClient]:
    """crm restarted with other settings, on the same database."""
    async with asgi_client(create_app(settings.model_copy(update=changes), clock=clock)) as client:
        yield client


async def execute(world: World, sql: str, **params) -> None:
    async with world.runtime.engine.begin() as connection:
        await connection.execute(text(sql), params)


async def announcements(world: World) -> list[dict]:
    return [envelope["data"] for event_type, envelope in await world.outbox() if event_type == EVENT]


async def test_requests_under_the_old_key_are_announced_again_under_the_new_one_once(
        world: World, client: httpx.AsyncClient, crm_settings: CrmSettings, clock: FixedClock) -> None:
    key_a = crm_settings.phone_digest_key
    asked = await world.owned_lead(world.wang, "13800000011")
    kept = await world.owned_lead(world.wang, "13800000012")
    dropped = await world.owned_lead(world.wang, "13800000013")
    for lead in (asked, kept, dropped):
        assert (await client.post(f"/leads/{lead['id']}/do-not-call", headers=world.wang.headers,
                                  json={"note": "asked"})).status_code == 201
    # The kept record takes the dropped one's number: its own survives only in the merge's audit.
    merged = await client.post(f"/customers/{kept['customer']['customer_id']}/merge", headers=world.manager.headers,
                               json={"other_id": dropped["customer"]["customer_id"], "take": ["phone"]})
    assert merged.status_code == 200, merged.text
    before = await announcements(world)
    assert len(before) == 3
    # A digest under a key crm is not given (say, a key rotated away from long ago).
    await execute(world, "INSERT INTO customer_do_not_call (customer_id, phone_digest, requested_by, requested_at) "
                        "VALUES (:customer, :digest, :by, now())", customer=asked["customer"]["customer_id"],
                        digest=phone_digest("13800000011", "a-key-long-gone-" + "g" * 32), by=world.wang.id)

    # Page size 1: every request is its own transaction, and the walk still sees each once.
    async with crm_on(crm_settings, clock, phone_digest_key=KEY_B, phone_digest_previous_keys=[key_a],
                      do_not_call_reannounce_page_size=1) as crm_b:
        for person in (world.manager, world.wang, world.director, world.hr):
            denied = await crm_b.post(URL, headers=person.headers)
            assert denied.status_code == 403, (person.name, denied.text)
        assert len(await announcements(world)) == 3

        done = await crm_b.post(URL, headers=world.admin.headers)
        assert done.status_code == 200, done.text
        assert done.json() == {"announced": 3, "already_current": 0, "other_number": 1, "without_phone": 0,
                               "pages": 8}
        again = (await announcements(world))[3:]
        # Each request keeps its number: the kept customer's own, held only by the merge record, included.
        assert {(event["customer_id"], event["phone_digest"], event["replaces_digest"]) for event in again} == {
            (customer_id, phone_digest(number, KEY_B), phone_digest(number, key_a))
            for customer_id, number in ((asked["customer"]["customer_id"], "13800000011"),
                                        (kept["customer"]["customer_id"], "13800000012"),
                                        (kept["customer"]["customer_id"], "13800000013"))}
        original = next(event for event in before if event["customer_id"] == asked["customer"]["customer_id"])
        renamed = next(event for event in again if event["customer_id"] == asked["customer"]["customer_id"])
        assert {name: renamed[name] for name in ("lead_id", "requested_by", "requested_at")} == {
            name: original[name] for name in ("lead_id", "requested_by", "requested_at")}, "the same request"
        assert len(await world.rows("SELECT 1 FROM customer_do_not_call WHERE phone_digest = :digest",
                                    digest=phone_digest("13800000011", KEY_B))) == 1

        rerun = await crm_b.post(URL, headers=world.admin.headers)
        assert rerun.status_code == 200, rerun.text
        assert (rerun.json()["announced"], rerun.json()["already_current"], rerun.json()["other_number"]) == (0, 6, 1)
        assert len(await announcements(world)) == 6, "a second run announces nothing"
        assert len(await world.rows("SELECT 1 FROM customer_do_not_call")) == 7

        # Read and recorded under B, the request stands as it was.
        shown = await crm_b.get(f"/leads/{asked['id']}/do-not-call", headers=world.wang.headers)
        assert shown.status_code == 200 and shown.json()["note"] == "asked"
        assert (await crm_b.post(f"/leads/{asked['id']}/do-not-call", headers=world.wang.headers,
                                 json={})).status_code == 200
        assert len(await announcements(world)) == 6


async def test_between_the_switches_a_new_request_is_heard_under_both_keys(
        world: World, client: httpx.AsyncClient, crm_settings: CrmSettings, clock: FixedClock) -> None:
    key_a = crm_settings.phone_digest_key
    lead = await world.owned_lead(world.wang, "13800000021")
    async with crm_on(crm_settings, clock, phone_digest_key=KEY_B, phone_digest_previous_keys=[key_a]) as crm_b:
        recorded = await crm_b.post(f"/leads/{lead['id']}/do-not-call", headers=world.wang.headers, json={})
        assert recorded.status_code == 201, recorded.text
        first, second = await announcements(world)
        # telesales still on A lists it at once; B's name follows as its re-announcement.
        assert (first["phone_digest"], first["replaces_digest"]) == (phone_digest("13800000021", key_a), None)
        assert (second["phone_digest"], second["replaces_digest"]) == (
            phone_digest("13800000021", KEY_B), phone_digest("13800000021", key_a))
        done = await crm_b.post(URL, headers=world.admin.headers)
        assert done.json()["announced"] == 0 and len(await announcements(world)) == 2

    # Back on A alone (the rotation abandoned), the request is still found.
    assert (await client.get(f"/leads/{lead['id']}/do-not-call", headers=world.wang.headers)).status_code == 200


async def test_without_a_previous_key_there_is_nothing_to_rotate(world: World, client: httpx.AsyncClient) -> None:
    lead = await world.owned_lead(world.wang, "13800000031")
    await client.post(f"/leads/{lead['id']}/do-not-call", headers=world.wang.headers, json={})
    refused = await client.post(URL, headers=world.admin.headers)
    assert refused.status_code == 409, refused.text
    assert "CRM_PHONE_DIGEST_PREVIOUS_KEYS" in refused.json()["detail"]
    assert (await client.post(URL, headers=world.wang.headers)).status_code == 403
    assert len(await announcements(world)) == 1
