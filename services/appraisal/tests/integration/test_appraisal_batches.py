"""The paths that move many live scores at once, batched (service_layer.score_batches and
plan_executions_of), give what one recomputation per person gives; and the daily plan-execution
sweep moves the scores that the passing days move, once a company day, on the real database. The
clock stands on Wednesday 18 November 2026, 10:00 in Shanghai; the reps are scored on plan
execution (daily logs owed)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from appraisal_world import Tokens, World
from live_scores import (
    NOVEMBER,
    NOW,
    OCTOBER,
    SHANGHAI,
    announced,
    stored,
    use_the_plan_execution_preset,
    write_log,
    year_2026,
)
from sqlalchemy import text

from appraisal.__main__ import cli
from appraisal.domain.periods import Period
from appraisal.service_layer import handlers
from appraisal.service_layer.commands import SweepPlanExecution
from appraisal.service_layer.plan_execution import plan_executions_of
from devstack.pytest_plugin import run_service_cli
from shared.clock import FixedClock


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW.astimezone(UTC))


async def scores_of(world: World, period: str) -> dict[uuid.UUID, tuple]:
    """Every live score of the period but the moment it was computed."""
    async with world.runtime.engine.connect() as connection:
        rows = await connection.execute(text(
            "SELECT employee_id, role, template_key, total, breakdown FROM scores WHERE period = :period"),
            {"period": period})
        return {row.employee_id: tuple(row)[1:] for row in rows}


async def recomputed_one_by_one(world: World, period: str) -> dict[uuid.UUID, tuple]:
    """What handlers.recompute gives each live score of the period, rolled back."""
    async with world.runtime.uow_factory() as uow:
        await uow.periods.lock(period)
        for employee_id in sorted(await uow.scores.employees_in(period), key=str):
            await handlers.recompute(uow, world.runtime.bus, employee_id, period)
        await uow.session.flush()
        rows = await uow.session.execute(text(
            "SELECT employee_id, role, template_key, total, breakdown FROM scores WHERE period = :period"),
            {"period": period})
        return {row.employee_id: tuple(row)[1:] for row in rows}


# --- the close, the reopen and the template save, batched -------------------------------------------


async def test_the_close_scores_several_plan_execution_people_each_with_their_own_figures(
        world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
    await use_the_plan_execution_preset(client, tokens)
    # Three reps, three different Octobers: 10, 5 and no logs of the 22 working days.
    for person, days in ((world.rep, range(1, 15)), (world.rep2, range(19, 24))):
        for day in days:
            if date(2026, 10, day).isoweekday() <= 5:
                await write_log(client, tokens, clock, person, date(2026, 10, day))
    clock.set(NOW)
    reps = {person.id: person.role for person in (world.rep, world.rep2, world.rep3)}
    async with world.runtime.uow_factory() as uow:
        expected = {employee_id: str(execution.score) for employee_id, execution in
                    (await plan_executions_of(uow, world.runtime.bus, Period.parse(OCTOBER), reps)).items()}
    # ... each as the single read of one person gives it.
    for employee_id in reps:
        async with world.runtime.uow_factory() as uow:
            alone = await plan_executions_of(uow, world.runtime.bus, Period.parse(OCTOBER),
                                             {employee_id: reps[employee_id]})
        assert str(alone[employee_id].score) == expected[employee_id]
    assert len(set(expected.values())) == 3, "three different figures, each to its own person"

    closed = await client.post(f"/periods/{OCTOBER}/close", headers=tokens.hr(), json={"missing_stages_rule": "zero"})
    assert closed.status_code == 200, closed.text
    finalized = {e["data"]["employee_id"]: e["data"] for e in await world.outbox("appraisal.result.finalized.v1")}
    assert {employee_id: finalized[str(employee_id)]["plan_execution"] for employee_id in reps} == {
        employee_id: expected[employee_id] for employee_id in reps}
    assert finalized[str(world.leader.id)]["plan_execution"] is None, "no plan-execution line, nothing read"
    for employee_id in reps:
        frozen = (await client.get(f"/periods/{OCTOBER}/employees/{employee_id}/score", headers=tokens.hr())).json()
        line = next(i for i in frozen["indicators"] if i["key"] == "plan_execution")
        assert line["raw_value"] == expected[employee_id]


async def test_a_reopen_rescores_every_live_score_as_one_recomputation_each_would(
        world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
    await use_the_plan_execution_preset(client, tokens)
    for day in (5, 6, 7):
        await write_log(client, tokens, clock, world.rep, date(2026, 10, day))
    clock.set(NOW)
    assert (await client.post(f"/periods/{OCTOBER}/close", headers=tokens.hr(),
                              json={"missing_stages_rule": "zero"})).status_code == 200
    before = await scores_of(world, OCTOBER)
    assert world.rep3.id not in before, "appraised at the close without any input: no live score yet"

    reopened = await client.post(f"/periods/{OCTOBER}/reopen", headers=tokens.hr(), json={"reason": "late calls"})
    assert reopened.status_code == 200, reopened.text
    after = await scores_of(world, OCTOBER)
    assert world.rep3.id in after and after[world.rep3.id][2] is not None, "the result's person is live again"
    assert after == await recomputed_one_by_one(world, OCTOBER)
    assert await announced(world, world.rep3, OCTOBER) == [str(after[world.rep3.id][2])]


async def test_a_template_save_rescores_its_roles_open_months_as_one_recomputation_each_would(
        world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
    for person in (world.rep, world.rep2):
        await write_log(client, tokens, clock, person, date(2026, 11, 2))
    await write_log(client, tokens, clock, world.rep, date(2026, 11, 3))
    clock.set(NOW)
    for person in (world.rep, world.rep2, world.leader):  # live scores under the sales template
        async with world.runtime.uow_factory() as uow:
            await uow.periods.lock(NOVEMBER)
            await handlers.recompute(uow, world.runtime.bus, person.id, NOVEMBER)
            await uow.commit()
    sales_scores = await scores_of(world, NOVEMBER)
    events = len(await world.outbox("appraisal.score.updated.v1"))

    await use_the_plan_execution_preset(client, tokens)
    moved = await scores_of(world, NOVEMBER)
    assert {moved[person.id][1] for person in (world.rep, world.rep2)} == {"regional_sales"}
    assert moved[world.rep.id][2] != moved[world.rep2.id][2], "each rep's own logs"
    assert moved == await recomputed_one_by_one(world, NOVEMBER)
    changed = [person for person in world.people if person.id in moved
               and moved[person.id][2] != sales_scores[person.id][2]]
    assert len(await world.outbox("appraisal.score.updated.v1")) == events + len(changed)


# --- the daily plan-execution sweep -------------------------------------------------------------------


async def sweep(world: World):
    return await world.runtime.bus.handle(SweepPlanExecution())


async def test_the_sweep_moves_the_scores_the_days_move_once_a_company_day(
        world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
    await use_the_plan_execution_preset(client, tokens)
    await world.apply(year_2026([date(2026, 11, 20)]))  # Friday the 20th is a public holiday
    await write_log(client, tokens, clock, world.rep, date(2026, 10, 5))
    clock.set(NOW)
    assert (await client.post(f"/periods/{OCTOBER}/close", headers=tokens.hr(),
                              json={"missing_stages_rule": "zero"})).status_code == 200
    october = await stored(world, world.rep, OCTOBER)
    october_events = await announced(world, world.rep, OCTOBER)
    for day in range(2, 18):  # every working day of November up to the 17th
        if date(2026, 11, day).isoweekday() <= 5:
            await write_log(client, tokens, clock, world.rep, date(2026, 11, day))
    for person in (world.leader, world.agent):  # live scores without a plan-execution line
        async with world.runtime.uow_factory() as uow:
            await uow.periods.lock(NOVEMBER)
            await handlers.recompute(uow, world.runtime.bus, person.id, NOVEMBER)
            await uow.commit()

    # The first look sweeps (nothing recorded yet); nothing missed, nothing moves.
    clock.set(NOW + timedelta(minutes=1))
    full, _ = await stored(world, world.rep, NOVEMBER)
    others = {person.id: await stored(world, person, NOVEMBER) for person in (world.leader, world.agent)}
    events = len(await world.outbox("appraisal.score.updated.v1"))
    first = await sweep(world)
    assert (first.day, first.swept) == (date(2026, 11, 18), True)
    assert (await stored(world, world.rep, NOVEMBER))[0] == full
    assert len(await world.outbox("appraisal.score.updated.v1")) == events

    # Thursday the 19th at 10:30: the 18th's log, never written, is past its cut-off.
    clock.set(datetime(2026, 11, 19, 10, 30, tzinfo=SHANGHAI))
    swept = await sweep(world)
    assert (swept.day, swept.swept) == (date(2026, 11, 19), True)
    dropped, computed_at = await stored(world, world.rep, NOVEMBER)
    assert dropped is not None and full is not None and float(dropped) < float(full)
    assert computed_at == clock.now()
    shown = (await client.get(f"/periods/{NOVEMBER}/employees/{world.rep.id}/score", headers=tokens.of(world.rep)))
    assert shown.json()["total"] == dropped, "the stored score is the one a read computes"
    assert (await announced(world, world.rep, NOVEMBER))[-1] == dropped
    assert len(await world.outbox("appraisal.score.updated.v1")) == events + 1, "one ScoreUpdated: the rep's"
    for person in (world.leader, world.agent):
        assert await stored(world, person, NOVEMBER) == others[person.id], "no plan-execution line: untouched"

    # Later the same company day (and a clock set back before the cut-off): nothing again.
    outbox = await world.outbox()
    for moment in (datetime(2026, 11, 19, 23, 0), datetime(2026, 11, 20, 9, 59)):
        clock.set(moment.replace(tzinfo=SHANGHAI))
        assert (await sweep(world)).swept is False
    assert await stored(world, world.rep, NOVEMBER) == (dropped, computed_at)
    assert await world.outbox() == outbox

    # Friday the 20th: the 19th was owed and missed.
    clock.set(datetime(2026, 11, 20, 10, 30, tzinfo=SHANGHAI))
    assert (await sweep(world)).swept is True
    friday, _ = await stored(world, world.rep, NOVEMBER)
    assert float(friday) < float(dropped)
    # Saturday the 21st: the 20th's cut-off has passed, but on org's calendar it was a public holiday.
    events = len(await world.outbox("appraisal.score.updated.v1"))
    clock.set(datetime(2026, 11, 21, 10, 30, tzinfo=SHANGHAI))
    assert (await sweep(world)).swept is True
    assert (await stored(world, world.rep, NOVEMBER)) == (friday, clock.now()), "rescored, unmoved"
    assert len(await world.outbox("appraisal.score.updated.v1")) == events, "an unmoved total is not announced"

    assert await stored(world, world.rep, OCTOBER) == october, "a closed month is never swept"
    assert await announced(world, world.rep, OCTOBER) == october_events


async def test_two_replicas_sweeping_at_once_sweep_the_day_once(
        world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
    await use_the_plan_execution_preset(client, tokens)
    await write_log(client, tokens, clock, world.rep, date(2026, 11, 16))
    clock.set(NOW)
    assert (await sweep(world)).swept is True
    before, _ = await stored(world, world.rep, NOVEMBER)
    events = len(await announced(world, world.rep, NOVEMBER))

    clock.set(datetime(2026, 11, 19, 10, 30, tzinfo=SHANGHAI))
    results = await asyncio.gather(sweep(world), sweep(world))
    assert sorted(result.swept for result in results) == [False, True]
    after = await announced(world, world.rep, NOVEMBER)
    assert len(after) == events + 1 and after[-1] != before
    async with world.runtime.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT name, swept_on FROM day_sweeps"))).all()
    assert [tuple(row) for row in rows] == [("plan_execution", date(2026, 11, 19))]


async def test_the_cli_sweeps_the_company_day_once(empty_database: str):
    assert run_service_cli(cli, "appraisal", empty_database, "migrate").exit_code == 0
    first = run_service_cli(cli, "appraisal", empty_database, "sweep-plan-execution")
    assert first.exit_code == 0 and first.output.startswith("swept "), first.output
    again = run_service_cli(cli, "appraisal", empty_database, "sweep-plan-execution")
    assert again.exit_code == 0 and "swept already" in again.output, again.output
