"""A new revision of org's working calendar rescores, in the consumer's transaction, the live scores
of the year's open months that read the calendar (a plan-execution line of a role owing daily logs),
on the real database. The clock stands on Wednesday 18 November 2026, 10:00 in Shanghai; October
2026 is closed, November open."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import httpx
import pytest
from appraisal_world import Person, Tokens, World
from live_scores import (
    NOVEMBER,
    NOW,
    OCTOBER,
    announced,
    stored,
    use_the_plan_execution_preset,
    write_log,
    year_2026,
)
from sqlalchemy import text

from appraisal.service_layer import handlers, score_batches
from shared.clock import FixedClock
from shared.events.crm import DealWon
from shared.events.envelope import CloudEvent
from shared.events.org import WorkingCalendarSet
from shared.events.telesales import CallLogged


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW.astimezone(UTC))


async def frozen(world: World, person: Person, period: str) -> tuple[str, int]:
    async with world.runtime.engine.connect() as connection:
        row = (await connection.execute(text(
            "SELECT score, revision FROM results WHERE employee_id = :id AND period = :period"),
            {"id": person.id, "period": period})).one()
    return str(row.score), row.revision


async def test_a_new_calendar_revision_rescores_the_open_months_live_scores_that_read_it_once(
        world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
    await use_the_plan_execution_preset(client, tokens)

    rep, agent = world.rep, world.agent
    await write_log(client, tokens, clock, rep, date(2026, 10, 5))
    clock.set(NOW.replace(hour=9))
    closed = await client.post(f"/periods/{OCTOBER}/close", headers=tokens.hr(), json={"missing_stages_rule": "zero"})
    assert closed.status_code == 200, closed.text
    october_result = await frozen(world, rep, OCTOBER)
    october_score = await stored(world, rep, OCTOBER)
    october_announced = await announced(world, rep, OCTOBER)

    # November: logs on the 2nd to the 4th only; by the 18th at 10:00 the logs of the 5th to the
    # 16th are missing (the 17th's cut-off is now).
    for day in (2, 3, 4):
        await write_log(client, tokens, clock, rep, date(2026, 11, day))
    clock.set(NOW)
    await world.apply(CallLogged(call_id="c-1", agent_id=agent.id, started_at=datetime(2026, 11, 16, 2, tzinfo=UTC),
                                 call_date=date(2026, 11, 16), duration_seconds=90, connected=True,
                                 disposition="effective_conversation", effective=True))
    await write_log(client, tokens, clock, agent, date(2026, 11, 17))
    clock.set(NOW)
    # Rescored at the last input; the days missed since are not in the stored score yet.
    stale, _ = await stored(world, rep, NOVEMBER)
    agent_before = await stored(world, agent, NOVEMBER)
    events_before = len(await announced(world, rep, NOVEMBER))

    clock.advance(timedelta(minutes=5))
    # HR moves a week of November (and the first week of October) to holidays: fewer logs missed.
    holidays = [date(2026, 11, day) for day in range(9, 14)] + [date(2026, 10, day) for day in range(1, 8)]
    revision = CloudEvent.wrap(year_2026(revision=2, holidays=holidays), source="/org")
    await world.apply(revision)

    total, computed_at = await stored(world, rep, NOVEMBER)
    assert computed_at is not None and computed_at > NOW.astimezone(UTC), "rescored in the consumer's transaction"
    shown = (await client.get(f"/periods/{NOVEMBER}/employees/{rep.id}/score", headers=tokens.of(rep))).json()
    assert total == shown["total"] != stale, "the stored score is the one the calendar now gives"
    after = await announced(world, rep, NOVEMBER)
    assert (len(after), after[-1]) == (events_before + 1, total), "the new score is announced once"
    assert await stored(world, agent, NOVEMBER) == agent_before, "no calendar-dependent line: not rescored"
    assert await stored(world, rep, OCTOBER) == october_score, "a closed month is never touched"
    assert await frozen(world, rep, OCTOBER) == october_result
    assert await announced(world, rep, OCTOBER) == october_announced

    # Redelivered, or an older revision arriving late: nothing rescored, nothing announced twice.
    clock.advance(timedelta(minutes=5))
    outbox = await world.outbox()
    await world.apply(revision, year_2026(revision=1, holidays=[]))
    assert await stored(world, rep, NOVEMBER) == (total, computed_at)
    assert await world.outbox() == outbox

    # Another year's calendar moves none of 2026's scores.
    await world.apply(WorkingCalendarSet(year=2027, revision=1, weekend=[6, 7], holidays=[date(2027, 1, 1)],
                                         makeup_working_days=[], work_starts_at=time(9), work_ends_at=time(18)))
    assert await stored(world, rep, NOVEMBER) == (total, computed_at)


async def test_a_revision_that_leaves_the_score_as_it_was_announces_nothing(
        world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
    await use_the_plan_execution_preset(client, tokens)
    await write_log(client, tokens, clock, world.rep, date(2026, 11, 17))
    clock.set(NOW)
    await world.apply(year_2026(revision=1, holidays=[date(2026, 11, 9)]))  # rescored: the 9th is no longer missed
    events = len(await world.outbox("appraisal.score.updated.v1"))
    before, _ = await stored(world, world.rep, NOVEMBER)
    clock.advance(timedelta(minutes=5))
    await world.apply(year_2026(revision=2, holidays=[date(2026, 11, 9), date(2026, 12, 25)]))  # December is not begun
    total, computed_at = await stored(world, world.rep, NOVEMBER)
    assert (total, computed_at) == (before, (NOW + timedelta(minutes=5)).astimezone(UTC)), "rescored, unmoved"
    assert len(await world.outbox("appraisal.score.updated.v1")) == events, "the same total is not announced again"


async def scores_of(world: World, period: str) -> dict[uuid.UUID, tuple]:
    async with world.runtime.engine.connect() as connection:
        rows = await connection.execute(text(
            "SELECT employee_id, role, template_key, total, breakdown, computed_at FROM scores WHERE period = :period"),
            {"period": period})
        return {row.employee_id: tuple(row)[1:] for row in rows}


async def test_the_batch_scores_each_employee_exactly_as_a_single_recomputation_does(
        world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
    """service_layer.score_batches against handlers.recompute on one company: plan execution for the
    reps, facts rolled up to the leader with a review, calls for the agent, no template for the managers."""
    await use_the_plan_execution_preset(client, tokens)
    for day in (2, 3):
        await write_log(client, tokens, clock, world.rep, date(2026, 11, day))
    clock.set(NOW)
    await world.apply(
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep2.id, amount=Decimal("1234.50"),
                signed_on=date(2026, 11, 5)),
        CallLogged(call_id="c-1", agent_id=world.agent.id, started_at=datetime(2026, 11, 16, 2, tzinfo=UTC),
                   call_date=date(2026, 11, 16), duration_seconds=90, connected=True,
                   disposition="effective_conversation", effective=True))
    assert (await client.post(f"/periods/{NOVEMBER}/employees/{world.leader.id}/reviews",
                              headers=tokens.of(world.leader), json={
                                  "stage": "self", "ratings": {"teamwork": "80", "ability": "70"}})).status_code == 201
    everyone = [person.id for person in world.people]
    bus = world.runtime.bus
    async with world.runtime.uow_factory() as uow:
        await uow.periods.lock(NOVEMBER)
        for employee_id in everyone:
            await handlers.recompute(uow, bus, employee_id, NOVEMBER)
        await uow.commit()
    single = await scores_of(world, NOVEMBER)
    assert {total is None for _, _, total, _, _ in single.values()} == {True, False}, "cards and no cards"

    async with world.runtime.engine.begin() as connection:
        await connection.execute(text(
            "UPDATE scores SET role = NULL, template_key = NULL, total = NULL, breakdown = NULL, computed_at = NULL"))
    async with world.runtime.uow_factory() as uow:
        await uow.periods.lock(NOVEMBER)
        await score_batches.recompute_period(uow, bus, NOVEMBER, [*everyone, uuid.uuid4()])  # one without a score
        announced = {event.data["employee_id"] for event in uow.emitted}
        await uow.commit()
    assert await scores_of(world, NOVEMBER) == single
    assert announced == {str(employee_id) for employee_id, row in single.items() if row[2] is not None}
