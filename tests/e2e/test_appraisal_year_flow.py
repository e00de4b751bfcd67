"""Issue 10's year through the gateway on the dev stack: twelve closed months of a sales rep, seeded
quickly through the API (reviews whose ratings differ month by month, deals in some months, one
month closed by HR with a stated rule for the stage left out), then the annual score (A1) computed
in the suite clock's year for the one before it: the exact mean of the twelve monthly results the
closes returned, its event on the broker, and reads within scope only.

A newcomer hired on 1 February shows the stated rule for months without a result: the dev stack is
started with ``APPRAISAL_ANNUAL_MISSING_MONTHS=zero`` (A1 to the letter, ÷ 12), so their January
counts as 0, where the default (``employed_months``) would leave it out.

The year under test is the calendar year before the suite clock's: it has ended whatever the date.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from flow_helpers import Person, eventually

from devstack.harness import RunningStack
from devstack.pytest_plugin import suite_instant
from shared.clock import FixedClock

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOCK = FixedClock(suite_instant(), SHANGHAI)
YEAR = int(CLOCK.month()[:4]) - 1
MONTHS = [f"{YEAR}-{month:02d}" for month in range(1, 13)]
HIRED_ON = date(YEAR - 1, 12, 1).isoformat()  # on the books for the whole year
NEWCOMER_HIRED_ON = date(YEAR, 2, 1).isoformat()  # not employed in January
# Live inputs: a deal in three months (the sales template's target is 100 000; July's is capped).
DEALS = {MONTHS[2]: Decimal("40000.00"), MONTHS[6]: Decimal("120000.00"), MONTHS[10]: Decimal("65000.50")}
# June's superior review is left out: HR closes it counting that stage as the leader's ratings.
SUPERIOR_LEFT_OUT = MONTHS[5]
ANNUAL_EVENT = "appraisal.annual_result.finalized.v1"


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.fixture
def running_stack(tmp_path) -> Iterator[RunningStack]:
    """The dev stack as the e2e conftest starts it, with the company's stated rule for months without
    a result set the way any appraisal setting is: the service's environment."""
    stack = RunningStack(tmp_path / "dev", clock_at=suite_instant(),
                         env={"APPRAISAL_ANNUAL_MISSING_MONTHS": "zero"})
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def people(running_stack) -> Iterator[dict[str, Person]]:
    logged_in: dict[str, Person] = {"admin": Person(running_stack.gateway, running_stack.admin_token(), "admin")}
    yield logged_in
    for person in logged_in.values():
        person.close()


def hire(admin: Person, name: str, role: str, department_id: str, login: str, hired_on: str = HIRED_ON,
         **placement: str) -> str:
    body = {"name": name, "role": role, "department_id": department_id, "hired_on": hired_on,
            "login": login, "password": f"{login}-password", **placement}
    return admin.expect(201, "POST", "/org/employees", json=body)["id"]


def annual_events(running_stack: RunningStack) -> list[dict]:
    """The annual results appraisal published, read off the dev broker (devstack.tail)."""
    shown = subprocess.run([sys.executable, "-m", "devstack.tail", "appraisal.score", "--bootstrap",
                            running_stack.broker], capture_output=True, text=True, timeout=60)
    if shown.returncode != 0:  # the topic not there yet
        return []
    events = [json.loads(line)["value"] for line in shown.stdout.splitlines() if line.strip()]
    return [event["data"] for event in events if event["type"] == ANNUAL_EVENT]


