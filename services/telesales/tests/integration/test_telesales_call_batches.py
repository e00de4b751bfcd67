"""The worker's batch path (a polled batch stored in a handful of statements) against the one-call
path it must equal: the same calls, flags, figures, do-not-call entries, refusals and events for
the same records, whatever their mix (repeats within the batch and against the store, a
do-not-call outcome followed by a call to that number, caps reached inside the batch, a call
outside hours, an agent the directory has not heard of). The clock stands on a Wednesday noon in
Shanghai; the rules are Mon–Fri 09–20, 2 a day and 3 a week per number."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from telesales_world import announce, at, hired, submitted

from shared.clock import FixedClock
from shared.events import CloudEvent
from shared.runtime import ServiceRuntime
from telesales.adapters.intake import CallsSubmitted, CallSubmitted
from telesales.config import MIGRATIONS_DIR, TelesalesSettings
from telesales.service_layer import call_batches

WEDNESDAY_NOON = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
DEPARTMENT, GROUP = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def telesales_settings(service_settings) -> TelesalesSettings:
    return service_settings(
        TelesalesSettings, "telesales", MIGRATIONS_DIR, topic_partitions=3,
        calling_hours={**{d: [["09:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}, "sat": [], "sun": []},
        daily_cap_per_number=2, weekly_cap_per_number=3)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(WEDNESDAY_NOON)


async def rows(runtime: ServiceRuntime, sql: str, **params) -> list:
    async with runtime.engine.connect() as connection:
        return list(await connection.execute(text(sql), params))


def scenario(clock: FixedClock, known_agent: uuid.UUID, unknown_agent: uuid.UUID, tag: str) -> list[CallSubmitted]:
    """One mixed batch; ``tag`` keeps the numbers and call ids of two runs apart."""
    today, yesterday = clock.today(), clock.today() - timedelta(days=1)
    busy, blocked, quiet = f"+86138{tag}0001", f"+86138{tag}0002", f"+86138{tag}0003"

    def call(name: str, agent: uuid.UUID, number: str, started: datetime, **overrides) -> CallSubmitted:
        return submitted(agent, started_at=started, call_id=f"{tag}-{name}", number_dialled=number, **overrides)

    first = call("a", known_agent, busy, at(clock, today, 10))
    return [
        call("y", known_agent, busy, at(clock, yesterday, 11)),  # the week's first call to busy
        first,
        call("b", known_agent, busy, at(clock, today, 10, 5), disposition="order", duration_seconds=30),
        call("c", unknown_agent, busy, at(clock, today, 10, 10), claimed_group_id=GROUP),  # over both caps
        first,  # the same record twice: counts once
        call("a", known_agent, busy, at(clock, today, 10), duration_seconds=999),  # same id, other content
        call("d", known_agent, blocked, at(clock, today, 11), disposition="do_not_call", connected=True),
        call("e", unknown_agent, blocked, at(clock, today, 11, 30)),  # listed by the call before it
        call("f", known_agent, quiet, at(clock, today, 21)),  # after hours
        call("g", known_agent, quiet, at(clock, today, 8), connected=False, disposition="no_answer",
             duration_seconds=0),
    ]


async def outcome(runtime: ServiceRuntime, tag: str) -> dict:
    """Everything the records left behind, with the run's tag taken out so that two runs compare."""
    def untag(value: str) -> str:
        return value.replace(tag, "T")

    calls = sorted((untag(r.call_id), r.agent_id, r.group_id, r.duration_seconds, r.effective, tuple(r.violations))
                   for r in await rows(runtime, "SELECT * FROM calls WHERE call_id LIKE :t", t=f"{tag}-%"))
    events = sorted((untag(r.envelope["data"]["call_id"]), tuple(r.envelope["data"]["violations"]),
                     r.envelope["data"]["group_id"])
                    for r in await rows(runtime, "SELECT envelope FROM outbox") if tag in r.envelope["data"]["call_id"])
    # Who listed a number, as whether it was the agent of the call that listed it (the two runs have
    # different agents).
    listed = sorted((untag(r.call_id), untag(r.number), r.source, r.by_caller) for r in await rows(
        runtime, "SELECT d.*, d.added_by = c.agent_id AS by_caller FROM do_not_call d JOIN calls c USING (call_id) "
                 "WHERE d.call_id LIKE :t", t=f"{tag}-%"))
    logged = sorted((untag(r.number), r.action, r.source, r.by_lister, r.at is not None) for r in await rows(
        runtime, "SELECT l.*, l.actor_id = d.added_by AS by_lister FROM do_not_call_log l "
                 "JOIN do_not_call d USING (number) WHERE l.number LIKE :n", n=f"%{tag}%"))
    refused = sorted((untag(r.call_id), r.kind) for r in await rows(
        runtime, "SELECT call_id, kind FROM intake_refusals WHERE call_id LIKE :t", t=f"{tag}-%"))
    return {"calls": calls, "events": events, "listed": listed, "logged": logged, "refused": refused}


