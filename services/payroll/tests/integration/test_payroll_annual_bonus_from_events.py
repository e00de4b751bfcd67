"""The annual score over the consumers and the API (A1), and the year-end bonus it pays (P3 + A5): stored
once per revision however redelivered or reordered, paid by the January run, owed with the reason by
that run when the result is missing and paid by the first later run once it arrives — never twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time
from decimal import Decimal

import httpx
from payroll_world import SALES, TELESALES, PayrollWorld, Tokens, closed, day, finalized, hired

from payroll.service_layer import commands
from shared.auth import Role
from shared.clock import shift_month
from shared.events.appraisal import AnnualResultFinalized, PeriodReopened

D = Decimal
ANN, BAO, CAI = uuid.UUID(int=0xA), uuid.UUID(int=0xB), uuid.UUID(int=0xC)


def annual(employee_id: uuid.UUID, year: int, *, score: str = "84.5", coefficient: str = "1.2", revision: int = 1
           ) -> AnnualResultFinalized:
    months = [f"{year}-{month:02d}" for month in range(1, 13)]
    return AnnualResultFinalized(year=year, employee_id=employee_id, score=D(score), coefficient=D(coefficient),
                                 months_scored=months[1:], months_missing=months[:1],
                                 missing_months_rule="employed_months", revision=revision,
                                 computed_at=datetime(year + 1, 1, 10, 9, tzinfo=UTC))


def january_of(period: str) -> str:
    """A January safely in the past of the suite's clock, whose run pays the year before it."""
    return f"{int(period[:4]) - 1}-01"


async def set_annual_plan(world: PayrollWorld, effective_from: str, *, base_follows_plan_execution: bool = False
                          ) -> None:
    await world.runtime.bus.handle(commands.SetPlan(
        role="sales_rep", effective_from=effective_from, monthly_base=D("3000.00"),
        performance_standard=D("2000.00"), bonus_base=D("1000.00"), commission_rate=D("0.02"), set_by=uuid.uuid4(),
        parts=frozenset({"base", "performance_pay", "bonus", "annual_bonus"}), annual_bonus_base=D("5000.00"),
        base_follows_plan_execution=base_follows_plan_execution))


async def close_month(world: PayrollWorld, period: str, *people: uuid.UUID, plan_execution: str | None = None
                      ) -> None:
    for employee_id in people:
        await world.deliver(finalized(employee_id, period).model_copy(
            update={"plan_execution": D(plan_execution) if plan_execution else None}))
    await world.deliver(closed(period, count=len(people)))


def lines_of(slip, rule: str) -> list[dict]:
    return [line for line in slip.lines if line["rule"] == rule]


async def test_annual_results_keep_the_highest_revision_whatever_the_order_or_redelivery(world: PayrollWorld) -> None:
    year = int(world.period[:4]) - 1
    second = await world.deliver(annual(ANN, year, score="81", coefficient="1.2", revision=2))
    await world.deliver(second)  # redelivered: the inbox drops it
    assert world.duplicates == 1
    await world.deliver(annual(ANN, year, score="95", coefficient="1.5", revision=1))  # older, arriving late
    await world.deliver(annual(ANN, year, score="81", coefficient="1.2", revision=2))  # same revision, new id
    (stored,) = await world.query("SELECT score, coefficient, revision FROM annual_results WHERE employee_id = :e",
                                  e=ANN)
    assert (stored.score, stored.coefficient, stored.revision) == (D("81"), D("1.2"), 2)
    await world.deliver(annual(ANN, year, score="72", coefficient="1.0", revision=3))
    (stored,) = await world.query("SELECT score, revision FROM annual_results WHERE employee_id = :e", e=ANN)
    assert (stored.score, stored.revision) == (D("72"), 3)


