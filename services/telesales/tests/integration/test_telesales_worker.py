"""The worker stores each call once, counts it once and announces it once, whatever the redelivery.
The calls are made on the clock's company day."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from telesales_world import announce, at, group_created, hired, submitted

from shared.clock import FixedClock
from shared.events import CloudEvent
from shared.runtime import ServiceRuntime

DEPARTMENT, GROUP = uuid.uuid4(), uuid.uuid4()


async def rows(runtime: ServiceRuntime, sql: str, **params) -> list:
    async with runtime.engine.connect() as connection:
        return list(await connection.execute(text(sql), params))


async def figures(runtime: ServiceRuntime, agent_id: uuid.UUID) -> list:
    return await rows(runtime, "SELECT call_date, group_id, dials, connected, effective, intents, appointments, "
                               "orders, talk_seconds FROM daily_figures WHERE agent_id = :a", a=agent_id)


def morning(clock: FixedClock) -> datetime:
    """10:00 today on the company's wall clock."""
    return at(clock, clock.today(), 10)


async def test_the_same_message_twice_stores_counts_and_announces_one_call(runtime, store, clock) -> None:
    agent = hired("Sun Li", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, agent)
    message = CloudEvent.wrap(submitted(agent.employee_id, started_at=morning(clock), disposition="intent",
                                        duration_seconds=45), source="/telesales")

    await store(message)
    await store(message)

    stored = await rows(runtime, "SELECT call_id, group_id, department_id, effective, call_date, number_dialled "
                                 "FROM calls")
    assert len(stored) == 1
    assert (stored[0].group_id, stored[0].department_id, stored[0].effective) == (GROUP, DEPARTMENT, True)
    assert stored[0].call_date == clock.today()
    assert stored[0].number_dialled == "+8613800138000"

    outbox = await rows(runtime, "SELECT topic, message_key, event_type, envelope FROM outbox")
    assert [(o.event_type, o.message_key) for o in outbox] == [("telesales.call.logged.v1", str(agent.employee_id))]
    assert outbox[0].topic.endswith("telesales.call")
    data = outbox[0].envelope["data"]
    assert (data["call_id"], data["effective"], data["group_id"], data["call_date"]) == (
        stored[0].call_id, True, str(GROUP), clock.today().isoformat())
    assert "number_dialled" not in data and "8613800138000" not in str(outbox[0].envelope), \
        "the dialled number never leaves in an event"

    assert [tuple(row)[1:] for row in await figures(runtime, agent.employee_id)] == [
        (GROUP, 1, 1, 1, 1, 0, 0, 45)]


async def test_a_resubmitted_call_in_a_new_message_counts_nothing_twice(runtime, store, clock) -> None:
    agent_id = uuid.uuid4()
    first = submitted(agent_id, started_at=morning(clock), call_id="same-call")
    retried = submitted(agent_id, started_at=morning(clock), call_id="same-call", duration_seconds=999)
    await store(first, retried)

    assert [row.duration_seconds for row in await rows(runtime, "SELECT duration_seconds FROM calls")] == [90]
    assert len(await rows(runtime, "SELECT 1 FROM outbox")) == 1
    assert [row.dials for row in await figures(runtime, agent_id)] == [1]


async def test_figures_add_up_per_company_day(runtime, store, clock) -> None:
    agent_id, day = uuid.uuid4(), clock.today()
    the_day_before = day - timedelta(days=1)
    after_midnight = at(clock, day, 0, 30).astimezone(UTC)
    before_midnight = at(clock, the_day_before, 23, 30).astimezone(UTC)
    assert after_midnight.date() == before_midnight.date() == the_day_before, "UTC says the day before"
    await store(
        submitted(agent_id, started_at=morning(clock), disposition="no_answer", connected=False,
                  duration_seconds=20),
        submitted(agent_id, started_at=morning(clock), disposition="order", duration_seconds=30),
        submitted(agent_id, started_at=morning(clock), disposition="refused", duration_seconds=61),
        submitted(agent_id, started_at=morning(clock), disposition="appointment", duration_seconds=10),
        # 16:30 UTC the day before is half past midnight of the day in Shanghai.
        submitted(agent_id, started_at=after_midnight, duration_seconds=5),
        # 15:30 UTC the day before is still the day before there.
        submitted(agent_id, started_at=before_midnight, duration_seconds=5),
    )
    by_day = {row.call_date: tuple(row)[2:] for row in await figures(runtime, agent_id)}
    assert by_day == {
        day: (5, 4, 3, 0, 1, 1, 106),
        the_day_before: (1, 1, 0, 0, 0, 0, 5),
    }


async def test_without_a_directory_entry_the_submitters_own_claim_places_the_call(runtime, store, clock) -> None:
    agent_id, claimed_group, claimed_department = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await store(submitted(agent_id, started_at=morning(clock), claimed_group_id=claimed_group,
                          claimed_department_id=claimed_department))
    assert [(r.group_id, r.department_id) for r in await rows(runtime, "SELECT * FROM calls")] == [
        (claimed_group, claimed_department)]


async def test_the_directory_consumer_builds_the_replica_the_worker_reads(runtime, store, clock) -> None:
    leader = hired("Wang", "group_leader", DEPARTMENT, on=clock.today())
    agent = hired("Zhao", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, leader, group_created(GROUP, DEPARTMENT, leader.employee_id), agent)
    directory = next(spec for spec in runtime.consumers if spec.name == "telesales-directory")
    assert {"org.employee.hired.v1", "org.group.created.v1"} <= set(directory.handlers)
    # A placement claimed by the submitter loses to the directory's.
    await store(submitted(agent.employee_id, started_at=morning(clock), claimed_group_id=uuid.uuid4()))
    assert [r.group_id for r in await rows(runtime, "SELECT group_id FROM calls")] == [GROUP]
