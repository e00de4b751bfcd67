"""Issue 9 item 10 on the real database through the API: a what-if recomputes a period's run under
draft plans, changes nothing but its own row, gives the figures a real recompute under those
plans gives, works on a locked run (disputes and all), and refuses bad drafts and other roles."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
from payroll_world import PayrollWorld, Tokens, closed, day, finalized, hired, paid

from shared.auth import Role
from shared.clock import shift_month

D = Decimal
ANN, FAY = uuid.UUID(int=0xA1), uuid.UUID(int=0xF1)
# Everything a computation may touch; a what-if must leave every row of them as it was.
TABLES = ("pay_runs", "payslips", "payments", "special_incentives", "attendance_days", "attendance_settlements",
          "compensation_plans", "plan_overrides", "expense_claims", "payslip_disputes", "outbox", "inbox")


def plan_body(effective_from: str, **changes) -> dict:
    return {"effective_from": effective_from, "monthly_base": "3000.00", "performance_standard": "2000.00",
            "bonus_base": "1000.00", "commission_rate": "0.02", **changes}


FINANCE_PLAN = {"monthly_base": "4500.00", "parts": ["base", "performance_pay"], "performance_fixed": "800.00"}
# The draft: reps get 3200.00 base and 5% commission; Fay 4800.00 base.
DRAFT_REP = {"monthly_base": "3200.00", "performance_standard": "2000.00", "bonus_base": "1000.00",
             "commission_rate": "0.05"}


async def snapshot(world: PayrollWorld) -> dict[str, list]:
    return {table: sorted(map(repr, await world.query(f"SELECT * FROM {table}"))) for table in TABLES}


async def a_month(world: PayrollWorld, client: httpx.AsyncClient, tokens: Tokens) -> dict:
    """Ann a rep (score 80, 1,000.00 collected, a 150.00 incentive), Fay in finance (not appraised)."""
    period, hr = world.period, tokens.headers(Role.HR)
    since = shift_month(period, -9)
    for role, body in (("sales_rep", plan_body(since)), ("finance", plan_body(since, **FINANCE_PLAN))):
        assert (await client.put(f"/plans/{role}", json=body, headers=hr)).status_code == 200
    await world.deliver(hired(ANN, period, name="Ann"))
    await world.deliver(hired(FAY, period, role="finance", name="Fay"))
    await world.deliver(paid(ANN, "1000.00", day(period, 10)))
    await world.deliver(finalized(ANN, period, score="80", coefficient="1.0"))
    await world.deliver(closed(period, count=1))
    incentive = await client.post("/incentives", headers=hr, json={"employee_id": str(ANN), "period": period,
                                                                   "amount": "150.00", "reason": "key account"})
    assert incentive.status_code == 201, incentive.text
    runs = (await client.get("/runs", headers=hr)).json()
    (run,) = [run for run in runs if run["period"] == period]
    return run


def draft(period: str, **extra) -> dict:
    return {"period": period, "plans": [{"role": "sales_rep", **DRAFT_REP}],
            "overrides": [{"employee_id": str(FAY), "monthly_base": "4800.00"}], **extra}


def by_person(what_if: dict) -> dict[str, dict]:
    return {person["employee_id"]: person for person in what_if["result"]["people"]}


def line_amounts(person: dict, side: str) -> dict[str, Decimal | None]:
    return {line["rule"]: None if line[side] is None else D(line[side]) for line in person["lines"]}


async def test_a_what_if_changes_nothing_and_equals_a_real_recompute(world, client, tokens, period) -> None:
    finance, hr = tokens.headers(Role.FINANCE), tokens.headers(Role.HR)
    run = await a_month(world, client, tokens)
    assert D(run["total_gross"]) == D("6170.00") + D("5300.00")
    before = await snapshot(world)
    assert all(before[table] for table in ("pay_runs", "payslips", "payments", "special_incentives", "outbox"))

    asked = await client.post("/what-ifs", json=draft(period, note="rep base +200, 5%"), headers=finance)
    assert asked.status_code == 201, asked.text
    what_if = asked.json()
    assert await snapshot(world) == before  # no run, payslip, settlement, plan or event changed

    assert (what_if["period"], what_if["run_id"], what_if["run_status"]) == (period, run["id"], "computed")
    assert what_if["draft"]["plans"][0]["role"] == "sales_rep"
    assert what_if["draft"]["overrides"][0]["amounts"] == {"monthly_base": "4800.00"}
    ann, fay = by_person(what_if)[str(ANN)], by_person(what_if)[str(FAY)]
    # Ann: base 3000.00 → 3200.00, commission 1000.00 × 2% = 20.00 → × 5% = 50.00; the rest unchanged.
    assert (D(ann["before"]), D(ann["after"]), D(ann["difference"]), D(ann["paid"])) == (
        D("6170.00"), D("6400.00"), D("230.00"), D("6170.00"))
    assert line_amounts(ann, "before") == {"P1.base_salary": D("3000.00"), "P2.performance_pay": D("2000.00"),
                                           "P3.bonus": D("1000.00"), "P4.commission": D("20.00"),
                                           "P1.special_incentive": D("150.00")}
    assert line_amounts(ann, "after")["P1.base_salary"] == D("3200.00")
    assert line_amounts(ann, "after")["P4.commission"] == D("50.00")
    assert {line["rule"]: D(line["difference"]) for line in ann["lines"] if D(line["difference"])} == {
        "P1.base_salary": D("200.00"), "P4.commission": D("30.00")}
    # Fay: her override's base 4800.00 instead of the role's 4500.00; fixed performance pay stays 800.00.
    assert (D(fay["before"]), D(fay["after"]), D(fay["difference"])) == (D("5300.00"), D("5600.00"), D("300.00"))
    assert what_if["result"]["totals"] == {"before": "11470.00", "after": "12000.00", "difference": "530.00",
                                           "paid": "11470.00", "people": 2, "changed": 2}

    stored = await client.get(f"/what-ifs/{what_if['id']}", headers=finance)
    assert stored.status_code == 200 and stored.json() == what_if
    listed = (await client.get("/what-ifs", params={"period": period}, headers=finance)).json()
    assert [each["id"] for each in listed] == [what_if["id"]]
    assert (await client.get("/what-ifs", params={"period": shift_month(period, -1)}, headers=finance)).json() == []

    # Now for real: the draft set as the period's plans and the run recomputed gives the what-if's figures.
    real_rep = await client.put("/plans/sales_rep", json={"effective_from": period, **DRAFT_REP}, headers=hr)
    assert real_rep.status_code == 200, real_rep.text
    real_fay = await client.put(f"/plans/people/{FAY}", json={"effective_from": period, "monthly_base": "4800.00"},
                                headers=hr)
    assert real_fay.status_code == 200, real_fay.text
    recomputed = (await client.post(f"/runs/{run['id']}/recompute", headers=finance)).json()
    assert recomputed["total_gross"] == what_if["result"]["totals"]["after"]
    slips = {slip["employee_id"]: slip for slip in (await client.get(f"/runs/{run['id']}/payslips",
                                                                      headers=hr)).json()}
    for employee_id, person in by_person(what_if).items():
        assert slips[employee_id]["gross"] == person["after"]
        assert [(line["rule"], line["amount"]) for line in slips[employee_id]["lines"]] == [
            (line["rule"], line["after"]) for line in person["lines"]]


async def test_a_what_if_on_a_locked_run_with_a_disputed_line(world, client, tokens, period) -> None:
    finance, hr = tokens.headers(Role.FINANCE), tokens.headers(Role.HR)
    run = await a_month(world, client, tokens)
    assert (await client.post(f"/runs/{run['id']}/approve", headers=hr)).status_code == 200
    assert (await client.post(f"/runs/{run['id']}/lock", headers=finance)).status_code == 200
    slips = (await client.get(f"/runs/{run['id']}/payslips", headers=hr)).json()
    (ann_slip,) = [slip for slip in slips if slip["employee_id"] == str(ANN)]
    disputed = await client.post(f"/payslips/{ann_slip['id']}/lines/3/disputes", json={"comment": "rate?"},
                                 headers=tokens.headers(Role.SALES_REP, employee_id=ANN))
    assert disputed.status_code == 201, disputed.text
    before = await snapshot(world)

    asked = await client.post("/what-ifs", json={"period": period, "plans": [
        {"role": "sales_rep", "effective_from": period, **DRAFT_REP, "parts": ["base", "commission"]}]},
        headers=tokens.headers(Role.ADMIN))
    assert asked.status_code == 201, asked.text
    assert await snapshot(world) == before  # still locked, the dispute and its payslip untouched
    what_if = asked.json()
    assert what_if["run_status"] == "locked"
    ann = by_person(what_if)[str(ANN)]
    # Only base and commission under the draft: performance pay and bonus dropped, the incentive stays.
    assert line_amounts(ann, "after") == {"P1.base_salary": D("3200.00"), "P4.commission": D("50.00"),
                                          "P1.special_incentive": D("150.00"), "P2.performance_pay": None,
                                          "P3.bonus": None}
    assert (D(ann["before"]), D(ann["after"])) == (D("6170.00"), D("3400.00"))
    assert by_person(what_if)[str(FAY)]["changed"] is False


async def test_bad_what_ifs_are_refused_and_only_finance_and_admins_ask(world, client, tokens, period) -> None:
    finance = tokens.headers(Role.FINANCE)
    no_run = await client.post("/what-ifs", json=draft(period), headers=finance)
    assert no_run.status_code == 404 and no_run.json()["field"] == "period"
    assert period in no_run.json()["detail"]
    await a_month(world, client, tokens)
    before = await snapshot(world)

    def problem(response: httpx.Response) -> tuple[int, str]:
        body = response.json()
        return response.status_code, body.get("field") or body["errors"][0]["field"]

    cases = {
        "negative rate": ({"period": period, "plans": [{"role": "sales_rep", **DRAFT_REP, "commission_rate": "-0.01"}]},
                          (422, "plans.0.commission_rate")),
        "unknown part": ({"period": period, "plans": [{"role": "sales_rep", **DRAFT_REP, "parts": ["tips"]}]},
                         (422, "plans.0.parts.0")),
        "twice a role": ({"period": period, "plans": [{"role": "sales_rep", **DRAFT_REP}] * 2},
                         (422, "plans[1].role")),
        "another period": ({"period": period, "plans": [
            {"role": "sales_rep", **DRAFT_REP, "effective_from": shift_month(period, -1)}]},
            (422, "plans[0].effective_from")),
        "empty override": ({"period": period, "overrides": [{"employee_id": str(FAY)}]},
                           (422, "overrides[0].monthly_base")),
        "nothing drafted": ({"period": period}, (422, "plans")),
        "unknown person": ({"period": period, "overrides": [{"employee_id": str(uuid.uuid4()), "monthly_base": "1"}]},
                           (404, "overrides[0].employee_id")),
        "bad period": ({"period": "2026-13", "plans": [{"role": "sales_rep", **DRAFT_REP}]}, (422, "period")),
    }
    for name, (body, expected) in cases.items():
        response = await client.post("/what-ifs", json=body, headers=finance)
        assert problem(response) == expected, (name, response.text)
    for role in (Role.HR, Role.SALES_REP, Role.DEPARTMENT_MANAGER, Role.SALES_DIRECTOR):
        assert (await client.post("/what-ifs", json=draft(period), headers=tokens.headers(role))).status_code == 403
        assert (await client.get("/what-ifs", headers=tokens.headers(role))).status_code == 403
        assert (await client.get(f"/what-ifs/{uuid.uuid4()}", headers=tokens.headers(role))).status_code == 403
    assert (await client.get(f"/what-ifs/{uuid.uuid4()}", headers=finance)).status_code == 404
    assert await snapshot(world) == before
    assert (await world.query("SELECT count(*) FROM what_ifs"))[0][0] == 0


async def test_a_draft_that_needs_a_result_makes_a_blocker_and_one_that_pays_a_blocked_role(world, client, tokens,
                                                                                          period) -> None:
    finance = tokens.headers(Role.FINANCE)
    await world.deliver(hired(uuid.UUID(int=0x41), period, role="hr", name="Hui"))  # no plan for hr: a blocker
    await a_month(world, client, tokens)
    asked = await client.post("/what-ifs", headers=finance, json={"period": period, "plans": [
        # Finance appraised (a bonus needs a coefficient): Fay, who has no result, cannot be paid.
        {"role": "finance", "monthly_base": "4500.00", "performance_standard": "0", "bonus_base": "500.00",
         "commission_rate": "0", "parts": ["base", "bonus"]},
        {"role": "hr", "monthly_base": "3800.00", "performance_standard": "0", "bonus_base": "0",
         "commission_rate": "0", "parts": ["base"]}]})
    assert asked.status_code == 201, asked.text
    result = asked.json()["result"]
    people = {person["name"]: person for person in result["people"]}
    assert (people["Fay"]["before"], people["Fay"]["after"], people["Fay"]["difference"]) == ("5300.00", None,
                                                                                              "-5300.00")
    assert (people["Hui"]["before"], people["Hui"]["after"], people["Hui"]["paid"]) == (None, "3800.00", None)
    assert [b["name"] for b in result["blockers_before"]] == ["Hui"]
    assert [b["name"] for b in result["blockers_after"]] == ["Fay"]
    assert result["totals"]["difference"] == "-1500.00"
