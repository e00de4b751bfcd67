"""Issue 9 (items 1, 2, 8) on the real database through the API: everyone employed is on the run,
a role not appraised paid base + fixed performance pay, a blocker refusing approval until the
plan is set and the run recomputed, per-person overrides, special incentives, four eyes."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import httpx
from payroll_world import SALES, PayrollWorld, Tokens, closed, day, finalized, hired, paid

from shared.auth import Role
from shared.calendar import Calendars
from shared.clock import shift_month
from shared.events.org import AttendanceDayClassified, EmployeeHired, EmployeeLeft

D = Decimal
ANN, FAY, HUI, LEO, NED, KAI = (uuid.UUID(int=n) for n in (0xA1, 0xF1, 0x41, 0x1E, 0x9E, 0x4A))


def plan_body(effective_from: str, **changes) -> dict:
    return {"effective_from": effective_from, "monthly_base": "3000.00", "performance_standard": "2000.00",
            "bonus_base": "1000.00", "commission_rate": "0.02", **changes}


FINANCE_PLAN = {"monthly_base": "4500.00", "parts": ["base", "performance_pay"], "performance_fixed": "800.00"}


async def run_of(client: httpx.AsyncClient, tokens: Tokens, period: str) -> dict:
    runs = (await client.get("/runs", headers=tokens.headers(Role.FINANCE))).json()
    (run,) = [run for run in runs if run["period"] == period]
    return run


async def slips_of(client: httpx.AsyncClient, tokens: Tokens, run: dict) -> dict[str, dict]:
    slips = (await client.get(f"/runs/{run['id']}/payslips", headers=tokens.headers(Role.HR))).json()
    return {slip["employee_id"]: slip for slip in slips}


def lines(slip: dict) -> dict[str, Decimal]:
    return {line["rule"]: D(line["amount"]) for line in slip["lines"]}


async def a_month(world: PayrollWorld, client: httpx.AsyncClient, tokens: Tokens, *, hr_plan: bool = False) -> dict:
    """Ann a rep (appraised), Fay in finance (not appraised), Hui in HR (no plan unless ``hr_plan``);
    Leo left before the period and Ned joins after it: neither is on the run."""
    period, hr = world.period, tokens.headers(Role.HR)
    since = shift_month(period, -9)
    for role, body in (("sales_rep", plan_body(since)), ("finance", plan_body(since, **FINANCE_PLAN))):
        response = await client.put(f"/plans/{role}", json=body, headers=hr)
        assert response.status_code == 200, response.text
    if hr_plan:
        assert (await client.put("/plans/hr", json=plan_body(since, parts=["base"]), headers=hr)).status_code == 200
    await world.deliver(hired(ANN, period, name="Ann"))
    await world.deliver(hired(FAY, period, role="finance", name="Fay"))
    await world.deliver(hired(HUI, period, role="hr", name="Hui"))
    await world.deliver(hired(LEO, period, name="Leo"))
    await world.deliver(EmployeeLeft(employee_id=LEO, left_on=day(shift_month(period, -1), -1), department_id=SALES))
    await world.deliver(EmployeeHired(employee_id=NED, name="Ned", role="sales_rep", department_id=SALES,
                                      hired_on=day(shift_month(period, 1), 1)))
    # Fay was absent one full working day: P6 is taken from her fixed performance pay like anyone's.
    absent_on = Calendars().working_days_of_month(period)[3]
    await world.deliver(AttendanceDayClassified(employee_id=FAY, work_date=absent_on, period=period, revision=1,
                                                classification="full_day_absence", absence_days=D(1)))
    await world.deliver(paid(ANN, "1000.00", day(period, 10)))
    await world.deliver(finalized(ANN, period, score="80", coefficient="1.0"))
    await world.deliver(closed(period, count=1))  # appraisal froze one result: Ann's
    return await run_of(client, tokens, period)


# --- everyone on the run, blockers ------------------------------------------------------------------

async def test_everyone_employed_is_paid_or_listed_as_a_blocker_until_recomputed(world, client, tokens,
                                                                                period) -> None:
    hr, finance = tokens.headers(Role.HR), tokens.headers(Role.FINANCE)
    run = await a_month(world, client, tokens)
    assert (run["status"], run["payslip_count"]) == ("computed", 2)
    assert run["blockers"] == [{"employee_id": str(HUI), "name": "Hui", "role": "hr",
                                "reason": f"no compensation plan for role 'hr' in force for {period}"}]
    slips = await slips_of(client, tokens, run)
    assert set(slips) == {str(ANN), str(FAY)}  # Leo left before the period, Ned came after it
    assert lines(slips[str(ANN)]) == {"P1.base_salary": D("3000.00"), "P2.performance_pay": D("2000.00"),
                                      "P3.bonus": D("1000.00"), "P4.commission": D("20.00")}
    fay = slips[str(FAY)]
    assert lines(fay) == {"P1.base_salary": D("4500.00"), "P2.performance_fixed": D("800.00"),
                          "P6.absence_wage": D("-206.90"),  # 4500 ÷ 21.75 = 206.896…
                          "P6.absence_fixed": D("-200.00")}
    assert (D(fay["gross"]), fay["score"], fay["coefficient"]) == (D("4893.10"), None, None)
    assert D(run["total_gross"]) == D("6020.00") + D("4893.10")

    refused = await client.post(f"/runs/{run['id']}/approve", headers=hr)
    assert refused.status_code == 409
    assert [b["employee_id"] for b in refused.json()["blockers"]] == [str(HUI)]

    # HR gives the role a plan (base only) and recomputes the draft; twice, to prove nothing doubles.
    assert (await client.put("/plans/hr", json=plan_body(period, parts=["base"], monthly_base="3800.00"),
                             headers=hr)).status_code == 200
    for _ in range(2):
        recomputed = await client.post(f"/runs/{run['id']}/recompute", headers=finance)
        assert recomputed.status_code == 200, recomputed.text
    recomputed = recomputed.json()
    assert (recomputed["id"], recomputed["blockers"], recomputed["payslip_count"]) == (run["id"], [], 3)
    slips = await slips_of(client, tokens, recomputed)
    assert lines(slips[str(HUI)]) == {"P1.base_salary": D("3800.00")}
    assert lines(slips[str(ANN)])["P4.commission"] == D("20.00")  # the payment settled once, not twice
    assert lines(slips[str(FAY)])["P6.absence_wage"] == D("-206.90")
    assert D(recomputed["total_gross"]) == D("6020.00") + D("4893.10") + D("3800.00")
    assert len(await world.query("SELECT 1 FROM attendance_settlements WHERE run_id = :r", r=uuid.UUID(run["id"]))) == 3
    assert len(await world.outbox("payroll.run.computed.v1")) == 3  # computed, then recomputed twice

    # The facts redelivered change nothing: still one run, the same figures.
    await world.deliver(finalized(ANN, period, score="80", coefficient="1.0"))
    await world.deliver(closed(period, count=1))
    assert (await run_of(client, tokens, period))["total_gross"] == recomputed["total_gross"]

    approver = uuid.uuid4()
    assert (await client.post(f"/runs/{run['id']}/approve",
                              headers=tokens.headers(Role.HR, employee_id=approver))).status_code == 200
    same = await client.post(f"/runs/{run['id']}/lock", headers=tokens.headers(Role.FINANCE, employee_id=approver))
    assert same.status_code == 409 and "four eyes" in same.json()["detail"]
    assert (await client.post(f"/runs/{run['id']}/lock", headers=finance)).json()["status"] == "locked"
    assert (await client.post(f"/runs/{run['id']}/recompute", headers=finance)).status_code == 409


async def test_recomputing_withdraws_the_approval_and_only_officers_recompute(world, client, tokens) -> None:
    run = await a_month(world, client, tokens, hr_plan=True)
    assert run["blockers"] == []
    approved = await client.post(f"/runs/{run['id']}/approve", headers=tokens.headers(Role.HR))
    assert approved.json()["status"] == "approved"
    for role in (Role.SALES_REP, Role.DEPARTMENT_MANAGER, Role.ADMIN):
        assert (await client.post(f"/runs/{run['id']}/recompute", headers=tokens.headers(role))).status_code == 403
    again = (await client.post(f"/runs/{run['id']}/recompute", headers=tokens.headers(Role.FINANCE))).json()
    assert (again["status"], again["approved_by"]) == ("computed", None)
    assert (await client.post(f"/runs/{uuid.uuid4()}/recompute", headers=tokens.headers(Role.HR))).status_code == 404


# --- plans and overrides ----------------------------------------------------------------------------

async def test_role_plan_history_and_bad_plans(client, tokens, period) -> None:
    hr = tokens.headers(Role.HR)
    first = await client.put("/plans/finance", json=plan_body(shift_month(period, -9), **FINANCE_PLAN), headers=hr)
    assert first.json()["appraised"] is False and first.json()["parts"] == ["base", "performance_pay"]
    duplicate = await client.put("/plans/finance", json=plan_body(shift_month(period, -9)), headers=hr)
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "effective_from"
    negative = await client.put("/plans/finance", json=plan_body(period, performance_fixed="-1"), headers=hr)
    assert negative.status_code == 422
    assert [e["field"] for e in negative.json()["errors"]] == ["performance_fixed"]
    bad_part = await client.put("/plans/finance", json=plan_body(period, parts=["base", "profit"]), headers=hr)
    assert bad_part.status_code == 422 and "parts" in bad_part.json()["errors"][0]["field"]
    await client.put("/plans/finance", json=plan_body(period, monthly_base="4600.00"), headers=hr)
    history = (await client.get("/plans/finance", headers=tokens.headers(Role.DEPARTMENT_MANAGER))).json()
    assert [(p["version"], p["monthly_base"], p["appraised"]) for p in history] == [(1, "4500.00", False),
                                                                                   (2, "4600.00", True)]
    assert (await client.get("/plans/hr", headers=hr)).status_code == 404
    assert (await client.get("/plans/finance", headers=tokens.headers(Role.SALES_REP))).status_code == 403


async def test_a_persons_override_is_versioned_and_paid_on_the_run(world, client, tokens, period) -> None:
    hr = tokens.headers(Role.HR)
    await world.deliver(hired(ANN, period, name="Ann"))
    url = f"/plans/people/{ANN}"
    first = await client.put(url, json={"effective_from": shift_month(period, -2), "monthly_base": "3500.00"},
                             headers=hr)
    assert first.status_code == 200, first.text
    assert (first.json()["version"], first.json()["monthly_base"], first.json()["bonus_base"]) == (1, "3500.00", None)
    later = await client.put(url, json={"effective_from": shift_month(period, 1), "commission_rate": "0.05"},
                             headers=tokens.headers(Role.FINANCE))
    assert later.json()["version"] == 2

    duplicate = await client.put(url, json={"effective_from": shift_month(period, 1), "monthly_base": "1.00"},
                                 headers=hr)
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "effective_from"
    negative = await client.put(url, json={"effective_from": period, "bonus_base": "-5.00"}, headers=hr)
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "bonus_base"
    empty = await client.put(url, json={"effective_from": period}, headers=hr)
    assert empty.status_code == 422
    unknown = await client.put(f"/plans/people/{uuid.uuid4()}", json={"effective_from": period,
                                                                       "monthly_base": "1.00"}, headers=hr)
    assert unknown.status_code == 404
    assert (await client.get(f"/plans/people/{uuid.uuid4()}", headers=hr)).status_code == 404
    for role in (Role.SALES_REP, Role.DEPARTMENT_MANAGER, Role.ADMIN):
        assert (await client.get(url, headers=tokens.headers(role, employee_id=ANN))).status_code == 403
        assert (await client.put(url, json={"effective_from": period, "monthly_base": "9.00"},
                                 headers=tokens.headers(role, employee_id=ANN))).status_code == 403
    history = (await client.get(url, headers=hr)).json()
    assert [(o["version"], o["effective_from"]) for o in history] == [(1, shift_month(period, -2)),
                                                                      (2, shift_month(period, 1))]

    await client.put("/plans/sales_rep", json=plan_body(shift_month(period, -9)), headers=hr)
    await world.deliver(finalized(ANN, period, score="80", coefficient="1.0"))
    await world.deliver(closed(period, count=1))
    run = await run_of(client, tokens, period)
    slip = (await slips_of(client, tokens, run))[str(ANN)]
    assert (slip["plan_version"], slip["override_version"]) == (1, 1)
    assert lines(slip)["P1.base_salary"] == D("3500.00")  # the override; the rest is the role plan's
    assert lines(slip)["P3.bonus"] == D("1000.00")

    await client.post(f"/runs/{run['id']}/approve", headers=hr)
    await client.post(f"/runs/{run['id']}/lock", headers=tokens.headers(Role.FINANCE))
    into_locked = await client.put(url, json={"effective_from": period, "monthly_base": "4000.00"}, headers=hr)
    assert into_locked.status_code == 409 and into_locked.json()["latest_run_period"] == period


# --- special incentives -----------------------------------------------------------------------------

async def test_special_incentives_land_on_the_run_are_cancellable_until_paid(world, client, tokens, period,
                                                                            clock) -> None:
    hr, finance = tokens.headers(Role.HR), tokens.headers(Role.FINANCE)
    following = shift_month(period, 1)
    await world.deliver(hired(ANN, period, name="Ann"))

    def award(amount: str, for_period: str = period, employee_id: uuid.UUID = ANN) -> dict:
        return {"employee_id": str(employee_id), "period": for_period, "amount": amount, "reason": "key account"}

    for amount in ("0", "-10.00", "1.005"):
        refused = await client.post("/incentives", json=award(amount), headers=hr)
        assert refused.status_code == 422, amount
        assert refused.json()["errors"][0]["field"] == "amount"
    no_reason = await client.post("/incentives", json={**award("5.00"), "reason": "  "}, headers=hr)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    assert (await client.post("/incentives", json=award("5.00", employee_id=uuid.uuid4()), headers=hr)
            ).status_code == 404
    for role in (Role.SALES_REP, Role.DEPARTMENT_MANAGER, Role.ADMIN):
        assert (await client.post("/incentives", json=award("5.00"), headers=tokens.headers(role))).status_code == 403
        assert (await client.get("/incentives", headers=tokens.headers(role))).status_code == 403

    before_run = (await client.post("/incentives", json=award("500.00"), headers=hr)).json()
    assert (before_run["status"], before_run["run_id"]) == ("pending", None)

    await client.put("/plans/sales_rep", json=plan_body(shift_month(period, -9)), headers=hr)
    await world.deliver(finalized(ANN, period, score="80", coefficient="1.0"))
    await world.deliver(closed(period, count=1))
    run = await run_of(client, tokens, period)

    # Entered while the run is a draft: the draft is recomputed and carries it.
    clock.advance(timedelta(minutes=5))
    on_draft = (await client.post("/incentives", json=award("123.45"), headers=finance)).json()
    assert on_draft["run_id"] == run["id"]
    slip = (await slips_of(client, tokens, run))[str(ANN)]
    incentive_lines = [line for line in slip["lines"] if line["rule"] == "P1.special_incentive"]
    assert [(line["amount"], line["inputs"]["incentive_id"]) for line in incentive_lines] == [
        ("500.00", before_run["id"]), ("123.45", on_draft["id"])]
    assert D(slip["gross"]) == D("6000.00") + D("623.45")

    cancelled = (await client.post(f"/incentives/{on_draft['id']}/cancel", headers=hr)).json()
    assert cancelled["status"] == "cancelled"
    slip = (await slips_of(client, tokens, run))[str(ANN)]
    assert lines(slip)["P1.special_incentive"] == D("500.00")
    assert (await client.post(f"/incentives/{on_draft['id']}/cancel", headers=hr)).status_code == 409

    await client.post(f"/runs/{run['id']}/approve", headers=hr)
    await client.post(f"/runs/{run['id']}/lock", headers=finance)
    paid_one = await client.post(f"/incentives/{before_run['id']}/cancel", headers=hr)
    assert paid_one.status_code == 409 and paid_one.json()["incentive_status"] == "paid"

    # Entered for the locked period: the next run pays it.
    late = (await client.post("/incentives", json=award("77.70"), headers=hr)).json()
    assert (late["status"], late["run_id"]) == ("pending", None)
    await world.deliver(closed(following, count=1))
    await world.deliver(finalized(ANN, following, score="80", coefficient="1.0"))
    next_run = await run_of(client, tokens, following)
    next_slip = (await slips_of(client, tokens, next_run))[str(ANN)]
    (line,) = [line for line in next_slip["lines"] if line["rule"] == "P1.special_incentive"]
    assert (line["amount"], line["inputs"]["period"]) == ("77.70", period)
    listed = (await client.get("/incentives", params={"period": period}, headers=finance)).json()
    assert [(i["amount"], i["status"]) for i in listed] == [("500.00", "paid"), ("123.45", "cancelled"),
                                                           ("77.70", "pending")]
    assert (await client.post(f"/incentives/{uuid.uuid4()}/cancel", headers=hr)).status_code == 404


async def test_a_hire_reaching_payroll_after_the_run_is_a_blocker_until_recomputed(world, client, tokens,
                                                                                  period) -> None:
    hr, finance = tokens.headers(Role.HR), tokens.headers(Role.FINANCE)
    run = await a_month(world, client, tokens, hr_plan=True)
    assert (await client.post(f"/runs/{run['id']}/approve", headers=hr)).status_code == 200
    # The directory replica lagged: a finance clerk employed all month lands only now (twice: redelivered).
    late = EmployeeHired(employee_id=KAI, name="Kai", role="finance", department_id=SALES, hired_on=day(period, 1))
    envelope = await world.deliver(late)
    await world.deliver(envelope)
    run = await run_of(client, tokens, period)
    assert [(b["employee_id"], b["role"]) for b in run["blockers"]] == [(str(KAI), "finance")]
    assert "after this run was computed" in run["blockers"][0]["reason"]
    refused = await client.post(f"/runs/{run['id']}/lock", headers=finance)
    assert refused.status_code == 409 and refused.json()["blockers"][0]["employee_id"] == str(KAI)

    recomputed = (await client.post(f"/runs/{run['id']}/recompute", headers=finance)).json()
    assert (recomputed["blockers"], recomputed["payslip_count"]) == ([], 4)
    assert lines((await slips_of(client, tokens, recomputed))[str(KAI)]) == {
        "P1.base_salary": D("4500.00"), "P2.performance_fixed": D("800.00")}
