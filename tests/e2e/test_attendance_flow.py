"""Issue 8's proof: a regional sales group's month of attendance, from the time clock to the score
under the A4 70/30 template and to every deduction and proration line of the payslips, through
the gateway on the real dev stack.

The month under test ("the month") is the one before the suite clock's month: it has ended, so
its days are over, the group leader may submit it and appraisal may close it. HR sets the year's
calendar with one weekday made a public holiday and one Saturday made a make-up working day;
"wd[n]" below is the month's n-th working day under that calendar (from 0).

The group, under department manager Zhou:
- Wang, the leader: on time every working day.
- Zhao: on time except two minor latenesses (wd[1] in at 09:05, wd[2] out at 17:50), a lateness
  of 20 minutes (wd[3]: half-day absence), a day with only the clock-in (wd[4]: half-day
  absence), a day with nothing (wd[5]: full-day absence), approved paid annual leave (wd[6]) and
  approved unpaid personal leave (wd[7]), both recorded by HR afterwards (retroactively).
- Li: absent three working days in a row (wd[8]–wd[10]): a dismissal case once the month is
  submitted (and one for Zhao, whose wd[3]–wd[5] are three absences in a row too).
- Qian: hired on wd[11], on time from then on: base prorated.
- Sun: left after wd[13] (his last day), on time until then: base prorated.

Every expected figure is computed here from the rules (O6, A4, P1–P3, P6, P9) with the services'
default settings, and the main ones are also written out by hand.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flow_helpers import Person, eventually, time_clock_csv

from devstack.pytest_plugin import suite_instant
from shared.calendar import DEFAULT_WEEKEND, Calendars, WorkingCalendar
from shared.clock import FixedClock, first_day, last_day, shift_month

CLOCK = FixedClock(suite_instant())
PERIOD = shift_month(CLOCK.month(), -1)
START = first_day(PERIOD)
CENT = Decimal("0.01")
ZERO = Decimal(0)

# HR's calendar for the month's year: the 17th weekday of the month is a public holiday, the
# first Saturday a make-up working day.
_DEFAULT_DAYS = Calendars().working_days_of_month(PERIOD)
HOLIDAY = _DEFAULT_DAYS[16]
MAKEUP = next(START + timedelta(days=n) for n in range(7) if (START + timedelta(days=n)).isoweekday() == 6)
YEAR_CALENDAR = WorkingCalendar(year=START.year, weekend=DEFAULT_WEEKEND, holidays=frozenset({HOLIDAY}),
                                makeup_working_days=frozenset({MAKEUP}))
WD = Calendars({START.year: YEAR_CALENDAR}).working_days_of_month(PERIOD)
assert HOLIDAY not in WD and MAKEUP in WD and len(WD) == len(_DEFAULT_DAYS)

# Service defaults the figures rely on (org, appraisal and payroll settings, untouched here).
TOLERANCE_MINUTES = 15  # O6
POINTS_PER_ABSENCE_DAY = Decimal(4)  # A4, a half day counting as a whole one
DAY_WAGE_DIVISOR = Decimal("21.75")  # P6
FIXED = {"full": Decimal("200.00"), "half": Decimal("100.00"), "minor": Decimal("50.00")}  # P6
FULL_SCORE_AT = Decimal(80)  # P2
BANDS = [(Decimal(90), Decimal("1.5")), (Decimal(80), Decimal("1.2")), (Decimal(70), Decimal("1.0")),
         (Decimal(60), Decimal("0.8")), (ZERO, Decimal("0.5"))]  # A5

# Plans chosen so that a day's wage is round: 4350 ÷ 21.75 = 200, 6525 ÷ 21.75 = 300.
PLANS = {
    "sales_rep": {"effective_from": PERIOD, "monthly_base": "4350.00", "performance_standard": "3000.00",
                  "bonus_base": "1000.00", "commission_rate": "0.05"},
    "group_leader": {"effective_from": PERIOD, "monthly_base": "6525.00", "performance_standard": "4000.00",
                     "bonus_base": "2000.00", "commission_rate": "0.01"},
}
ZHAO_RATINGS = {"dealer_management": 90, "weekly_report": 80, "other_management": 70}  # Zhao's self-review


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- the month, as the time clock and HR have it ---------------------------------------------------

# Per person: working day → (clock_in, clock_out), None for no record at all.
def on_time(days: list[date]) -> dict[date, tuple[str | None, str | None] | None]:
    return {day: ("08:55", "18:05") for day in days}


ZHAO_DAYS = {**on_time(WD), WD[1]: ("09:05", "18:05"), WD[2]: ("08:55", "17:50"), WD[3]: ("09:20", "18:05"),
             WD[4]: ("08:55", None), WD[5]: None, WD[6]: None, WD[7]: None}
ZHAO_LEAVE = {WD[6]: ("annual", True), WD[7]: ("personal", False)}
LI_DAYS = {**on_time(WD), WD[8]: None, WD[9]: None, WD[10]: None}
QIAN_HIRED = WD[11]
SUN_LEFT = WD[13]


def expected_class(punches: tuple[str | None, str | None] | None, leave: tuple[str, bool] | None) -> dict:
    """O6: one working day's class, from its punches (09:00–18:00) and approved leave."""
    if leave is not None:
        return {"classification": "leave", "absence_days": ZERO, "minor_latenesses": 0, "leave_paid": leave[1]}
    if punches is None:
        return {"classification": "full_day_absence", "absence_days": Decimal(1), "minor_latenesses": 0,
                "leave_paid": None}
    if punches[0] is None or punches[1] is None:
        return {"classification": "half_day_absence", "absence_days": Decimal("0.5"), "minor_latenesses": 0,
                "leave_paid": None}
    late = max(0, _minutes(punches[0]) - _minutes("09:00"))
    early = max(0, _minutes("18:00") - _minutes(punches[1]))
    absence = sum((Decimal("0.5") for m in (late, early) if m > TOLERANCE_MINUTES), ZERO)
    minor = sum(1 for m in (late, early) if 0 < m <= TOLERANCE_MINUTES)
    name = ("full_day_absence" if absence == 1 else "half_day_absence" if absence else
            "minor_lateness" if minor else "on_time")
    return {"classification": name, "absence_days": absence, "minor_latenesses": minor, "leave_paid": None}


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def expected_month(days: dict, leave: dict | None = None) -> dict[date, dict]:
    return {day: expected_class(punches, (leave or {}).get(day)) for day, punches in days.items()}


