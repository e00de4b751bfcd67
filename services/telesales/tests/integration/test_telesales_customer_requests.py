"""A customer's do-not-call request from crm, against the real database: the consumer lists the
number by its keyed digest (the event never carries it), a redelivery or a repeated request adds
nothing, the next call to the number is flagged and counted, the desktop's check answers no, and
an authorised role takes it off the list by the number with a reason."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import text
from telesales_world import Tokens, announce, deliver, hired, submitted

from shared.auth import Role
from shared.clock import FixedClock
from shared.events import CloudEvent
from shared.events.crm import CustomerDoNotCallRequested
from shared.phones import phone_digest
from shared.runtime import ServiceRuntime

DEPARTMENT, GROUP = uuid.uuid4(), uuid.uuid4()
CUSTOMER = uuid.uuid4()


def requested(runtime: ServiceRuntime, clock: FixedClock, number: str) -> CloudEvent:
    return CloudEvent.wrap(CustomerDoNotCallRequested(
        customer_id=CUSTOMER, phone_digest=phone_digest(number, runtime.settings.phone_digest_key),
        requested_by=uuid.uuid4(), requested_at=clock.now()), source="/crm")


async def scalar(runtime: ServiceRuntime, sql: str):
    async with runtime.engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar()


async def test_a_customers_request_flags_the_next_call_once_however_often_it_arrives(
        runtime: ServiceRuntime, store, client, tokens: Tokens, clock: FixedClock) -> None:
    agent = hired("Sun Li", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, agent)
    envelope = requested(runtime, clock, "13800138000")
    assert "13800138000" not in envelope.model_dump_json(), "the number never travels"

    await deliver(runtime, envelope)
    await deliver(runtime, envelope)  # redelivered
    await deliver(runtime, requested(runtime, clock, "+86 138 0013 8000"))  # asked again, written otherwise
    assert await scalar(runtime, "SELECT count(*) FROM do_not_call_requests") == 1

    call = submitted(agent.employee_id, started_at=clock.now() - timedelta(minutes=5),
                     number_dialled="+86 138-0013-8000")
    await store(call)
    async with runtime.engine.connect() as connection:
        [row] = list(await connection.execute(text("SELECT violations FROM calls")))
        figures = (await connection.execute(text("SELECT violations FROM daily_figures"))).scalar()
    assert (list(row.violations), figures) == (["do_not_call"], 1)

    desk = tokens.headers(Role.TELESALES_AGENT, employee_id=agent.employee_id, group_id=GROUP,
                          department_id=DEPARTMENT)
    check = (await client.get("/do-not-call/check", params={"number": "138 0013 8000"}, headers=desk)).json()
    assert (check["may_call"], check["violations"]) == (False, ["do_not_call"])
    assert check["listed_source"] == "customer_request"

    listed = await client.get("/do-not-call/requests", headers=tokens.headers(Role.ADMIN))
    assert listed.status_code == 200, listed.text
    assert [item["customer_id"] for item in listed.json()["items"]] == [str(CUSTOMER)]
    assert (await client.get("/do-not-call/requests", headers=desk)).status_code == 403

    removed = await client.post("/do-not-call/13800138000/removal", json={"reason": "customer withdrew the request"},
                                headers=tokens.headers(Role.ADMIN))
    assert removed.status_code == 204, removed.text
    assert (await client.get("/do-not-call/check", params={"number": "13800138000"},
                             headers=desk)).json()["may_call"] is True
    assert await scalar(runtime, "SELECT source FROM do_not_call_log WHERE action = 'removed'") == "customer_request"


async def test_a_request_under_another_key_matches_nothing(runtime: ServiceRuntime, store, clock: FixedClock) -> None:
    """The digest is keyed: crm and telesales must share TELESALES_/CRM_PHONE_DIGEST_KEY."""
    agent = hired("Sun Li", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, agent)
    await deliver(runtime, CloudEvent.wrap(CustomerDoNotCallRequested(
        customer_id=CUSTOMER, phone_digest=phone_digest("13800138000", "another-key-" + "x" * 32),
        requested_by=uuid.uuid4(), requested_at=clock.now()), source="/crm"))
    await store(submitted(agent.employee_id, started_at=clock.now() - timedelta(minutes=5),
                          number_dialled="13800138000"))
    async with runtime.engine.connect() as connection:
        [row] = list(await connection.execute(text("SELECT violations FROM calls")))
    assert list(row.violations) == []


async def test_the_workers_batch_path_flags_a_customer_requested_number_too(runtime: ServiceRuntime,
                                                                           clock: FixedClock) -> None:
    """The polled-batch path judges numbers in one query; a number listed only by a customer's
    request (its digest) must be flagged there exactly as on the one-call path."""
    agent = hired("Zhou Yi", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, agent)
    await deliver(runtime, requested(runtime, clock, "13900139000"))

    calls = [submitted(agent.employee_id, started_at=clock.now() - timedelta(minutes=minutes),
                       number_dialled=number) for minutes, number in ((9, "+86 139 0013 9000"), (8, "13700137000"))]
    batch_handler = next(spec for spec in runtime.consumers if spec.name == "telesales-calls").batch_handlers[
        calls[0].event_type]
    async with runtime.uow_factory() as uow:
        await batch_handler([CloudEvent.wrap(call, source="/telesales") for call in calls], uow, runtime.bus)
        await uow.commit()

    async with runtime.engine.connect() as connection:
        flagged = {row.number_dialled: list(row.violations) for row in await connection.execute(
            text("SELECT number_dialled, violations FROM calls"))}
    assert flagged == {"+86 139 0013 9000": ["do_not_call"], "13700137000": []}