async def figures(runtime: ServiceRuntime, agent_ids: list[uuid.UUID]) -> list:
    return sorted(tuple(r) for r in await rows(
        runtime, "SELECT call_date, group_id, dials, connected, effective, orders, talk_seconds, violations "
                 "FROM daily_figures WHERE agent_id = ANY(:a)", a=agent_ids))


async def store_one_by_one(runtime: ServiceRuntime, records: list[CallSubmitted]) -> None:
    handler = next(spec for spec in runtime.consumers if spec.name == "telesales-calls").handlers[
        CallSubmitted.event_type]
    for record in records:
        async with runtime.uow_factory() as uow:
            await handler(CloudEvent.wrap(record, source="/telesales"), uow, runtime.bus)
            await uow.commit()


async def store_as_batch(runtime: ServiceRuntime, records: list[CallSubmitted]) -> None:
    spec = next(spec for spec in runtime.consumers if spec.name == "telesales-calls")
    batch_handler = spec.batch_handlers[CallSubmitted.event_type]
    async with runtime.uow_factory() as uow:
        await batch_handler([CloudEvent.wrap(record, source="/telesales") for record in records], uow, runtime.bus)
        await uow.commit()


async def test_a_batch_leaves_exactly_what_its_records_one_by_one_leave(runtime, clock) -> None:
    single_agent, batch_agent = hired("Sun", "telesales_agent", DEPARTMENT, GROUP, on=clock.today()), \
        hired("Li", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, single_agent, batch_agent)
    single_unknown, batch_unknown = uuid.uuid4(), uuid.uuid4()

    await store_one_by_one(runtime, scenario(clock, single_agent.employee_id, single_unknown, "111"))
    await store_as_batch(runtime, scenario(clock, batch_agent.employee_id, batch_unknown, "222"))

    one_by_one, batched = await outcome(runtime, "111"), await outcome(runtime, "222")
    assert batched["events"] == one_by_one["events"] and batched["listed"] == one_by_one["listed"]
    assert batched["logged"] == one_by_one["logged"] == [("86138T0002", "added", "outcome", True, True)]
    assert batched["listed"] == [("T-d", "86138T0002", "outcome", True)]
    assert batched["refused"] == one_by_one["refused"] == [("T-a", "conflict")]
    swap = {single_agent.employee_id: "known", single_unknown: "unknown",
            batch_agent.employee_id: "known", batch_unknown: "unknown"}
    assert [(c[0], swap[c[1]], *c[2:]) for c in batched["calls"]] == \
           [(c[0], swap[c[1]], *c[2:]) for c in one_by_one["calls"]]
    # The flags themselves, so that both paths being wrong the same way would still fail.
    flags = {c[0]: c[5] for c in batched["calls"]}
    assert flags == {"T-y": (), "T-a": (), "T-b": (), "T-c": ("daily_cap", "weekly_cap"), "T-d": (),
                     "T-e": ("do_not_call",), "T-f": ("outside_hours",), "T-g": ("outside_hours",)}
    assert await figures(runtime, [batch_agent.employee_id, batch_unknown]) == \
        await figures(runtime, [single_agent.employee_id, single_unknown])


