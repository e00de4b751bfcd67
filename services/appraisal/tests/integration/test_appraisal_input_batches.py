"""The appraisal worker's batch path for logged calls against the one-event path it must equal:
the same calls applied, facts (with the leader's and managers' shares), intent marks and scores
for the same events, whatever their mix (a call twice, two intent calls of one lead, a call without
a lead, an agent the directory does not know, a second version among first ones)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time

from appraisal_world import World, on
from sqlalchemy import text

from appraisal.entrypoints.consumers import CONSUMERS
from shared.events.envelope import CloudEvent
from shared.events.telesales import CallLogged

SPEC = next(spec for spec in CONSUMERS if spec.name == "appraisal-inputs")


def logged(agent_id: uuid.UUID, call_id: str, day: date, *, disposition: str = "effective_conversation",
           effective: bool = True, lead_id: uuid.UUID | None = None, version: int = 1) -> CloudEvent:
    return CloudEvent.wrap(CallLogged(
        call_id=call_id, agent_id=agent_id, lead_id=lead_id, started_at=datetime.combine(day, time(2), UTC),
        call_date=day, duration_seconds=120 if effective else 5, connected=effective, disposition=disposition,
        effective=effective, version=version), source="/telesales")


def lead_of(tag: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, tag)


def scenario(world: World, stranger: uuid.UUID, period: str, tag: str) -> list[CloudEvent]:
    day, lead = on(period, 8), lead_of(tag)
    agent = world.agent.id
    once = logged(agent, f"{tag}-1", day)
    return [
        once,
        logged(agent, f"{tag}-2", day, disposition="no_answer", effective=False),
        CloudEvent.wrap(once.payload(CallLogged), source="/telesales"),  # the same call, a new envelope
        logged(agent, f"{tag}-3", day, disposition="intent", lead_id=lead),
        logged(agent, f"{tag}-4", on(period, 9), disposition="intent", lead_id=lead),
        logged(agent, f"{tag}-5", day, disposition="intent"),
        logged(stranger, f"{tag}-6", day),
        logged(agent, f"{tag}-7", day, disposition="no_answer", effective=False, version=2),
    ]


async def one_by_one(world: World, events: list[CloudEvent]) -> None:
    for envelope in events:
        async with world.runtime.uow_factory() as uow:
            if await uow.claim_inbox(SPEC.name, envelope):
                await SPEC.handlers[envelope.type](envelope, uow, world.runtime.bus)
            await uow.commit()


async def as_batch(world: World, events: list[CloudEvent]) -> None:
    async with world.runtime.uow_factory() as uow:
        fresh = await uow.claim_inbox_many(SPEC.name, events)
        await SPEC.batch_handlers[CallLogged.event_type]([e for e in events if e.id in fresh], uow, world.runtime.bus)
        await uow.commit()


async def state(world: World, stranger: uuid.UUID, tag: str) -> dict:
    names = {person.id: person.name.split()[0] for person in world.people} | {stranger: "Stranger"}

    def plain(value: str) -> str:
        for person_id, name in names.items():
            value = value.replace(str(person_id), name)
        return value.replace(str(lead_of(tag)), "Lead").replace(tag, "T")

    async with world.runtime.engine.connect() as connection:
        facts = (await connection.execute(text(
            "SELECT employee_id, period, kind, value, source_id, late FROM facts WHERE employee_id = ANY(:ids)"),
            {"ids": list(names)})).all()
        calls = (await connection.execute(text(
            "SELECT call_id, version, disposition FROM calls WHERE call_id LIKE :tag"), {"tag": f"{tag}-%"})).all()
        scores = (await connection.execute(text(
            "SELECT employee_id, period, total FROM scores WHERE employee_id = ANY(:ids)"),
            {"ids": list(names)})).all()
    return {
        "facts": sorted((names[f.employee_id], f.period, f.kind, f.value, plain(f.source_id), f.late) for f in facts),
        "calls": sorted((plain(c.call_id), c.version, c.disposition) for c in calls),
        "scores": sorted((names[s.employee_id], s.period, s.total) for s in scores),
    }


async def test_a_batch_of_logged_calls_leaves_what_they_leave_one_by_one(runtime, period: str) -> None:
    single, batched = World(runtime), World(runtime)
    await single.build()
    await batched.build()
    strangers = uuid.uuid4(), uuid.uuid4()

    await one_by_one(single, scenario(single, strangers[0], period, "aaa"))
    await as_batch(batched, scenario(batched, strangers[1], period, "bbb"))

    expected, got = await state(single, strangers[0], "aaa"), await state(batched, strangers[1], "bbb")
    assert got == expected
    kinds = {(name, kind) for name, _, kind, *_ in got["facts"]}
    # Not vacuous: dials rolled up to the leader and the manager, the lead counted once as intent.
    assert {("Agent", "calls_dialled"), ("Leader", "group_calls_dialled"),
            ("Manager", "department_calls_dialled"), ("Agent", "intent_customers")} <= kinds
    intents = [fact for fact in got["facts"] if fact[2] == "intent_customers"]
    assert len(intents) == 2  # the lead's two calls are one customer; the call without a lead another
    assert ("T-7", 2, "no_answer") in got["calls"] and ("T-6", 1, "effective_conversation") in got["calls"]


async def test_a_batch_delivered_again_changes_nothing(runtime, period: str) -> None:
    world = World(runtime)
    await world.build()
    stranger = uuid.uuid4()
    events = scenario(world, stranger, period, "ccc")
    await as_batch(world, events)
    before = await state(world, stranger, "ccc")
    await as_batch(world, events)  # the inbox drops every one
    await one_by_one(world, events)
    assert await state(world, stranger, "ccc") == before