# --- the rules, written out ------------------------------------------------------------------------

def attendance_points(month: dict[date, dict]) -> Decimal:
    """A4: 100 − 4 per day with any absence (a half day counts as a whole one)."""
    return max(ZERO, Decimal(100) - POINTS_PER_ABSENCE_DAY * sum(1 for d in month.values() if d["absence_days"]))


def a4_score(month: dict[date, dict], ratings: dict[str, int] | None) -> Decimal:
    """A4: daily work × 70 % + attendance × 30 %, as the preset's weights 21/28/21 and 30."""
    weights = {"dealer_management": 21, "weekly_report": 28, "other_management": 21}
    daily = sum((cents(Decimal((ratings or {}).get(key, 0)) * weight / 100) for key, weight in weights.items()), ZERO)
    return cents(daily + cents(attendance_points(month) * 30 / 100))


def coefficient(score: Decimal) -> Decimal:
    return next(value for minimum, value in BANDS if score >= minimum)


def expected_slip(role: str, score: Decimal, month: dict[date, dict], employed_days: int) -> dict[str, Decimal]:
    plan = {k: Decimal(v) for k, v in PLANS[role].items() if k != "effective_from"}
    base = plan["monthly_base"]
    day_wage = base / DAY_WAGE_DIVISOR
    lines = {
        "P1.base_salary": cents(base * employed_days / len(WD)),  # prorated on working days employed
        "P2.performance_pay": cents(plan["performance_standard"] * score / FULL_SCORE_AT),
        "P3.bonus": cents(plan["bonus_base"] * coefficient(score)),
        "P4.commission": Decimal("0.00"),
    }
    absence = sum((d["absence_days"] for d in month.values()), ZERO)
    unpaid = sum(1 for d in month.values() if d["leave_paid"] is False)
    fixed = sum((FIXED["full"] if d["absence_days"] == 1 else FIXED["half"]
                 for d in month.values() if d["absence_days"]), ZERO)
    minor = FIXED["minor"] * sum(d["minor_latenesses"] for d in month.values())
    for rule, amount in (("P6.absence_wage", day_wage * absence), ("P6.unpaid_leave", day_wage * unpaid),
                         ("P6.absence_fixed", fixed), ("P6.minor_lateness", minor)):
        if amount:
            lines[rule] = -cents(amount)
    return lines