async def test_the_january_run_pays_the_annual_bonus_and_owes_it_where_the_result_is_missing(
        world: PayrollWorld, client: httpx.AsyncClient, tokens: Tokens) -> None:
    january = january_of(world.period)
    year = int(january[:4]) - 1
    february, march = shift_month(january, 1), shift_month(january, 2)
    hr = tokens.headers(Role.HR)
    await set_annual_plan(world, shift_month(january, -3))
    await world.deliver(annual(ANN, year, score="84.5", coefficient="1.2"))
    await close_month(world, january, ANN, BAO)

    (run,) = await world.runs()
    slips = await world.payslips(january)
    (bonus,) = lines_of(slips[ANN], "P3.annual_bonus")
    assert D(bonus["amount"]) == D("6000.00")  # 5000.00 × 1.2
    assert (bonus["inputs"]["year"], D(bonus["inputs"]["annual_score"]), bonus["inputs"]["months_counted"]) == (
        year, D("84.5"), 11)
    assert lines_of(slips[BAO], "P3.annual_bonus") == []
    listed = (await client.get(f"/runs/{run.id}/annual-bonus", headers=hr)).json()
    assert [(row["employee_id"], row["status"]) for row in listed] == [(str(ANN), "paid"), (str(BAO), "owed")]
    assert f"no annual appraisal result for {year}" in listed[1]["reason"]
    (owed,) = (await client.get("/annual-bonus/owed", headers=hr)).json()
    assert (owed["employee_id"], owed["year"], owed["annual_bonus_base"]) == (str(BAO), year, "5000.00")
    await world.runtime.bus.handle(commands.ApproveRun(run_id=run.id, by=uuid.uuid4()))
    await world.runtime.bus.handle(commands.LockRun(run_id=run.id, by=uuid.uuid4()))

    # February: Bao's result is still missing — still owed, once, by January's run.
    await close_month(world, february, ANN, BAO)
    feb_slips = await world.payslips(february)
    assert all(lines_of(slip, "P3.annual_bonus") == [] for slip in feb_slips.values())
    assert len((await client.get("/annual-bonus/owed", headers=hr)).json()) == 1

    # The result arrives (twice); March's run pays it, and recomputing March does not pay it twice.
    envelope = await world.deliver(annual(BAO, year, score="62", coefficient="0.8"))
    await world.deliver(envelope)
    await close_month(world, march, ANN, BAO)
    march_run = next(each for each in await world.runs() if each.period == march)
    await world.runtime.bus.handle(commands.RecomputeRun(run_id=march_run.id, by=uuid.uuid4()))
    march_slips = await world.payslips(march)
    (paid,) = lines_of(march_slips[BAO], "P3.annual_bonus")
    assert D(paid["amount"]) == D("4000.00")  # 5000.00 × 0.8
    assert lines_of(march_slips[ANN], "P3.annual_bonus") == []
    assert (await client.get("/annual-bonus/owed", headers=hr)).json() == []
    settlements = await world.query("SELECT employee_id, status, amount FROM annual_bonus_settlements "
                                    "WHERE status = 'paid' ORDER BY employee_id")
    assert [(row.employee_id, row.amount) for row in settlements] == [(ANN, D("6000.00")), (BAO, D("4000.00"))]


async def test_a_revised_annual_result_is_paid_as_the_difference_by_the_next_run(world: PayrollWorld) -> None:
    january = january_of(world.period)
    year = int(january[:4]) - 1
    await set_annual_plan(world, shift_month(january, -3))
    await world.deliver(annual(ANN, year, coefficient="1.2"))
    await close_month(world, january, ANN)
    await world.deliver(annual(ANN, year, coefficient="1.5", revision=2))
    await close_month(world, shift_month(january, 1), ANN)
    (difference,) = lines_of((await world.payslips(shift_month(january, 1)))[ANN], "P3.annual_bonus.revision")
    assert D(difference["amount"]) == D("1500.00")  # 5000 × 1.5 − 6000.00 paid


async def test_plan_execution_adjusts_base_only_on_a_plan_that_opts_in(world: PayrollWorld) -> None:
    period = world.period
    await set_annual_plan(world, shift_month(period, -3), base_follows_plan_execution=True)
    await close_month(world, period, ANN, plan_execution="60")
    (adjustment,) = lines_of((await world.payslips(period))[ANN], "A8.plan_execution")
    assert D(adjustment["amount"]) == D("-750.00")  # 3000.00 × (60 ÷ 80 − 1)
    (stored,) = await world.query("SELECT plan_execution FROM appraisal_results WHERE employee_id = :e", e=ANN)
    assert stored.plan_execution == D("60")


