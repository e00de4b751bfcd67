"""Intake screens every record of a batch on its own: good ones are published, each bad one is
reported by index and call_id with the field and the reason. The clock stands at NOW: the records
are dated relative to it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from telesales_fakes import FakeIntakeUnitOfWork, FakePublisher, IntakeStore

from shared.auth import Principal, Role
from shared.clock import FixedClock
from shared.errors import UpstreamUnavailable
from telesales.bootstrap import bootstrap
from telesales.config import TelesalesSettings
from telesales.entrypoints.intake.schemas import parse_batch
from telesales.service_layer.intake import submit_calls
from telesales.service_layer.unit_of_work import TelesalesBus

NOW = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
AGENT = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.TELESALES_AGENT}), group_id=uuid.uuid4(),
                  department_id=uuid.uuid4())
TELEPHONY = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.SYSTEM}))


def record(call_id: str, agent_id: uuid.UUID = AGENT.employee_id, **overrides) -> dict:
    return {
        "call_id": call_id, "agent_id": str(agent_id), "number_dialled": "+86 138-0013-8000",
        "started_at": "2026-05-04T09:30:00+08:00", "duration_seconds": 75, "connected": True,
        "disposition": "intent", "stage_reached": "closing", "notes": "wants a quote", **overrides,
    }


@pytest.fixture
def bus(clock: FixedClock) -> TelesalesBus:
    """Intake's bus as bootstrap builds it (the default policy allows five minutes of clock skew),
    its clock at NOW."""
    clock.set(NOW)
    fake = FakeIntakeUnitOfWork(IntakeStore(), clock=clock)
    return bootstrap(TelesalesSettings(environment="test"), clock=clock, uow_factory=lambda: fake).bus


async def submit(bus: TelesalesBus, items: list, submitter: Principal = AGENT,
                 publisher: FakePublisher | None = None):
    publisher = publisher or FakePublisher()
    parsed, unparsed = parse_batch(items)
    result = await submit_calls(bus, parsed, submitter=submitter, publisher=publisher, unparsed=unparsed)
    return result, publisher


async def test_good_records_go_out_and_each_bad_one_is_named(bus: TelesalesBus) -> None:
    other_agent = uuid.uuid4()
    items = [
        record("ok-1"),
        record("bad-duration", duration_seconds=-3),
        "not even an object",
        record("naive-time", started_at="2026-05-04T09:30:00"),
        record("ok-2", disposition="no_answer", connected=False, duration_seconds=0),
        record("not-mine", agent_id=other_agent),
        record("ok-1"),
        record("busy-but-connected", disposition="busy"),
        {**record("bad-number"), "number_dialled": "call me"},
        {**record("extra"), "colour": "blue"},
    ]
    result, publisher = await submit(bus, items)

    assert result.accepted == ["ok-1", "ok-2"]
    assert [m.call_id for m in publisher.published] == ["ok-1", "ok-2"]
    assert publisher.published[0].number_dialled == "+8613800138000", "separators are dropped"
    refused = {(r.index, r.call_id, r.status, tuple(e.field for e in r.errors)) for r in result.rejected}
    assert refused == {
        (1, "bad-duration", 422, ("duration_seconds",)),
        (2, None, 422, ("record",)),
        (3, "naive-time", 422, ("started_at",)),
        (5, "not-mine", 403, ("agent_id",)),
        (6, "ok-1", 409, ("call_id",)),
        (7, "busy-but-connected", 422, ("disposition",)),
        (8, "bad-number", 422, ("number_dialled",)),
        (9, "extra", 422, ("colour",)),
    }
    assert [r.index for r in result.rejected] == sorted(r.index for r in result.rejected)


async def test_an_agents_own_calls_carry_their_group_from_the_token(bus: TelesalesBus) -> None:
    _, publisher = await submit(bus, [record("mine")])
    message = publisher.published[0]
    assert (message.submitted_by, message.claimed_group_id, message.claimed_department_id) == (
        AGENT.employee_id, AGENT.group_id, AGENT.department_id)
    assert message.received_at == NOW


async def test_telephony_may_submit_any_agents_calls_without_claiming_a_group(bus: TelesalesBus) -> None:
    agents = [uuid.uuid4(), uuid.uuid4()]
    result, publisher = await submit(bus, [record("a", agent_id=agents[0]), record("b", agent_id=agents[1])],
                                     submitter=TELEPHONY)
    assert result.rejected == []
    assert [(m.agent_id, m.claimed_group_id) for m in publisher.published] == [(agents[0], None), (agents[1], None)]


@pytest.mark.parametrize("roles", [{Role.GROUP_LEADER}, {Role.DEPARTMENT_MANAGER}, {Role.SALES_DIRECTOR}])
async def test_leaders_and_managers_may_not_submit_their_agents_calls(bus: TelesalesBus, roles) -> None:
    boss = Principal(employee_id=uuid.uuid4(), roles=frozenset(roles), group_id=AGENT.group_id,
                     department_id=AGENT.department_id)
    result, publisher = await submit(bus, [record("x")], submitter=boss)
    assert [r.status for r in result.rejected] == [403]
    assert publisher.calls == 0, "nothing to publish, nothing sent"


async def test_a_broker_failure_fails_the_request_so_the_client_retries(bus: TelesalesBus) -> None:
    with pytest.raises(UpstreamUnavailable):
        await submit(bus, [record("ok")], publisher=FakePublisher(fail=True))


async def test_a_record_is_judged_and_stamped_by_the_clock(bus: TelesalesBus, clock: FixedClock) -> None:
    soon, too_soon = (NOW + timedelta(minutes=minutes) for minutes in (4, 6))
    result, publisher = await submit(bus, [record("drifted", started_at=soon.isoformat()),
                                           record("ahead", started_at=too_soon.isoformat())])
    assert result.accepted == ["drifted"]
    assert [(r.call_id, r.status, [e.field for e in r.errors]) for r in result.rejected] == [
        ("ahead", 422, ["started_at"])]
    assert publisher.published[0].received_at == NOW

    clock.advance(timedelta(minutes=2))
    result, _ = await submit(bus, [record("ahead", started_at=too_soon.isoformat())])
    assert (result.accepted, result.rejected) == (["ahead"], [])


async def test_an_instant_the_worker_could_not_store_is_refused_at_the_door(bus: TelesalesBus) -> None:
    result, publisher = await submit(bus, [record("year-one", started_at="0001-01-01T00:00:00+14:00"),
                                           record("last-century", started_at="1999-12-31T23:59:59+08:00"),
                                           record("fine")])

    assert result.accepted == ["fine"] and [m.call_id for m in publisher.published] == ["fine"]
    assert {(r.call_id, r.status, tuple(e.field for e in r.errors)) for r in result.rejected} == {
        ("year-one", 422, ("started_at",)), ("last-century", 422, ("started_at",))}