# --- the stack and its people ------------------------------------------------------------------------

def test_a_month_of_attendance_flows_into_the_a4_score_and_the_payslips_to_the_cent(running_stack):
    admin = Person(running_stack.gateway, running_stack.admin_token(), "admin")

    # The organisation -------------------------------------------------------------------------------
    office = admin.expect(201, "POST", "/org/departments", json={"name": "华东区域 Regional office",
                                                                  "kind": "field_sales"})
    for role, planned in (("department_manager", 1), ("group_leader", 1), ("sales_rep", 4)):
        admin.expect(200, "PUT", f"/org/departments/{office['id']}/headcount/{role}", json={"planned": planned})

    def hire(name: str, role: str, login: str, hired_on: date, **placement: str) -> str:
        body = {"name": name, "role": role, "department_id": office["id"], "hired_on": hired_on.isoformat(),
                "login": login, "password": f"{login}-password", **placement}
        return admin.expect(201, "POST", "/org/employees", json=body)["id"]

    manager_id = hire("Zhou Qiang", "department_manager", "zhouqiang", START)
    leader_id = hire("Wang Li", "group_leader", "wangli", START, manager_id=manager_id)
    group = admin.expect(201, "POST", "/org/groups", json={"name": "East", "department_id": office["id"],
                                                           "leader_id": leader_id})
    members = {"group_id": group["id"], "manager_id": leader_id}
    zhao_id = hire("Zhao Min", "sales_rep", "zhaomin", START, **members)
    li_id = hire("Li Na", "sales_rep", "lina", START, **members)
    qian_id = hire("Qian Hui", "sales_rep", "qianhui", QIAN_HIRED, **members)
    sun_id = hire("Sun Hao", "sales_rep", "sunhao", START, **members)
    finance_dept = admin.expect(201, "POST", "/org/departments", json={"name": "财务 Finance", "kind": "admin"})
    admin.expect(200, "PUT", f"/org/departments/{finance_dept['id']}/headcount/finance", json={"planned": 1})
    finance_id = admin.expect(201, "POST", "/org/employees", json={
        "name": "Sun Yue", "role": "finance", "department_id": finance_dept["id"], "hired_on": START.isoformat(),
        "login": "sunyue", "password": "sunyue-password"})["id"]
    finance = Person(running_stack.gateway, running_stack.login("sunyue", "sunyue-password"), "finance")
    leader = Person(running_stack.gateway, running_stack.login("wangli", "wangli-password"), "leader")
    zhao = Person(running_stack.gateway, running_stack.login("zhaomin", "zhaomin-password"), "zhao")

    # HR's calendar for the year: the holiday and the make-up Saturday.
    calendar = admin.expect(200, "PUT", f"/org/attendance/calendar/{START.year}", json={
        "holidays": [HOLIDAY.isoformat()], "makeup_working_days": [MAKEUP.isoformat()]})
    assert calendar["revision"] == 1

    # The A4 template for the regional office's sales staff and leaders, and the pay plans.
    sales = admin.get("/appraisal/templates/sales")
    admin.expect(200, "PUT", "/appraisal/templates/sales", json={
        "name": sales["name"], "roles": ["sales_assistant"],
        "indicators": [{k: i[k] for k in ("key", "label", "source", "weight", "rule", "params")}
                       for i in sales["indicators"]]})
    installed = admin.expect(201, "POST", "/appraisal/templates/presets/a4_regional_sales/install",
                             json={"roles": ["sales_rep", "group_leader"], "key": "regional_sales"})
    assert {i["key"]: Decimal(i["weight"]) for i in installed["indicators"]} == {
        "dealer_management": 21, "weekly_report": 28, "other_management": 21, "attendance": 30}
    for role, plan in PLANS.items():
        admin.expect(200, "PUT", f"/payroll/plans/{role}", json=plan)

    # The time clock's month: the leader imports the group's file ----------------------------------
    def punched(person: str, days: dict) -> dict[str, list]:
        return {person: [(day, p[0], p[1]) for day, p in days.items() if p is not None]}

    sun_days = on_time([d for d in WD if d <= SUN_LEFT])
    qian_days = on_time([d for d in WD if d >= QIAN_HIRED])
    group_file = {**punched(zhao_id, ZHAO_DAYS), **punched(li_id, LI_DAYS), **punched(qian_id, qian_days),
                  **punched(sun_id, sun_days)}
    csv = time_clock_csv(group_file)
    stranger = str(uuid.uuid4())
    csv += f"{stranger},{WD[0].isoformat()},08:55,18:05\n{zhao_id},{WD[0].isoformat()},18:05,08:55\n"
    report = leader.expect(200, "POST", "/org/attendance/records/import", content=csv.encode(),
                           headers={"content-type": "text/csv"})
    rows_saved = sum(len(days) for days in group_file.values())
    assert report["saved"] == rows_saved, report  # and the stranger's row and the reversed one refused
    refused = {(row["field"], row["reason"][:40]) for row in report["refused"]}
    assert len(report["refused"]) == 2 and {field for field, _ in refused} >= {"employee_id"}, report
    admin.expect(200, "POST", "/org/attendance/records/import", content=time_clock_csv(
        {leader_id: list(on_time(WD))}).encode(), headers={"content-type": "text/csv"})
    # The same file again changes nothing.
    again = leader.expect(200, "POST", "/org/attendance/records/import", content=time_clock_csv(group_file).encode(),
                          headers={"content-type": "text/csv"})
    assert (again["saved"], again["unchanged"]) == (0, rows_saved), again

    # Sun's last day; Zhao's two days of leave, recorded by HR afterwards (approved at once).
    admin.expect(200, "POST", f"/org/employees/{sun_id}/leave", json={"left_on": SUN_LEFT.isoformat()})
    for day, (leave_type, _) in ZHAO_LEAVE.items():
        leave = admin.expect(201, "POST", "/org/attendance/leave-requests", json={
            "employee_id": zhao_id, "leave_type": leave_type, "start": day.isoformat(), "end": day.isoformat(),
            "reason": "recorded from the paper form"})
        assert leave["status"] == "approved"
    admin.expect(200, "POST", "/org/attendance/sweep")

    # Each day's class -----------------------------------------------------------------------------
    expected = {
        leader_id: expected_month(on_time(WD)),
        zhao_id: expected_month(ZHAO_DAYS, ZHAO_LEAVE),
        li_id: expected_month(LI_DAYS),
        qian_id: expected_month(qian_days),
        sun_id: expected_month(sun_days),
    }
    zhao_classes = {d: c["classification"] for d, c in expected[zhao_id].items() if c["classification"] != "on_time"}
    assert zhao_classes == {WD[1]: "minor_lateness", WD[2]: "minor_lateness", WD[3]: "half_day_absence",
                            WD[4]: "half_day_absence", WD[5]: "full_day_absence", WD[6]: "leave", WD[7]: "leave"}
    for person, month in expected.items():
        days = {date.fromisoformat(d["work_date"]): d for d in admin.get(
            f"/org/attendance/employees/{person}/months/{PERIOD}")["days"] if d["classification"] not in (None, "void")}
        assert {day: (d["classification"], Decimal(d["absence_days"]), d["minor_latenesses"], d["leave_paid"])
                for day, d in days.items()} == {
            day: (c["classification"], c["absence_days"], c["minor_latenesses"], c["leave_paid"])
            for day, c in month.items()}, person
        assert HOLIDAY not in days
    zhao_row = next(p for p in leader.get(f"/org/attendance/groups/{group['id']}/months/{PERIOD}")["people"]
                    if p["employee_id"] == zhao_id)
    assert (zhao_row["minor_latenesses"], zhao_row["half_day_absences"], zhao_row["full_day_absences"],
            Decimal(zhao_row["absence_days"])) == (2, 2, 1, Decimal(2))
    assert {k: Decimal(v) for k, v in zhao_row["leave_days"].items()} == {"annual": 1, "personal": 1}

    # The leader submits the month; three working days in a row with absence raise a dismissal
    # case: Li's three full days, and Zhao's wd[3]–wd[5] too (two half days and a full one: O6
    # counts a half-day absence as an absence).
    leader.expect(201, "POST", "/org/attendance/submissions", json={"group_id": group["id"], "period": PERIOD})
    cases = admin.get("/org/attendance/dismissal-cases")
    assert sorted((c["employee_id"], c["rule"], c["absence_dates"]) for c in cases) == sorted([
        (li_id, "consecutive", [d.isoformat() for d in WD[8:11]]),
        (zhao_id, "consecutive", [d.isoformat() for d in WD[3:6]])])
    # After the submission the leader may no longer change the month; HR may.
    leader.expect(409, "PUT", f"/org/attendance/records/{li_id}/{WD[8].isoformat()}",
                  json={"clock_in": "08:55", "clock_out": "18:05", "reason": "forgot to clock in"})

    # The A4 score, live ------------------------------------------------------------------------------
    self_review = eventually(
        lambda: zhao.request("POST", f"/appraisal/periods/{PERIOD}/employees/{zhao_id}/reviews",
                             json={"stage": "self", "ratings": ZHAO_RATINGS}),
        until=lambda r: r.status_code != 404, what="appraisal to know Zhao (404 until the hire arrives)")
    assert self_review.status_code == 201, self_review.text
    scores = {person: a4_score(month, ZHAO_RATINGS if person == zhao_id else None)
              for person, month in expected.items()}
    # Zhao: 90 × 21 % + 80 × 28 % + 70 × 21 % = 18.90 + 22.40 + 14.70 = 56.00 (daily work 80 × 70 %);
    #       attendance 100 − 4 × 3 (two half days and a full day) = 88 × 30 % = 26.40.  Total 82.40.
    assert scores[zhao_id] == Decimal("82.40")
    assert scores[li_id] == Decimal("26.40") and scores[qian_id] == scores[sun_id] == Decimal("30.00")
    for person, month in expected.items():
        absent_days = sum(1 for d in month.values() if d["absence_days"])
        card = eventually(
            lambda person=person: admin.request("GET", f"/appraisal/periods/{PERIOD}/employees/{person}/score"),
            until=lambda r, absent_days=absent_days, person=person: r.status_code == 200 and Decimal(
                r.json()["total"]) == scores[person] and _attendance(r.json())["raw_value"] is not None
            and Decimal(_attendance(r.json())["raw_value"]) == absent_days,
            what=f"appraisal to score {person}'s attendance").json()
        assert Decimal(_attendance(card)["points"]) == attendance_points(month)

    # Payroll must hold every day before the close computes the run.
    for person, month in expected.items():
        eventually(lambda person=person: finance.get(f"/payroll/attendance/{PERIOD}/employees/{person}"),
                   until=lambda days, month=month: {date.fromisoformat(d["work_date"]): d["classification"]
                                                    for d in days if d["classification"] != "void"}
                   == {day: c["classification"] for day, c in month.items()},
                   what=f"payroll to hold {person}'s days")

    # The run lists everyone payroll's directory replica shows employed (issue 9): wait until it knows them.
    for person in (manager_id, finance_id):
        eventually(lambda person=person: finance.request("GET", f"/payroll/plans/people/{person}").status_code,
                   until=lambda status: status == 200, what=f"payroll's directory to know {person}")
    # Only Zhao wrote a review (the self-evaluation): HR closes stating that the stages submitted
    # carry the missing ones' weight (A3), which is how the live score reads them.
    closed = admin.expect(200, "POST", f"/appraisal/periods/{PERIOD}/close", json={"missing_stages_rule": "reweight"})
    results = {r["employee_id"]: Decimal(r["score"]) for r in closed["results"]}
    assert results == scores, closed

    # The payslips, line by line -----------------------------------------------------------------------
    employed = {leader_id: len(WD), zhao_id: len(WD), li_id: len(WD), qian_id: len(qian_days),
                sun_id: len(sun_days)}
    roles = {leader_id: "group_leader"}
    slips_expected = {person: expected_slip(roles.get(person, "sales_rep"), scores[person], expected[person],
                                            employed[person]) for person in expected}
    # Zhao: 4350.00 + 3000 × 82.40 ÷ 80 = 3090.00 + 1000 × 1.2 = 1200.00 + 0.00
    #       − 200 × (½ + ½ + 1) = 400.00 − 200 × 1 unpaid = 200.00 − (100 + 100 + 200) = 400.00 − 2 × 50 = 100.00
    assert slips_expected[zhao_id] == {
        "P1.base_salary": Decimal("4350.00"), "P2.performance_pay": Decimal("3090.00"),
        "P3.bonus": Decimal("1200.00"), "P4.commission": Decimal("0.00"),
        "P6.absence_wage": Decimal("-400.00"), "P6.unpaid_leave": Decimal("-200.00"),
        "P6.absence_fixed": Decimal("-400.00"), "P6.minor_lateness": Decimal("-100.00")}
    assert sum(slips_expected[zhao_id].values()) == Decimal("7540.00")

    run = eventually(lambda: finance.get("/payroll/runs"), until=lambda runs: any(r["period"] == PERIOD for r in runs),
                     what="payroll to compute the run")
    run = next(r for r in run if r["period"] == PERIOD)
    slips = {slip["employee_id"]: slip for slip in finance.get(f"/payroll/runs/{run['id']}/payslips")}
    assert slips.keys() == slips_expected.keys()
    # Everyone employed in the month is on the run (issue 9): the manager and the finance clerk have
    # no plan here, so the run lists them as blockers and cannot be approved until they have one.
    assert sorted((b["employee_id"], b["role"], b["reason"]) for b in run["blockers"]) == sorted(
        (person, role, f"no compensation plan for role {role!r} in force for {PERIOD}")
        for person, role in ((manager_id, "department_manager"), (finance_id, "finance")))
    refused = finance.request("POST", f"/payroll/runs/{run['id']}/approve")
    assert refused.status_code == 409 and len(refused.json()["blockers"]) == 2, refused.text
    for person, lines in slips_expected.items():
        got = {line["rule"]: Decimal(line["amount"]) for line in slips[person]["lines"]}
        assert got == lines, (person, slips[person])
        assert Decimal(slips[person]["gross"]) == sum(lines.values())
    zhao_lines = {line["rule"]: line for line in slips[zhao_id]["lines"]}
    assert zhao_lines["P6.absence_wage"]["inputs"]["dates"] == [d.isoformat() for d in WD[3:6]]
    assert zhao_lines["P6.unpaid_leave"]["inputs"]["dates"] == [WD[7].isoformat()]
    assert zhao_lines["P6.minor_lateness"]["inputs"]["dates"] == [WD[1].isoformat(), WD[2].isoformat()]
    for person, days in ((qian_id, len(qian_days)), (sun_id, len(sun_days))):
        base = {line["rule"]: line for line in slips[person]["lines"]}["P1.base_salary"]["inputs"]
        assert (base["working_days_counted"], base["working_days_in_month"]) == (days, len(WD)), base
    # Qian from wd[11] and Sun to wd[13]: 4350 × days ÷ working days of the month.
    assert slips_expected[qian_id]["P1.base_salary"] == cents(Decimal("4350") * (len(WD) - 11) / len(WD))
    assert slips_expected[sun_id]["P1.base_salary"] == cents(Decimal("4350") * 14 / len(WD))
    assert last_day(PERIOD) >= WD[-1]


def _attendance(card: dict) -> dict:
    return next(line for line in card["indicators"] if line["key"] == "attendance")