def test_a_year_of_closed_months_gives_the_annual_score_as_their_exact_mean(running_stack, people):
    admin = people["admin"]
    tag = uuid.uuid4().hex[:6]

    # 1. The department: manager Zhou, leader Wang with a group of rep Zhao and newcomer Qian; HR apart.
    sales = admin.expect(201, "POST", "/org/departments", json={"name": f"销售三部 {tag}", "kind": "field_sales"})
    office = admin.expect(201, "POST", "/org/departments", json={"name": f"人事 {tag}", "kind": "admin"})
    for department, role, planned in [(sales, "department_manager", 1), (sales, "group_leader", 1),
                                      (sales, "sales_rep", 2), (office, "hr", 1)]:
        admin.expect(200, "PUT", f"/org/departments/{department['id']}/headcount/{role}", json={"planned": planned})
    manager_id = hire(admin, "Zhou Qiang", "department_manager", sales["id"], f"zhou{tag}")
    leader_id = hire(admin, "Wang Li", "group_leader", sales["id"], f"wang{tag}", manager_id=manager_id)
    group = admin.expect(201, "POST", "/org/groups",
                         json={"name": f"Group {tag}", "department_id": sales["id"], "leader_id": leader_id})
    rep_id = hire(admin, "Zhao Min", "sales_rep", sales["id"], f"zhao{tag}", group_id=group["id"],
                  manager_id=leader_id)
    newcomer_id = hire(admin, "Qian Hui", "sales_rep", sales["id"], f"qian{tag}", hired_on=NEWCOMER_HIRED_ON,
                       group_id=group["id"], manager_id=leader_id)
    hire(admin, "Li Hua", "hr", office["id"], f"li{tag}")
    for key, login in [("manager", f"zhou{tag}"), ("leader", f"wang{tag}"), ("rep", f"zhao{tag}"),
                       ("newcomer", f"qian{tag}"), ("hr", f"li{tag}")]:
        people[key] = Person(running_stack.gateway, running_stack.login(login, f"{login}-password"), login)
    manager, leader, rep, newcomer, hr = (people[k] for k in ("manager", "leader", "rep", "newcomer", "hr"))

    # 2. Live inputs: Zhao's deals, the first on a lead through the group, the others with its customer.
    imported = admin.expect(200, "POST", "/crm/leads/import", params={"department_id": sales["id"]},
                            content=b"name,phone,email,company,source\nLi Na,13800000002,,Acme,exhibition\n",
                            headers={"content-type": "text/csv"})
    lead_id = imported["created"][0]["lead_id"]
    eventually(lambda: admin.request("POST", f"/crm/leads/{lead_id}/assign-group",
                                     json={"group_id": group["id"], "reason": "exhibition"}),
               until=lambda r: r.status_code == 200, what="crm to know the group")
    eventually(lambda: leader.request("POST", f"/crm/leads/{lead_id}/assign", json={"rep_id": rep_id}),
               until=lambda r: r.status_code == 200, what="crm to know the rep")
    customer_id = None
    for month, amount in DEALS.items():
        target = {"lead_id": lead_id} if customer_id is None else {"customer_id": customer_id, "rep_id": rep_id}
        deal = rep.expect(201, "POST", "/crm/deals", json={**target, "amount": str(amount),
                                                           "signed_on": f"{month}-15"})
        customer_id = deal["customer_id"]

    def sales_amount(month: str) -> Decimal | None:
        response = admin.request("GET", f"/appraisal/periods/{month}/employees/{rep_id}/score")
        if response.status_code != 200:
            return None
        line = next(i for i in response.json()["indicators"] if i["key"] == "sales_amount")
        return None if line["raw_value"] is None else Decimal(line["raw_value"])

    # Each deal reaches its own month's live score before that month is closed.
    for month, amount in DEALS.items():
        eventually(lambda month=month: sales_amount(month), until=lambda seen, amount=amount: seen == amount,
                   what=f"the deal of {month} in Zhao's score")

    # 3. Twelve months: Zhao reviewed at every stage (ratings that move month by month), June without
    #    the superior's review; HR closes each month with the stated rule for stages left out.
    def review(person: Person, month: str, stage: str, rating: int) -> None:
        body = {"stage": stage, "ratings": {"teamwork": rating, "ability": rating - 5}}
        path = f"/appraisal/periods/{month}/employees/{rep_id}/reviews"
        if month == MONTHS[0]:  # appraisal's directory may not know everyone yet
            eventually(lambda: person.request("POST", path, json=body), until=lambda r: r.status_code == 201,
                       what=f"{person.who}'s {stage} review of {month}")
        else:
            person.expect(201, "POST", path, json=body)

    monthly: dict[str, list[Decimal]] = {rep_id: [], newcomer_id: []}
    for number, month in enumerate(MONTHS, start=1):
        review(rep, month, "self", 60 + number)
        review(leader, month, "leader", 50 + 3 * number)
        if month != SUPERIOR_LEFT_OUT:
            review(manager, month, "superior", 55 + 2 * number)
        rule = "leader" if month == SUPERIOR_LEFT_OUT else "zero"
        closed = hr.expect(200, "POST", f"/appraisal/periods/{month}/close", json={"missing_stages_rule": rule})
        results = {row["employee_id"]: row for row in closed["results"]}
        zhao = results[rep_id]
        if month == SUPERIOR_LEFT_OUT:
            assert (zhao["missing_stages"], zhao["missing_stages_rule"]) == (["superior"], "leader")
        else:
            assert (zhao["missing_stages"], zhao["missing_stages_rule"]) == ([], None)
        monthly[rep_id].append(Decimal(zhao["score"]))
        if month == MONTHS[0]:
            assert newcomer_id not in results  # not yet hired: no result for January
        else:
            monthly[newcomer_id].append(Decimal(results[newcomer_id]["score"]))
    assert len(set(monthly[rep_id])) == 12, monthly[rep_id]  # a mean of twelve different months

    # 4. The annual score: not for the clock's own year (not before January next), then the past year.
    this_year = hr.expect(409, "POST", f"/appraisal/years/{YEAR + 1}/annual-results")
    assert "January" in this_year["detail"]
    manager.expect(403, "POST", f"/appraisal/years/{YEAR}/annual-results")
    rep.expect(403, "POST", f"/appraisal/years/{YEAR}/annual-results")
    computed = {row["employee_id"]: row for row in hr.expect(200, "POST", f"/appraisal/years/{YEAR}/annual-results")}
    zhao = computed[rep_id]
    # A1: the sum of the twelve monthly results ÷ 12, rounded once, half-up to the cent.
    assert Decimal(zhao["score"]) == cents(sum(monthly[rep_id], Decimal(0)) / 12)
    assert (zhao["months_scored"], zhao["months_missing"], zhao["missing_months_rule"], zhao["revision"]) == (
        MONTHS, [], "zero", 1)
    # The newcomer's January counts as 0 under the stated rule: eleven results ÷ 12, not ÷ 11.
    qian = computed[newcomer_id]
    assert (qian["months_scored"], qian["months_missing"], qian["missing_months_rule"]) == (
        MONTHS[1:], MONTHS[:1], "zero")
    assert Decimal(qian["score"]) == cents(sum(monthly[newcomer_id], Decimal(0)) / 12)
    assert Decimal(qian["score"]) != cents(sum(monthly[newcomer_id], Decimal(0)) / 11)

    # 5. Its result is readable, and its event went out once: computing again announces nothing new.
    assert rep.get(f"/appraisal/years/{YEAR}/employees/{rep_id}/annual-result") == zhao
    assert leader.get(f"/appraisal/years/{YEAR}/employees/{rep_id}/annual-result") == zhao
    assert hr.get(f"/appraisal/years/{YEAR}/employees/{newcomer_id}/annual-result") == qian
    published = eventually(lambda: annual_events(running_stack),
                           until=lambda seen: {e["employee_id"] for e in seen} == set(computed),
                           what="the annual results on the broker")
    [event] = [e for e in published if e["employee_id"] == rep_id]
    assert (Decimal(event["score"]), event["year"], event["months_scored"], event["revision"]) == (
        Decimal(zhao["score"]), YEAR, MONTHS, 1)
    again = hr.expect(200, "POST", f"/appraisal/years/{YEAR}/annual-results")
    assert {row["employee_id"]: row for row in again} == computed
    assert len(annual_events(running_stack)) == len(published) == len(computed)

    # 6. Within scope only: a rep reads their own, never a colleague's (404, not even that it exists).
    rep.expect(404, "GET", f"/appraisal/years/{YEAR}/employees/{newcomer_id}/annual-result")
    newcomer.expect(404, "GET", f"/appraisal/years/{YEAR}/employees/{rep_id}/annual-result")
    assert [row["employee_id"] for row in rep.get(f"/appraisal/years/{YEAR}/annual-results")] == [rep_id]
    assert {row["employee_id"] for row in leader.get(f"/appraisal/years/{YEAR}/annual-results")} >= {
        rep_id, newcomer_id}