def packed(records: list[CallSubmitted], size: int) -> list[CloudEvent]:
    """The records as intake sends them: many-record messages, in order."""
    return [CloudEvent.wrap(CallsSubmitted(partition_key=str(records[start].agent_id),
                                           calls=records[start:start + size]), source="/telesales")
            for start in range(0, len(records), size)]


@pytest.mark.parametrize("path", ["batch handler", "one message at a time"])
async def test_many_record_messages_leave_exactly_what_their_records_one_by_one_leave(runtime, clock, path) -> None:
    """Intake's CallsSubmitted: through the batch handler (the runner's usual path), and through the
    one-message handler the runner falls back to when a batch failed."""
    single_agent, packed_agent = hired("Qian", "telesales_agent", DEPARTMENT, GROUP, on=clock.today()), \
        hired("Wu", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, single_agent, packed_agent)
    single_unknown, packed_unknown = uuid.uuid4(), uuid.uuid4()
    await store_one_by_one(runtime, scenario(clock, single_agent.employee_id, single_unknown, "444"))

    spec = next(spec for spec in runtime.consumers if spec.name == "telesales-calls")
    messages = packed(scenario(clock, packed_agent.employee_id, packed_unknown, "555"), size=4)
    assert len(messages) > 1
    if path == "batch handler":
        async with runtime.uow_factory() as uow:
            await spec.batch_handlers[CallsSubmitted.event_type](messages, uow, runtime.bus)
            await uow.commit()
    else:
        for message in messages:
            async with runtime.uow_factory() as uow:
                await spec.handlers[CallsSubmitted.event_type](message, uow, runtime.bus)
                await uow.commit()

    one_by_one, batched = await outcome(runtime, "444"), await outcome(runtime, "555")
    assert batched["events"] == one_by_one["events"] and batched["listed"] == one_by_one["listed"]
    assert batched["refused"] == one_by_one["refused"] == [("T-a", "conflict")]
    swap = {single_agent.employee_id: "known", single_unknown: "unknown",
            packed_agent.employee_id: "known", packed_unknown: "unknown"}
    assert [(c[0], swap[c[1]], *c[2:]) for c in batched["calls"]] == \
           [(c[0], swap[c[1]], *c[2:]) for c in one_by_one["calls"]]
    assert await figures(runtime, [packed_agent.employee_id, packed_unknown]) == \
        await figures(runtime, [single_agent.employee_id, single_unknown])


async def test_a_batch_repeated_counts_nothing_twice(runtime, clock) -> None:
    agent = hired("Zhou", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    await announce(runtime, agent)
    records = scenario(clock, agent.employee_id, uuid.uuid4(), "333")
    await store_as_batch(runtime, records)
    before = await outcome(runtime, "333"), await figures(runtime, [agent.employee_id])
    await store_as_batch(runtime, records)
    after = await outcome(runtime, "333"), await figures(runtime, [agent.employee_id])
    assert after[0]["calls"] == before[0]["calls"] and after[0]["events"] == before[0]["events"]
    assert after[1] == before[1]
    # The conflicting record is refused again each time it comes (as one by one): the sender reads it.
    assert len(after[0]["refused"]) == 2 * len(before[0]["refused"])


async def test_a_call_id_stored_meanwhile_sends_the_batch_back_to_one_by_one(runtime, clock) -> None:
    """A concurrent writer stored one of the batch's calls after the batch looked: the batch path
    refuses to guess (the runner then stores the records one per transaction)."""
    agent_id = uuid.uuid4()
    records = [submitted(agent_id, started_at=at(clock, clock.today(), 10), call_id=f"race-{n}") for n in range(3)]
    async with runtime.uow_factory() as uow:
        real = uow.call_batches.stored_fingerprints

        async def nothing_stored(call_ids):
            await real(call_ids)
            return {}

        uow.call_batches.stored_fingerprints = nothing_stored  # type: ignore[method-assign]
        await store_one_by_one(runtime, records[1:2])
        with pytest.raises(call_batches.BatchConflict):
            await call_batches.record_calls(uow, runtime.bus, [
                _command(record) for record in records])


def _command(record: CallSubmitted):
    from telesales.entrypoints.consumers import _record_call
    return _record_call(CloudEvent.wrap(record, source="/telesales"))
