"""telesales' call corrections on the real database, through the consumer handlers: a correction
replaces the call's contribution (the agent's figures, the leader's and the manager's shares, the
lead's intent mark) exactly once, whatever is redelivered or reordered, a correction may arrive
before its call, and one for a closed month waits for the reopen like any late input."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

from appraisal_world import Person, World, d, on

from appraisal.domain.templates import Source
from appraisal.service_layer import commands, views
from shared.auth import Role
from shared.events.envelope import CloudEvent
from shared.events.org import GroupLeaderChanged
from shared.events.telesales import CallCorrected, CallLogged
from shared.testing import principal

HR = principal(Role.HR)


def logged(agent: Person, call_id: str, day: date, disposition: str, effective: bool,
           lead_id: uuid.UUID | None = None) -> CallLogged:
    return CallLogged(call_id=call_id, agent_id=agent.id, group_id=agent.group_id, department_id=agent.department_id,
                      lead_id=lead_id, started_at=datetime.combine(day, time(2), UTC), call_date=day,
                      duration_seconds=180, connected=True, disposition=disposition, effective=effective)


def corrected(call: CallLogged, version: int, disposition: str, effective: bool, previous_disposition: str,
              previous_effective: bool) -> CallCorrected:
    return CallCorrected(call_id=call.call_id, agent_id=call.agent_id, group_id=call.group_id,
                         department_id=call.department_id, lead_id=call.lead_id, started_at=call.started_at,
                         call_date=call.call_date, duration_seconds=call.duration_seconds, connected=call.connected,
                         version=version, disposition=disposition, effective=effective,
                         previous_version=version - 1, previous_disposition=previous_disposition,
                         previous_effective=previous_effective, corrected_by=uuid.uuid4(),
                         corrected_at=datetime.combine(call.call_date, time(9), UTC))


def wrap(event) -> CloudEvent:
    return CloudEvent.wrap(event, source="/telesales")


async def tally(world: World, person: Person, period: str, kind: str) -> Decimal:
    async with world.runtime.uow_factory() as uow:
        tallies = await uow.facts.tallies(person.id, period)
    return tallies[kind].total if kind in tallies else Decimal(0)


async def figures(world: World, period: str) -> dict[str, Decimal]:
    """The call figures of the agent, their leader and their manager."""
    return {
        "dialled": await tally(world, world.agent, period, Source.CALLS_DIALLED),
        "effective": await tally(world, world.agent, period, Source.EFFECTIVE_CONVERSATIONS),
        "intent": await tally(world, world.agent, period, Source.INTENT_CUSTOMERS),
        "group_effective": await tally(world, world.tele_leader, period, Source.GROUP_EFFECTIVE_CONVERSATIONS),
        "department_effective": await tally(world, world.tele_manager, period,
                                            Source.DEPARTMENT_EFFECTIVE_CONVERSATIONS),
        "group_dialled": await tally(world, world.tele_leader, period, Source.GROUP_CALLS_DIALLED),
    }


async def agent_scores(world: World) -> list[str]:
    return [u["data"]["score"] for u in await world.outbox("appraisal.score.updated.v1")
            if u["data"]["employee_id"] == str(world.agent.id)]


async def test_a_correction_replaces_the_calls_contribution_exactly_once(world: World, period: str) -> None:
    lead = uuid.uuid4()
    first = logged(world.agent, "c-1", on(period, 8), "intent", True, lead)
    await world.apply(first, logged(world.agent, "c-2", on(period, 9), "no_answer", False))
    assert await figures(world, period) == {"dialled": 2, "effective": 1, "intent": 1, "group_effective": 1,
                                            "department_effective": 1, "group_dialled": 2}
    scores_before = await agent_scores(world)

    # The leader finds c-1 was no conversation at all: redelivered and re-published, it counts once.
    to_refused = corrected(first, 2, "refused", False, "intent", True)
    envelope = wrap(to_refused)
    await world.apply(envelope, envelope, wrap(to_refused))
    assert await figures(world, period) == {"dialled": 2, "effective": 0, "intent": 0, "group_effective": 0,
                                            "department_effective": 0, "group_dialled": 2}
    assert len(await agent_scores(world)) == len(scores_before) + 1

    # Version 1 again (a re-published call) is overtaken: it changes nothing.
    await world.apply(first)
    assert (await figures(world, period))["effective"] == 0
    assert len(await agent_scores(world)) == len(scores_before) + 1

    # Version 3 puts it back; version 2 arriving after it (reordered) changes nothing.
    back = wrap(corrected(first, 3, "intent", True, "refused", False))
    await world.apply(back, wrap(to_refused))
    assert await figures(world, period) == {"dialled": 2, "effective": 1, "intent": 1, "group_effective": 1,
                                            "department_effective": 1, "group_dialled": 2}
    assert (await agent_scores(world))[-1] == scores_before[-1]

    # The breakdown names the correction behind the call's lines, the shares rolled up included.
    shown = await views.inputs(world.runtime.bus, HR, period, world.agent.id, "effective_conversations")
    assert [(f.fact.source_id, f.fact.value, f.fact.event_id, f.fact.revision) for f in shown] == [
        ("call:c-1", d(1), back.id, 3)]
    leader_rows = await views.inputs(world.runtime.bus, HR, period, world.tele_leader.id)
    assert {(f.fact.kind, f.fact.event_id, f.fact.revision) for f in leader_rows
            if f.fact.source_id.startswith("call:c-1@")} == {
        (Source.GROUP_CALLS_DIALLED, back.id, 3), (Source.GROUP_EFFECTIVE_CONVERSATIONS, back.id, 3)}


async def test_a_correction_arriving_before_its_call_stands(world: World, period: str) -> None:
    first = logged(world.agent, "c-7", on(period, 8), "effective_conversation", True)
    await world.apply(corrected(first, 2, "busy", False, "effective_conversation", True))
    await world.apply(first)  # version 1, late: overtaken
    assert await figures(world, period) == {"dialled": 1, "effective": 0, "intent": 0, "group_effective": 0,
                                            "department_effective": 0, "group_dialled": 1}


async def test_a_lead_stays_an_intent_customer_while_any_call_marks_it(world: World, period: str) -> None:
    lead = uuid.uuid4()
    one = logged(world.agent, "c-1", on(period, 8), "intent", True, lead)
    two = logged(world.agent, "c-2", on(period, 12), "intent", True, lead)
    await world.apply(one, two)
    assert (await figures(world, period))["intent"] == 1

    await world.apply(corrected(one, 2, "effective_conversation", True, "intent", True))
    assert (await figures(world, period))["intent"] == 1  # c-2 still marks the lead
    await world.apply(corrected(two, 2, "refused", False, "intent", True))
    assert (await figures(world, period))["intent"] == 0
    await world.apply(corrected(one, 3, "intent", True, "effective_conversation", True))
    assert (await figures(world, period))["intent"] == 1


async def test_a_correction_in_a_closed_month_waits_for_the_reopen(world: World, period: str) -> None:
    call = logged(world.agent, "c-1", on(period, 8), "effective_conversation", True)
    await world.apply(call)
    await world.runtime.bus.handle(commands.ClosePeriod(period=period, by=HR, missing_stages_rule="zero"))
    frozen = await views.employee_score(world.runtime.bus, HR, period, world.agent.id)
    updates = len(await world.outbox("appraisal.score.updated.v1"))

    correction = wrap(corrected(call, 2, "refused", False, "effective_conversation", True))
    await world.apply(correction)
    after = await views.employee_score(world.runtime.bus, HR, period, world.agent.id)
    assert after.status == "closed" and after.card == frozen.card
    assert len(await world.outbox("appraisal.score.updated.v1")) == updates
    late = await views.late_inputs(world.runtime.bus, period)
    assert {(f.fact.employee_id, f.fact.kind, f.fact.value, f.fact.event_id) for f in late
            if f.fact.kind == Source.EFFECTIVE_CONVERSATIONS} == {(world.agent.id, Source.EFFECTIVE_CONVERSATIONS,
                                                                   d(0), correction.id)}

    await world.runtime.bus.handle(commands.ReopenPeriod(period=period, reason="a call was corrected", by=HR))
    live = await views.employee_score(world.runtime.bus, HR, period, world.agent.id)
    effective = next(line for line in live.card.indicators if line.key == "effective_conversations")
    assert (live.status, effective.raw_value) == ("open", d(0))
    assert (await figures(world, period))["group_effective"] == 0


async def test_a_correction_replaces_the_share_where_it_went_after_the_leader_changed(world: World, period: str
                                                                                       ) -> None:
    call = logged(world.agent, "c-1", on(period, 8), "effective_conversation", True)
    await world.apply(call)
    successor = Person("Leader Xu", Role.GROUP_LEADER, world.telesales, world.phones, world.tele_manager,
                       hired_on=on(period, 1))
    await world.apply(successor.hired(), GroupLeaderChanged(
        group_id=world.phones, previous_leader_id=world.tele_leader.id, leader_id=successor.id,
        effective_date=on(period, 10)))

    await world.apply(corrected(call, 2, "refused", False, "effective_conversation", True))
    # The share the old leader was given is taken back from them; the new leader never had it.
    assert (await figures(world, period))["group_effective"] == 0
    assert await tally(world, successor, period, Source.GROUP_EFFECTIVE_CONVERSATIONS) == 0
    async with world.runtime.uow_factory() as uow:
        assert [f.fact.source_id for f in await uow.facts.of(successor.id, period)] == []
