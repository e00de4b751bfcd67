"""The issue's proof: a month of one sales group's work, from an empty organisation to payslips
checked to the cent, through the gateway on the real dev stack (``python -m devstack``).

Time is the suite's clock (``SALESTEAM_TEST_CLOCK``, or now), and the dev stack runs from the
same instant. The period under test is the month before the clock's month: it has ended, so
appraisal may close it, and every date org is given lies in the past. Below, "October" stands for
that month, "November" for the clock's own month and "September" for the month before October.
Leads are assigned on the day the test runs, so they count in the clock's month. The story:

1. The admin builds the organisation: a field-sales department with its headcount plan, a
   department manager, a group leader and a group, two reps (Zhao Min and Qian Hui), and a
   finance clerk in a finance department, everyone hired on 1 September with a login. The admin
   sets the appraisal template of the sales roles and the compensation plans from October.
2. The admin imports two leads by CSV and puts them in the group's pool (level 1); the leader
   gives one to each rep (level 2), retrying until crm's directory replica knows them.
3. Zhao signs a deal on their lead in October; finance books a payment received in October.
4. Each rep pushes their October calls through telesales intake (not someone else's: 403; the
   admin may correct a missed upload); the group's daily figures show them.
5. The live October score shows the calls, the deal and the payment before any review.
   Leads were assigned today, so they count in this month, not October.
6. The three reviews in order: self, leader, superior; the superior's before the leader's is
   409, the leader writing the superior's is 403.
7. The admin closes October (200): coefficients and ranks; closed twice is 409; a review or a
   call arriving after the close is kept aside and changes nothing.
8. Payroll computes the run by itself; every line of every payslip equals the amount worked
   out below from the business rules, gross = sum of the lines. A draft run is invisible to the
   reps. Everyone employed is paid: the manager, the finance clerk and an HR clerk (no appraisal
   template) on fixed plans. HR approves and finance locks it (four eyes: the approver locking is
   409; then lock, approve and a plan change reaching back are 409); a rep reads their own
   payslip and gets 404 for their colleague's.

Every expected figure is computed here from the rules (BUSINESS_RULES A2–A5, P1–P4, P9) and
also written out by hand, so that a slip in either shows.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from flow_helpers import Person, eventually, time_clock_csv

from devstack.pytest_plugin import suite_instant
from shared.calendar import Calendars
from shared.clock import FixedClock, first_day, shift_month

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the company's calendar, the services' default
CLOCK = FixedClock(suite_instant(), SHANGHAI)  # the instant the dev stack's clock starts at
THIS_MONTH = CLOCK.month()  # "November": the leads are assigned in it
PERIOD = shift_month(THIS_MONTH, -1)  # "October": ended, so it can be closed
MIDNIGHT_PERIOD = THIS_MONTH  # of Qian's call at 00:30 on the 1st of November, Shanghai time
HIRED_ON = first_day(shift_month(PERIOD, -1)).isoformat()
CALENDAR = Calendars()  # the default working calendar: Monday to Friday, nobody set another
WORKED_IN_PERIOD = len(CALENDAR.working_days_of_month(PERIOD))
CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    """P9: two places, half-up (0.005 → 0.01, where banker's rounding would give 0.00)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- company policy the test sets through the API ------------------------------------------------

# A2: the sales template, in round numbers. Weights sum to 100.
TEMPLATE = {
    "name": "Field sales (end-to-end test)",
    "roles": ["sales_rep", "group_leader"],
    "indicators": [
        {"key": "calls", "label": "Calls dialled", "source": "calls_dialled", "weight": "20",
         "rule": "linear_to_target", "params": {"target": "10"}},
        {"key": "effective", "label": "Effective conversations", "source": "effective_conversations",
         "weight": "10", "rule": "linear_to_target", "params": {"target": "5"}},
        {"key": "leads", "label": "Leads assigned", "source": "leads_assigned", "weight": "5",
         "rule": "linear_to_target", "params": {"target": "2"}},
        {"key": "sales", "label": "Sales amount", "source": "sales_amount", "weight": "10",
         "rule": "linear_to_target", "params": {"target": "100000"}},
        {"key": "collections", "label": "Collections", "source": "collections", "weight": "10",
         "rule": "linear_to_target", "params": {"target": "100000"}},
        {"key": "attendance", "label": "Attendance", "source": "absence_days", "weight": "15",
         "rule": "deduction_per_unit", "params": {"per_unit": "4"}},
        {"key": "teamwork", "label": "Teamwork", "source": "review", "weight": "15", "rule": "rating"},
        {"key": "ability", "label": "Ability", "source": "review", "weight": "15", "rule": "rating"},
    ],
}
# P1–P4, in force from the period under test.
PLANS = {
    "sales_rep": {"effective_from": PERIOD, "monthly_base": "4000.00", "performance_standard": "3000.00",
                  "bonus_base": "1000.00", "commission_rate": "0.05"},
    "group_leader": {"effective_from": PERIOD, "monthly_base": "6000.00", "performance_standard": "4000.00",
                     "bonus_base": "2000.00", "commission_rate": "0.01"},
}
# Roles no appraisal template covers (issue 9): base and a fixed performance pay, or the base alone.
FIXED_PLANS = {
    "department_manager": {"effective_from": PERIOD, "monthly_base": "9000.00", "performance_standard": "0.00",
                           "bonus_base": "0.00", "commission_rate": "0", "parts": ["base", "performance_pay"],
                           "performance_fixed": "3000.00"},
    "finance": {"effective_from": PERIOD, "monthly_base": "5000.00", "performance_standard": "0.00",
                "bonus_base": "0.00", "commission_rate": "0", "parts": ["base", "performance_pay"],
                "performance_fixed": "1000.00"},
    "hr": {"effective_from": PERIOD, "monthly_base": "4500.00", "performance_standard": "0.00", "bonus_base": "0.00",
           "commission_rate": "0", "parts": ["base"]},
}
# Service defaults the figures below rely on (appraisal and payroll settings, untouched here):
FULL_SCORE_AT = Decimal(80)  # P2
STAGE_WEIGHTS = {"self": Decimal(20), "leader": Decimal(40), "superior": Decimal(40)}  # A3
NO_ABSENCE_ATTENDANCE_POINTS = HUNDRED  # A4: no absence day classified by org scores the full base
UNRATED_POINTS = ZERO  # a rated indicator nobody has rated yet
COEFFICIENT_BANDS = [(Decimal(90), Decimal("1.5")), (Decimal(80), Decimal("1.2")), (Decimal(70), Decimal("1.0")),
                     (Decimal(60), Decimal("0.8")), (ZERO, Decimal("0.5"))]  # A5
EFFECTIVE_MIN_SECONDS = 60  # T3
EFFECTIVE_OUTCOMES = {"intent", "appointment", "order"}  # T3


# --- what happens in October ---------------------------------------------------------------------

def october(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(first_day(PERIOD).replace(day=day), time(hour, minute), tzinfo=SHANGHAI)


# (start, seconds, connected, disposition)
ZHAO_CALLS = [
    (october(14, 9), 180, True, "effective_conversation"),  # effective: connected and ≥ 60 s
    (october(14, 10), 45, True, "intent"),  # effective: intent counts whatever its length
    (october(14, 11), 0, False, "no_answer"),
    (october(14, 14), 0, False, "busy"),
    (october(14, 15), 20, True, "refused"),
    (october(15, 9), 300, True, "appointment"),  # effective
    (october(15, 10), 90, True, "effective_conversation"),  # effective
    (october(15, 11), 59, True, "effective_conversation"),  # one second short: not effective
    (october(15, 14), 0, False, "no_answer"),
    (october(15, 16), 240, True, "order"),  # effective
]
QIAN_CALLS = [
    (october(14, 9, 30), 120, True, "effective_conversation"),  # effective
    (october(14, 10, 30), 0, False, "no_answer"),
    (october(14, 13), 0, False, "busy"),
    (october(14, 16), 30, True, "refused"),
    (october(16, 9), 50, True, "intent"),  # effective
    (october(16, 10), 60, True, "effective_conversation"),  # exactly 60 s: effective
    (october(16, 11), 0, False, "no_answer"),
    (october(16, 14), 0, False, "invalid_number"),
    (october(16, 15), 15, True, "refused"),
]
# 00:30 on 1 November in Shanghai is 16:30 UTC on the last day of October: a November call,
# whatever UTC says.
MIDNIGHT = datetime.combine(first_day(MIDNIGHT_PERIOD), time(0, 30), tzinfo=SHANGHAI)
QIAN_MIDNIGHT_CALL = (MIDNIGHT.astimezone(UTC), 0, False, "no_answer")
assert QIAN_MIDNIGHT_CALL[0].strftime("%H:%M") == "16:30" and QIAN_MIDNIGHT_CALL[0].month != MIDNIGHT.month
FIGURES_DAY = october(14, 0).date()

DEAL_AMOUNT = Decimal("80000.00")
DEAL_COST = Decimal("50000.00")
DEAL_SIGNED_ON = october(20, 0).date().isoformat()
PAYMENT_AMOUNT = Decimal("50000.50")
PAYMENT_RECEIVED_ON = october(28, 0).date().isoformat()

# (teamwork, ability) per stage
ZHAO_REVIEWS = {"self": (95, 90), "leader": (90, 85), "superior": (85, 80)}
QIAN_REVIEWS = {"self": (85, 80), "leader": (80, 75), "superior": (75, 70)}


# --- the rules, written out ----------------------------------------------------------------------

def is_effective(seconds: int, connected: bool, disposition: str) -> bool:
    """T3: connected and at least 60 s, or an outcome of intent, appointment or order."""
    return disposition in EFFECTIVE_OUTCOMES or (connected and seconds >= EFFECTIVE_MIN_SECONDS)


def day_figures(calls: list, day: date) -> dict[str, int]:
    """T3: one agent's figures for one company day."""
    on_day = [c for c in calls if c[0].astimezone(SHANGHAI).date() == day]
    return {
        "dials": len(on_day),
        "connected": sum(1 for _, _, connected, _ in on_day if connected),
        "effective": sum(1 for c in on_day if is_effective(c[1], c[2], c[3])),
        "intents": sum(1 for c in on_day if c[3] == "intent"),
        "appointments": sum(1 for c in on_day if c[3] == "appointment"),
        "orders": sum(1 for c in on_day if c[3] == "order"),
        "talk_seconds": sum(seconds for _, seconds, connected, _ in on_day if connected),
        "violations": sum(1 for c in on_day if outside_calling_hours(c[0])),
    }


# telesales' default calling hours (T6, TELESALES_CALLING_HOURS): Mon–Fri 09–20, Sat 10–18, no
# Sunday. The flow's days fall on any weekday, so some calls may be flagged; each dials its own
# number, so none passes the per-number cap.
CALLING_HOURS = {**{weekday: (time(9), time(20)) for weekday in range(5)}, 5: (time(10), time(18))}


def outside_calling_hours(started_at: datetime) -> bool:
    local = started_at.astimezone(SHANGHAI)
    window = CALLING_HOURS.get(local.weekday())
    return window is None or not window[0] <= local.time() < window[1]


def composite(stages: dict[str, tuple[int, int]], which: int) -> Decimal:
    """A3: the stages' ratings weighted self 20 %, leader 40 %, superior 40 %."""
    weighted = sum(Decimal(ratings[which]) * STAGE_WEIGHTS[stage] for stage, ratings in stages.items())
    return cents(weighted / sum(STAGE_WEIGHTS[stage] for stage in stages))


def expected_card(measured: dict[str, Decimal], reviews: dict[str, tuple[int, int]]) -> dict[str, Decimal]:
    """A2: points per indicator (0–100, to cents), contribution = points × weight ÷ 100 (to cents),
    and the total of the contributions. ``measured`` maps an event source to its month's sum."""
    card: dict[str, Decimal] = {}
    for indicator in TEMPLATE["indicators"]:
        params = {name: Decimal(value) for name, value in indicator.get("params", {}).items()}
        if indicator["rule"] == "linear_to_target":  # min(100, value ÷ target × 100)
            points = min(HUNDRED, measured.get(indicator["source"], ZERO) / params["target"] * HUNDRED)
        elif indicator["rule"] == "deduction_per_unit":  # attendance: this flow records no absence
            points = NO_ABSENCE_ATTENDANCE_POINTS
        elif reviews:  # rating: the composite of the reviews
            points = composite(reviews, ["teamwork", "ability"].index(indicator["key"]))
        else:
            points = UNRATED_POINTS
        card[indicator["key"]] = cents(points)
        card[f"{indicator['key']}.contribution"] = cents(cents(points) * Decimal(indicator["weight"]) / HUNDRED)
    card["total"] = cents(sum(value for key, value in card.items() if key.endswith(".contribution")))
    return card


def coefficient(score: Decimal) -> Decimal:
    """A5: ≥ 90 → 1.5; 80–89 → 1.2; 70–79 → 1.0; 60–69 → 0.8; below 60 → 0.5."""
    return next(value for minimum, value in COEFFICIENT_BANDS if score >= minimum)


def expected_payslip(role: str, score: Decimal, collected: list[Decimal]) -> dict[str, Decimal]:
    plan = {name: Decimal(value) for name, value in PLANS[role].items() if name != "effective_from"}
    lines = {
        "base_salary": cents(plan["monthly_base"]),  # P1
        "performance_pay": cents(plan["performance_standard"] * score / FULL_SCORE_AT),  # P2
        "bonus": cents(plan["bonus_base"] * coefficient(score)),  # P3 × A5
        "commission": cents(plan["commission_rate"] * sum(collected, ZERO)),  # P4, settled by collection
    }
    return {**lines, "gross": sum(lines.values(), ZERO)}


def october_measures(calls: list, sales: Decimal = ZERO, collected: Decimal = ZERO) -> dict[str, Decimal]:
    in_october = [c for c in calls if c[0].astimezone(SHANGHAI).strftime("%Y-%m") == PERIOD]
    return {
        "calls_dialled": Decimal(len(in_october)),
        "effective_conversations": Decimal(sum(1 for c in in_october if is_effective(c[1], c[2], c[3]))),
        "leads_assigned": ZERO,  # assigned today: this month's
        "sales_amount": sales,
        "collections": collected,
    }


# --- fixtures and small steps ----------------------------------------------------------------------

@pytest.fixture
def people(running_stack) -> Iterator[dict[str, Person]]:
    logged_in: dict[str, Person] = {"admin": Person(running_stack.gateway, running_stack.admin_token(), "admin")}
    yield logged_in
    for person in logged_in.values():
        person.close()


def hire(admin: Person, name: str, role: str, department_id: str, login: str, **placement: str) -> str:
    body = {"name": name, "role": role, "department_id": department_id, "hired_on": HIRED_ON,
            "login": login, "password": f"{login}-password", **placement}
    return admin.expect(201, "POST", "/org/employees", json=body)["id"]


def call_record(call_id: str, agent_id: str, call: tuple, lead_id: str | None = None) -> dict:
    started_at, seconds, connected, disposition = call
    # A number per call: one number dialled by everyone would pass telesales' per-number cap (T6).
    number = f"+86 139 {zlib.crc32(call_id.encode()) % 10 ** 8:08d}"
    return {"call_id": call_id, "agent_id": agent_id, "lead_id": lead_id, "number_dialled": number,
            "started_at": started_at.isoformat(), "duration_seconds": seconds, "connected": connected,
            "disposition": disposition}


def score(person: Person, period: str, employee_id: str) -> dict:
    return person.get(f"/appraisal/periods/{period}/employees/{employee_id}/score")


def breakdown(card: dict) -> dict[str, Decimal]:
    """A score answer in the shape of :func:`expected_card`."""
    flat: dict[str, Decimal] = {}
    for line in card["indicators"]:
        flat[line["key"]] = Decimal(line["points"])
        flat[f"{line['key']}.contribution"] = Decimal(line["contribution"])
    flat["total"] = Decimal(card["total"])
    return flat


def raw(card: dict, key: str) -> Decimal | None:
    value = next(line["raw_value"] for line in card["indicators"] if line["key"] == key)
    return None if value is None else Decimal(value)


def attendance_days(card: dict) -> int:
    """How many classified working days the attendance indicator has counted."""
    return next(line["inputs"] for line in card["indicators"] if line["key"] == "attendance")


def admin_id(admin: Person) -> str:
    return admin.get("/org/me")["id"]


def review(person: Person, employee_id: str, stage: str, ratings: tuple[int, int], status: int = 201) -> dict:
    return person.expect(status, "POST", f"/appraisal/periods/{PERIOD}/employees/{employee_id}/reviews",
                         json={"stage": stage, "ratings": {"teamwork": ratings[0], "ability": ratings[1]}})


# --- the story -----------------------------------------------------------------------------------

def test_a_month_of_sales_work_flows_through_events_into_payslips_to_the_cent(running_stack, people):
    admin = people["admin"]
    tag = uuid.uuid4().hex[:8]

    # 1. The organisation, everyone hired in September -------------------------------------------
    sales = admin.expect(201, "POST", "/org/departments", json={"name": "销售一部 Field sales", "kind": "field_sales"})
    finance_dept = admin.expect(201, "POST", "/org/departments", json={"name": "财务 Finance", "kind": "admin"})
    for department, role, planned in [(sales, "department_manager", 1), (sales, "group_leader", 1),
                                      (sales, "sales_rep", 2), (finance_dept, "finance", 1), (finance_dept, "hr", 1)]:
        admin.expect(200, "PUT", f"/org/departments/{department['id']}/headcount/{role}", json={"planned": planned})
    manager_id = hire(admin, "Zhou Qiang", "department_manager", sales["id"], "zhouqiang")
    leader_id = hire(admin, "Wang Li", "group_leader", sales["id"], "wangli", manager_id=manager_id)
    group = admin.expect(201, "POST", "/org/groups",
                         json={"name": "Group 1", "department_id": sales["id"], "leader_id": leader_id})
    zhao_id = hire(admin, "Zhao Min", "sales_rep", sales["id"], "zhaomin", group_id=group["id"], manager_id=leader_id)
    qian_id = hire(admin, "Qian Hui", "sales_rep", sales["id"], "qianhui", group_id=group["id"], manager_id=leader_id)
    finance_id = hire(admin, "Sun Yue", "finance", finance_dept["id"], "sunyue")
    hr_id = hire(admin, "Li Hua", "hr", finance_dept["id"], "lihua")
    beyond_plan = admin.request("POST", "/org/employees", json={
        "name": "One Too Many", "role": "sales_rep", "department_id": sales["id"], "hired_on": HIRED_ON})
    assert beyond_plan.status_code == 409, beyond_plan.text

    # Logins after the group exists, so the leader's token carries the group.
    for key, login in [("manager", "zhouqiang"), ("leader", "wangli"), ("zhao", "zhaomin"), ("qian", "qianhui"),
                       ("finance", "sunyue"), ("hr", "lihua")]:
        people[key] = Person(running_stack.gateway, running_stack.login(login, f"{login}-password"), login)
    manager, leader, zhao, qian, finance, hr = (people[k] for k in ("manager", "leader", "zhao", "qian", "finance",
                                                                    "hr"))

    # Everyone clocked in and out on time every working day from their hire to yesterday: the
    # time clock's file, imported by the admin; org classifies the days (on time), and the
    # attendance indicator and the payslips see no absence.
    worked = CALENDAR.working_days(date.fromisoformat(HIRED_ON), CLOCK.today() - timedelta(days=1))
    staff = [manager_id, leader_id, zhao_id, qian_id, finance_id, hr_id]
    imported_days = admin.expect(200, "POST", "/org/attendance/records/import",
                                 content=time_clock_csv({person: worked for person in staff}).encode(),
                                 headers={"content-type": "text/csv"})
    assert (imported_days["saved"], imported_days["refused"]) == (len(staff) * len(worked), []), imported_days
    admin.expect(200, "POST", "/org/attendance/sweep")

    template = admin.expect(200, "PUT", "/appraisal/templates/sales", json=TEMPLATE)
    assert [i["key"] for i in template["indicators"]] == [i["key"] for i in TEMPLATE["indicators"]]
    for role, plan in {**PLANS, **FIXED_PLANS}.items():
        admin.expect(200, "PUT", f"/payroll/plans/{role}", json=plan)

    # 2. Leads: imported, to the group (level 1), to each rep (level 2) --------------------------------
    csv = ("name,phone,email,company,source\n"
           "Li Na,13800000001,,Acme Trading,exhibition\n"
           "Chen Gang,13800000002,chen@example.com,Bright Tools,exhibition\n")
    imported = admin.expect(200, "POST", "/crm/leads/import", params={"department_id": sales["id"]},
                            content=csv.encode(), headers={"content-type": "text/csv"})
    assert imported["refused"] == [] and len(imported["created"]) == 2, imported
    zhao_lead, qian_lead = (row["lead_id"] for row in imported["created"])

    for lead_id in (zhao_lead, qian_lead):
        # 404 "no such group" until crm's directory replica has the GroupCreated event.
        to_group = eventually(
            lambda lead_id=lead_id: admin.request("POST", f"/crm/leads/{lead_id}/assign-group",
                                                  json={"group_id": group["id"], "reason": "exhibition leads"}),
            until=lambda r: r.status_code != 404, what="crm to know the group")
        assert to_group.status_code == 200, to_group.text
        assert to_group.json()["status"] == "in_group" and to_group.json()["group_id"] == group["id"]
    for lead_id, rep_id in ((zhao_lead, zhao_id), (qian_lead, qian_id)):
        # 409 "not an active member of the lead's group" until crm's replica has the rep's hire.
        to_rep = eventually(
            lambda lead_id=lead_id, rep_id=rep_id: leader.request("POST", f"/crm/leads/{lead_id}/assign",
                                                                  json={"rep_id": rep_id}),
            until=lambda r: r.status_code != 409, what="crm to know the rep")
        assert to_rep.status_code == 200, to_rep.text
        assert to_rep.json()["owner_id"] == rep_id
        history = leader.get(f"/crm/leads/{lead_id}/assignments")
        assert [(h["level"], h["group_id"], h["rep_id"], h["assigned_by"]) for h in history] == [
            ("group", group["id"], None, admin_id(admin)), ("rep", group["id"], rep_id, leader_id)]
    # The owner sees the contact whole, the colleague not at all.
    assert zhao.get(f"/crm/leads/{zhao_lead}")["customer"]["masked"] is False
    assert zhao.request("GET", f"/crm/leads/{qian_lead}").status_code == 404

    # 3. Zhao signs a deal in October, finance books the money received -------------------------------
    deal = zhao.expect(201, "POST", "/crm/deals", json={
        "lead_id": zhao_lead, "amount": str(DEAL_AMOUNT), "cost": str(DEAL_COST), "signed_on": DEAL_SIGNED_ON})
    assert (deal["rep_id"], deal["group_id"]) == (zhao_id, group["id"])
    zhao.expect(403, "POST", f"/crm/deals/{deal['id']}/payments",
                json={"amount": str(PAYMENT_AMOUNT), "received_on": PAYMENT_RECEIVED_ON})
    payment = finance.expect(201, "POST", f"/crm/deals/{deal['id']}/payments",
                             json={"amount": str(PAYMENT_AMOUNT), "received_on": PAYMENT_RECEIVED_ON})
    assert Decimal(payment["deal"]["outstanding"]) == DEAL_AMOUNT - PAYMENT_AMOUNT

    # 4. Calls through intake: each rep their own; the admin corrects a missed upload -------------------
    zhao_batch = [call_record(f"{tag}-zhao-{n}", zhao_id, c, zhao_lead) for n, c in enumerate(ZHAO_CALLS)]
    qian_batch = [call_record(f"{tag}-qian-{n}", qian_id, c, qian_lead) for n, c in enumerate(QIAN_CALLS)]
    zhao.expect(403, "POST", "/telesales-intake/calls", json=qian_batch[0])  # not Zhao's call to submit
    for rep, batch in ((zhao, zhao_batch), (qian, qian_batch)):
        accepted = rep.expect(202, "POST", "/telesales-intake/calls/batch", json={"calls": batch})
        assert accepted["accepted"] == len(batch) and accepted["rejected"] == [], accepted
    admin.expect(202, "POST", "/telesales-intake/calls",
                 json=call_record(f"{tag}-qian-midnight", qian_id, QIAN_MIDNIGHT_CALL))

    expected_day = {zhao_id: day_figures(ZHAO_CALLS, FIGURES_DAY), qian_id: day_figures(QIAN_CALLS, FIGURES_DAY)}
    assert {**expected_day[zhao_id], "violations": None} == {
        "dials": 5, "connected": 3, "effective": 2, "intents": 1, "appointments": 0, "orders": 0, "talk_seconds": 245,
        "violations": None}
    assert {**expected_day[qian_id], "violations": None} == {
        "dials": 4, "connected": 2, "effective": 1, "intents": 0, "appointments": 0, "orders": 0, "talk_seconds": 150,
        "violations": None}

    def group_day() -> dict:
        return leader.get("/telesales/figures/daily", params={"date": FIGURES_DAY.isoformat(), "group_id": group["id"]})

    figures = eventually(group_day, what="the group's calls of 14 October in telesales' daily figures",
                         until=lambda f: {a["agent_id"]: a["figures"]["dials"] for a in f["agents"]}
                         == {rep: day["dials"] for rep, day in expected_day.items()})
    assert {a["agent_id"]: a["figures"] for a in figures["agents"]} == expected_day
    assert {a["agent_id"]: a["progress"]["target"] for a in figures["agents"]} == {zhao_id: 30, qian_id: 30}
    assert figures["groups"] == [{"group_id": group["id"], "agents": 2, "figures": {
        name: expected_day[zhao_id][name] + expected_day[qian_id][name] for name in expected_day[zhao_id]},
        "progress": {"target": 60, "done": 9, "remaining": 51, "percent": 15, "met": False}}]

    # 5. The live October score, before any review ------------------------------------------------
    zhao_october = october_measures(ZHAO_CALLS, sales=DEAL_AMOUNT, collected=PAYMENT_AMOUNT)
    qian_october = october_measures(QIAN_CALLS)
    for employee_id, measured in ((zhao_id, zhao_october), (qian_id, qian_october)):
        live = eventually(
            lambda employee_id=employee_id: admin.request("GET",
                                                          f"/appraisal/periods/{PERIOD}/employees/{employee_id}/score"),
            until=lambda r, measured=measured: r.status_code == 200 and all(
                raw(r.json(), i["key"]) == measured.get(i["source"]) for i in TEMPLATE["indicators"]
                if i["rule"] == "linear_to_target") and raw(r.json(), "attendance") == 0
                and attendance_days(r.json()) == WORKED_IN_PERIOD,
            what="appraisal to count the October calls, deal and payment")
        card = live.json()
        assert card["status"] == "open" and card["template_key"] == "sales"
        assert breakdown(card) == expected_card(measured, reviews={})
        assert {line["key"]: line["status"] for line in card["indicators"]} == {
            "calls": "measured", "effective": "measured", "leads": "measured", "sales": "measured",
            "collections": "measured", "attendance": "measured", "teamwork": "pending", "ability": "pending"}
    # Zhao: calls 10/10 → 100 × 20 % = 20.00; effective 5/5 → 100 × 10 % = 10.00; leads 0;
    # sales 80 000/100 000 → 80 × 10 % = 8.00; collections 50 000.50/100 000 → 50.0005 → 50.00 × 10 % = 5.00;
    # attendance (no absence) 100 × 15 % = 15.00; teamwork and ability not rated yet: 0.  Total 58.00.
    assert expected_card(zhao_october, reviews={})["total"] == Decimal("58.00")
    # Qian: calls 9/10 → 90 × 20 % = 18.00; effective 3/5 → 60 × 10 % = 6.00; attendance 15.00.  Total 39.00.
    assert expected_card(qian_october, reviews={})["total"] == Decimal("39.00")

    # Leads were assigned today: they count in this month, not October; Qian's call at 00:30 on
    # 1 November counts in November.
    assigned_in = THIS_MONTH
    for employee_id in (zhao_id, qian_id):
        eventually(lambda employee_id=employee_id: score(admin, assigned_in, employee_id),
                   until=lambda card: raw(card, "leads") == 1, what=f"the lead to count in {assigned_in}")
    qian_november = eventually(lambda: score(admin, MIDNIGHT_PERIOD, qian_id),
                               until=lambda card: raw(card, "calls") == 1 and raw(card, "attendance") == 0,
                               what="Qian's midnight call to count in November")
    assert raw(score(admin, MIDNIGHT_PERIOD, zhao_id), "calls") == 0
    # Qian in November: calls 1/10 → 10 × 20 % = 2.00; attendance 15.00; leads 1/2 → 50 × 5 % = 2.50
    # (the leads were assigned today, in November too).
    assert Decimal(qian_november["total"]) == Decimal("2.00") + Decimal("15.00") + Decimal("2.50")

    # 6. The three reviews, in order, each by the person it belongs to ----------------------------------
    review(zhao, zhao_id, "self", ZHAO_REVIEWS["self"])
    wrong_person = review(leader, zhao_id, "superior", ZHAO_REVIEWS["superior"], status=403)
    assert "superior" in wrong_person["detail"]
    out_of_order = review(manager, zhao_id, "superior", ZHAO_REVIEWS["superior"], status=409)
    assert out_of_order["missing_stages"] == ["leader"], out_of_order
    review(leader, zhao_id, "leader", ZHAO_REVIEWS["leader"])
    review(manager, zhao_id, "superior", ZHAO_REVIEWS["superior"])
    review(zhao, zhao_id, "self", ZHAO_REVIEWS["self"], status=409)  # once per stage
    for stage in ("self", "leader", "superior"):
        review({"self": qian, "leader": leader, "superior": manager}[stage], qian_id, stage, QIAN_REVIEWS[stage])
    submitted = zhao.get(f"/appraisal/periods/{PERIOD}/employees/{zhao_id}/reviews")
    assert [(r["stage"], r["reviewer_id"]) for r in submitted] == [
        ("self", zhao_id), ("leader", leader_id), ("superior", manager_id)]

    zhao_card = expected_card(zhao_october, ZHAO_REVIEWS)
    qian_card = expected_card(qian_october, QIAN_REVIEWS)
    # Zhao: teamwork (95×20 + 90×40 + 85×40) ÷ 100 = 89.00 → × 15 % = 13.35;
    #       ability (90×20 + 85×40 + 80×40) ÷ 100 = 84.00 → × 15 % = 12.60;  58.00 + 13.35 + 12.60 = 83.95.
    assert (zhao_card["teamwork"], zhao_card["ability"], zhao_card["total"]) == (
        Decimal("89.00"), Decimal("84.00"), Decimal("83.95"))
    # Qian: teamwork (85×20 + 80×40 + 75×40) ÷ 100 = 79.00 → 11.85; ability (80×20 + 75×40 + 70×40) ÷ 100 = 74.00
    #       → 11.10;  39.00 + 11.85 + 11.10 = 61.95.
    assert (qian_card["teamwork"], qian_card["ability"], qian_card["total"]) == (
        Decimal("79.00"), Decimal("74.00"), Decimal("61.95"))
    # Wang Li, the leader: no calls, deals or reviews of their own: attendance 100 × 15 % = 15.00.
    leader_card = expected_card(october_measures([]), reviews={})
    assert leader_card["total"] == Decimal("15.00")
    # Appraised although they had no input: appraisal must know them (their hire event) before the close.
    leader_live = eventually(
        lambda: admin.request("GET", f"/appraisal/periods/{PERIOD}/employees/{leader_id}/score"),
        until=lambda r: r.status_code == 200 and raw(r.json(), "attendance") == 0,
        what="appraisal to know the leader and their attendance")
    assert breakdown(leader_live.json()) == leader_card
    assert breakdown(score(admin, PERIOD, zhao_id)) == zhao_card  # a review rescored at once
    assert breakdown(score(admin, PERIOD, qian_id)) == qian_card

    # 7. Close October --------------------------------------------------------------------------------
    # The run pays everyone payroll's directory replica shows employed (issue 9): wait until it knows the
    # three nobody appraises (their override history answers 200 once it does), or the run would list
    # them as blockers to recompute for.
    for person in (manager_id, finance_id, hr_id):
        eventually(lambda person=person: hr.request("GET", f"/payroll/plans/people/{person}").status_code,
                   until=lambda status: status == 200, what=f"payroll's directory to know {person}")
    # The leader's own reviews were never written: the close is refused until HR states the rule
    # for the missing stages (A3); here they count as 0.
    refused = admin.expect(409, "POST", f"/appraisal/periods/{PERIOD}/close")
    assert [(r["employee_id"], r["missing_stages"]) for r in refused["missing_reviews"]] == [
        (leader_id, ["self", "leader", "superior"])]
    closed = admin.expect(200, "POST", f"/appraisal/periods/{PERIOD}/close", json={"missing_stages_rule": "zero"})
    assert closed["period"]["status"] == "closed"
    # Their attendance reached appraisal, so it knows them; no template covers their roles, and the
    # close says so rather than leave them out silently (their pay is issue 9's).
    assert sorted((u["employee_id"], u["reason"]) for u in closed["unappraised"]) == sorted([
        (manager_id, "no template for the role department_manager"), (finance_id, "no template for the role finance"),
        (hr_id, "no template for the role hr")])
    assert {r["employee_id"]: (Decimal(r["score"]), Decimal(r["coefficient"]), r["rank"], r["flags"])
            for r in closed["results"]} == {
        zhao_id: (Decimal("83.95"), Decimal("1.2"), 1, []),
        qian_id: (Decimal("61.95"), Decimal("0.8"), 2, []),
        leader_id: (Decimal("15.00"), Decimal("0.5"), 3, ["retraining:score_below_minimum"]),
    }
    assert [coefficient(c["total"]) for c in (zhao_card, qian_card, leader_card)] == [
        Decimal("1.2"), Decimal("0.8"), Decimal("0.5")]
    admin.expect(409, "POST", f"/appraisal/periods/{PERIOD}/close")

    # Late input: a review and a call for October after the close are not applied.
    review(leader, leader_id, "self", (80, 80), status=409)
    late_call = call_record(f"{tag}-qian-late", qian_id, (october(30, 10), 200, True, "order"))
    admin.expect(202, "POST", "/telesales-intake/calls", json=late_call)
    late = eventually(lambda: admin.get(f"/appraisal/periods/{PERIOD}/late-inputs"),
                      until=lambda rows: any(r["source_id"] == f"call:{late_call['call_id']}" for r in rows),
                      what="the late call to be kept aside by appraisal")
    # Qian's own facts (the same call also rolls up, late too, to the leader's and the manager's lines).
    assert {(r["employee_id"], r["kind"]) for r in late if r["employee_id"] == qian_id} == {
        (qian_id, "calls_dialled"), (qian_id, "effective_conversations")}
    frozen = score(admin, PERIOD, qian_id)
    assert frozen["status"] == "closed" and breakdown(frozen) == qian_card

    # 8. Payroll computes the run from the close; every line to the cent -------------------------------
    run = eventually(lambda: finance.get("/payroll/runs"), until=lambda runs: any(r["period"] == PERIOD for r in runs),
                     what="payroll to compute the October run")
    run = next(r for r in run if r["period"] == PERIOD)
    # Everyone employed in October is paid (issue 9): the three appraised, and the manager, the finance
    # clerk and the HR clerk on their fixed plans; nobody is left as a blocker.
    assert (run["status"], run["payslip_count"], Decimal(run["full_score_at"])) == ("computed", 6, FULL_SCORE_AT), run
    assert run["blockers"] == []
    assert zhao.get("/payroll/payslips/me", params={"period": PERIOD}) == []  # a draft is HR's and finance's

    expected = {
        zhao_id: expected_payslip("sales_rep", zhao_card["total"], [PAYMENT_AMOUNT]),
        qian_id: expected_payslip("sales_rep", qian_card["total"], []),
        leader_id: expected_payslip("group_leader", leader_card["total"], []),
    }
    # Zhao: 4000.00 + 3000 × 83.95 ÷ 80 = 3148.125 → 3148.13 + 1000 × 1.2 = 1200.00
    #       + 0.05 × 50 000.50 = 2500.025 → 2500.03  = 10 848.16
    # Qian: 4000.00 + 3000 × 61.95 ÷ 80 = 2323.125 → 2323.13 + 1000 × 0.8 = 800.00 + 0.00 = 7123.13
    # Wang: 6000.00 + 4000 × 15.00 ÷ 80 = 750.00 + 2000 × 0.5 = 1000.00 + 0.01 × 0 = 0.00 = 7750.00
    assert expected == {
        zhao_id: {"base_salary": Decimal("4000.00"), "performance_pay": Decimal("3148.13"),
                  "bonus": Decimal("1200.00"), "commission": Decimal("2500.03"), "gross": Decimal("10848.16")},
        qian_id: {"base_salary": Decimal("4000.00"), "performance_pay": Decimal("2323.13"),
                  "bonus": Decimal("800.00"), "commission": Decimal("0.00"), "gross": Decimal("7123.13")},
        leader_id: {"base_salary": Decimal("6000.00"), "performance_pay": Decimal("750.00"),
                    "bonus": Decimal("1000.00"), "commission": Decimal("0.00"), "gross": Decimal("7750.00")},
    }

    # Had the payment reached payroll only after the run, it would wait here for November's run (P8).
    assert finance.get("/payroll/adjustments/pending") == [], "the October payment reached payroll after its run"
    slips = {slip["employee_id"]: slip for slip in finance.get(f"/payroll/runs/{run['id']}/payslips")}
    # Not appraised: no score; base and the plan's fixed performance pay, or the base alone.
    fixed = {manager_id: [("P1.base_salary", Decimal("9000.00")), ("P2.performance_fixed", Decimal("3000.00"))],
             finance_id: [("P1.base_salary", Decimal("5000.00")), ("P2.performance_fixed", Decimal("1000.00"))],
             hr_id: [("P1.base_salary", Decimal("4500.00"))]}
    assert slips.keys() == expected.keys() | fixed.keys()
    for employee_id, fixed_lines in fixed.items():
        slip = slips.pop(employee_id)
        assert [(line["rule"], Decimal(line["amount"])) for line in slip["lines"]] == fixed_lines, slip
        assert (slip["score"], slip["coefficient"]) == (None, None)
        assert Decimal(slip["gross"]) == sum(amount for _, amount in fixed_lines)
    fixed_gross = Decimal("12000.00") + Decimal("6000.00") + Decimal("4500.00")
    for employee_id, slip in slips.items():
        lines = {line["kind"]: line for line in slip["lines"]}
        assert [line["kind"] for line in slip["lines"]] == ["base_salary", "performance_pay", "bonus", "commission"]
        assert {kind: Decimal(line["amount"]) for kind, line in lines.items()} == {
            kind: amount for kind, amount in expected[employee_id].items() if kind != "gross"}, slip
        gross_of_lines = sum(Decimal(line["amount"]) for line in slip["lines"])
        assert Decimal(slip["gross"]) == gross_of_lines == expected[employee_id]["gross"]
        assert [line["rule"] for line in slip["lines"]] == ["P1.base_salary", "P2.performance_pay", "P3.bonus",
                                                             "P4.commission"]
        assert Decimal(lines["performance_pay"]["inputs"]["score"]) == Decimal(slip["score"])
        assert Decimal(lines["bonus"]["inputs"]["coefficient"]) == Decimal(slip["coefficient"])
    assert slips[zhao_id]["role"] == "sales_rep" and slips[leader_id]["role"] == "group_leader"
    commission_inputs = slips[zhao_id]["lines"][3]["inputs"]
    assert [(p["payment_id"], p["deal_id"], Decimal(p["amount"]), p["received_on"])
            for p in commission_inputs["payments"]] == [
        (payment["id"], deal["id"], PAYMENT_AMOUNT, PAYMENT_RECEIVED_ON)]
    assert slips[qian_id]["lines"][3]["inputs"]["payments"] == []
    assert sum(e["gross"] for e in expected.values()) == Decimal("25721.29")
    assert Decimal(run["total_gross"]) == Decimal("25721.29") + fixed_gross == Decimal("48221.29")

    # Four eyes: HR approves, finance locks; the approver may not lock, nor a draft be locked unapproved.
    finance.expect(409, "POST", f"/payroll/runs/{run['id']}/lock")
    approved = hr.expect(200, "POST", f"/payroll/runs/{run['id']}/approve")
    assert (approved["status"], approved["approved_by"]) == ("approved", hr_id)
    assert "four eyes" in hr.expect(409, "POST", f"/payroll/runs/{run['id']}/lock")["detail"]
    # Locked: final, and readable by each rep — their own only.
    locked = finance.expect(200, "POST", f"/payroll/runs/{run['id']}/lock")
    assert (locked["status"], locked["approved_by"], locked["locked_by"]) == ("locked", hr_id, finance_id)
    finance.expect(409, "POST", f"/payroll/runs/{run['id']}/lock")
    finance.expect(409, "POST", f"/payroll/runs/{run['id']}/approve")
    admin.expect(409, "PUT", "/payroll/plans/sales_rep", json={**PLANS["sales_rep"], "monthly_base": "9999.00"})
    assert [s["id"] for s in zhao.get("/payroll/payslips/me", params={"period": PERIOD})] == [slips[zhao_id]["id"]]
    own = zhao.get(f"/payroll/payslips/{slips[zhao_id]['id']}")
    assert own == {**slips[zhao_id], "run_status": "locked"}
    zhao.expect(404, "GET", f"/payroll/payslips/{slips[qian_id]['id']}")
    assert Decimal(qian.get(f"/payroll/payslips/{slips[qian_id]['id']}")["gross"]) == Decimal("7123.13")