async def test_annual_results_are_read_within_scope(world: PayrollWorld, client: httpx.AsyncClient,
                                                    tokens: Tokens) -> None:
    year = int(world.period[:4]) - 1
    await world.deliver(hired(ANN, world.period, department_id=SALES, name="Ann"))
    await world.deliver(hired(CAI, world.period, department_id=SALES, name="Cai"))
    await world.deliver(hired(BAO, world.period, department_id=TELESALES, name="Bao"))
    for employee_id in (ANN, BAO, CAI):
        await world.deliver(annual(employee_id, year))

    def ids(response: httpx.Response) -> set[str]:
        assert response.status_code == 200, response.text
        return {row["employee_id"] for row in response.json()}

    everyone = {str(ANN), str(BAO), str(CAI)}
    for role in (Role.HR, Role.FINANCE):
        assert ids(await client.get(f"/annual-results?year={year}", headers=tokens.headers(role))) == everyone
    manager = tokens.headers(Role.DEPARTMENT_MANAGER, employee_id=uuid.uuid4(), department_id=SALES)
    assert ids(await client.get(f"/annual-results?year={year}", headers=manager)) == {str(ANN), str(CAI)}
    rep = tokens.headers(Role.SALES_REP, employee_id=BAO, department_id=TELESALES)
    assert ids(await client.get(f"/annual-results?year={year}", headers=rep)) == {str(BAO)}
    leader = tokens.headers(Role.GROUP_LEADER, employee_id=uuid.uuid4(), department_id=SALES)
    assert ids(await client.get(f"/annual-results?year={year}", headers=leader)) == set()
    assert ids(await client.get(f"/annual-results?year={year - 1}", headers=tokens.headers(Role.HR))) == set()

    assert (await client.get(f"/annual-results?year={year}")).status_code == 401
    bad = await client.get("/annual-results?year=twenty", headers=tokens.headers(Role.HR))
    assert bad.status_code == 422 and "year" in bad.text
    assert (await client.get("/annual-bonus/owed", headers=rep)).status_code == 403
    assert (await client.get(f"/runs/{uuid.uuid4()}/annual-bonus", headers=manager)).status_code == 403
    assert (await client.get(f"/runs/{uuid.uuid4()}/annual-bonus", headers=tokens.headers(Role.HR))).status_code == 404


async def test_a_plan_states_the_annual_bonus_and_plan_execution_through_the_api(
        client: httpx.AsyncClient, tokens: Tokens, period: str) -> None:
    hr = tokens.headers(Role.HR)
    body = {"effective_from": shift_month(period, 1), "monthly_base": "3000.00", "performance_standard": "2000.00",
            "bonus_base": "1000.00", "commission_rate": "0.02", "parts": ["base", "annual_bonus"],
            "annual_bonus_base": "5000.00", "base_follows_plan_execution": True}
    response = await client.put("/plans/sales_rep", json=body, headers=hr)
    assert response.status_code == 200, response.text
    stated = response.json()
    assert (stated["annual_bonus_base"], stated["base_follows_plan_execution"], stated["appraised"]) == (
        "5000.00", True, False)
    refused = await client.put("/plans/telesales_agent", json={**body, "parts": ["annual_bonus"]}, headers=hr)
    assert refused.status_code == 422 and "base_follows_plan_execution" in refused.text
    negative = await client.put("/plans/telesales_agent", json={**body, "annual_bonus_base": "-1"}, headers=hr)
    assert negative.status_code == 422


async def test_a_revised_plan_execution_score_after_the_lock_is_paid_as_a_difference(world: PayrollWorld) -> None:
    period, following = world.period, shift_month(world.period, 1)
    await set_annual_plan(world, shift_month(period, -3), base_follows_plan_execution=True)
    await close_month(world, period, ANN, plan_execution="60")  # base 3000.00, A8 −750.00
    (run,) = await world.runs()
    await world.runtime.bus.handle(commands.ApproveRun(run_id=run.id, by=uuid.uuid4()))
    await world.runtime.bus.handle(commands.LockRun(run_id=run.id, by=uuid.uuid4()))
    reopened = PeriodReopened(period=period, reopened_at=datetime.combine(day(following, 9), time(9), tzinfo=UTC),
                              reopened_by=uuid.uuid4(), reason="the plan execution was re-checked", revision=1)
    revised = finalized(ANN, period).model_copy(update={"plan_execution": D(72), "revision": 2})
    for event in (reopened, revised, closed(period, count=1).model_copy(update={"revision": 2})):
        envelope = await world.deliver(event)
        await world.deliver(envelope)
    (adjustment,) = await world.query("SELECT amount FROM revision_adjustments WHERE employee_id = :e", e=ANN)
    # Score and coefficient unchanged: 3000.00 × (72 ÷ 80 − 1) = −300.00, against −750.00 paid.
    assert adjustment.amount == D("450.00")
