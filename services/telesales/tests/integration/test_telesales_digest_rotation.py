"""Rotating the phone-digest key (T6, C10) as telesales sees it, on the real database: crm's
re-announcement under key B (replaces_digest: the A digest) is listed once however often it
arrives, next to the A digest, counted as no new request; after telesales switches to B, a call to
the number is flagged and the check says no. A request taken off before its new name arrives stays
off, and taking it off between the switches lifts both names."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from sqlalchemy import text
from telesales_world import Tokens, announce, deliver, hired, submitted

from devstack.pytest_plugin import asgi_client, running
from shared.auth import Role
from shared.clock import FixedClock
from shared.events import CloudEvent
from shared.events.crm import CustomerDoNotCallRequested
from shared.phones import phone_digest
from shared.runtime import ServiceRuntime
from telesales.adapters.intake import CallSubmitted
from telesales.bootstrap import bootstrap
from telesales.config import TelesalesSettings
from telesales.entrypoints.api.app import create_app

DEPARTMENT, GROUP = uuid.uuid4(), uuid.uuid4()
KEY_B = "key-b-" + "b" * 40
NUMBER = "13800138000"


def request_and_its_new_name(customer_id: uuid.UUID, key_a: str, clock: FixedClock, number: str = NUMBER
                             ) -> tuple[CloudEvent, CloudEvent]:
    original = CustomerDoNotCallRequested(customer_id=customer_id, phone_digest=phone_digest(number, key_a),
                                          requested_by=uuid.uuid4(), requested_at=clock.now() - timedelta(days=30))
    renamed = original.model_copy(update={"phone_digest": phone_digest(number, KEY_B),
                                          "replaces_digest": original.phone_digest})
    return CloudEvent.wrap(original, source="/crm"), CloudEvent.wrap(renamed, source="/crm")


@asynccontextmanager
async def telesales_on_key_b(settings: TelesalesSettings, clock: FixedClock
                             ) -> AsyncIterator[tuple[ServiceRuntime, httpx.AsyncClient]]:
    switched = settings.model_copy(update={"phone_digest_key": KEY_B})
    async with running(bootstrap(switched, clock=clock)) as runtime, \
            asgi_client(create_app(switched, clock=clock)) as client:
        yield runtime, client


async def store_call(runtime: ServiceRuntime, call: CallSubmitted) -> None:
    handler = next(spec for spec in runtime.consumers if spec.name == "telesales-calls").handlers[call.event_type]
    async with runtime.uow_factory() as uow:
        await handler(CloudEvent.wrap(call, source="/telesales"), uow, runtime.bus)
        await uow.commit()


async def scalar(runtime: ServiceRuntime, sql: str):
    async with runtime.engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar()


async def test_the_new_name_is_listed_once_and_flags_calls_after_the_switch(
        runtime: ServiceRuntime, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock,
        telesales_settings: TelesalesSettings) -> None:
    agent = hired("Sun Li", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, agent)
    customer = uuid.uuid4()
    original, renamed = request_and_its_new_name(customer, telesales_settings.phone_digest_key, clock)
    await deliver(runtime, original)
    await deliver(runtime, renamed)
    await deliver(runtime, renamed)  # redelivered
    await deliver(runtime, CloudEvent.wrap(renamed.payload(CustomerDoNotCallRequested), source="/crm"))  # run again
    assert await scalar(runtime, "SELECT count(*) FROM do_not_call_requests") == 2, "both names, each once"

    admin = tokens.headers(Role.ADMIN)
    listed = (await client.get("/do-not-call/requests", headers=admin)).json()
    assert listed["total"] == 1 and [item["customer_id"] for item in listed["items"]] == [str(customer)], \
        "one request, not a new one"

    desk = tokens.headers(Role.TELESALES_AGENT, employee_id=agent.employee_id, group_id=GROUP,
                          department_id=DEPARTMENT)
    async with telesales_on_key_b(telesales_settings, clock) as (switched, client_b):
        check = (await client_b.get("/do-not-call/check", params={"number": "+86 138 0013 8000"},
                                    headers=desk)).json()
        assert (check["may_call"], check["listed_source"]) == (False, "customer_request")
        await store_call(switched, submitted(agent.employee_id, started_at=clock.now() - timedelta(minutes=5),
                                             number_dialled="138-0013-8000"))
        async with switched.engine.connect() as connection:
            [row] = list(await connection.execute(text("SELECT violations FROM calls")))
        assert list(row.violations) == ["do_not_call"]


async def test_a_request_taken_off_stays_off_under_either_name(
        runtime: ServiceRuntime, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock,
        telesales_settings: TelesalesSettings) -> None:
    key_a, admin = telesales_settings.phone_digest_key, tokens.headers(Role.ADMIN)
    removal = {"reason": "the customer withdrew the request"}

    # Taken off before the new name arrives: the new name lists nothing.
    original, renamed = request_and_its_new_name(uuid.uuid4(), key_a, clock)
    await deliver(runtime, original)
    assert (await client.post(f"/do-not-call/{NUMBER}/removal", json=removal, headers=admin)).status_code == 204
    await deliver(runtime, renamed)
    assert await scalar(runtime, "SELECT count(*) FROM do_not_call_requests") == 0

    # Taken off between the switches (telesales computes only the A name): the B name goes with it.
    original, renamed = request_and_its_new_name(uuid.uuid4(), key_a, clock, number="13900139000")
    await deliver(runtime, original)
    await deliver(runtime, renamed)
    assert (await client.post("/do-not-call/13900139000/removal", json=removal, headers=admin)).status_code == 204
    assert await scalar(runtime, "SELECT count(*) FROM do_not_call_requests") == 0
    async with telesales_on_key_b(telesales_settings, clock) as (_, client_b):
        check = await client_b.get("/do-not-call/check", params={"number": "13900139000"}, headers=admin)
        assert check.json()["may_call"] is True, check.text
