"""Issue 10's proof through the gateway on the dev stack: a department's month with a rep, a
telesales agent, their group leader, a supervisor and the department manager, each scored by
their own template with live inputs; the whole review chain with a wrong reviewer refused; the
close refused for missing reviews, then closed by HR with a stated rule recorded on the results;
honours and the leaderboard; the feedback interview and acknowledgement; a reopen with its audit
and the revised close. (The year, twelve closed months and their annual score, is
test_appraisal_year_flow.py.)

The month under test is the one before the suite clock's month ("October" below): it has ended.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from flow_helpers import Person, eventually

from devstack.pytest_plugin import suite_instant
from shared.clock import FixedClock, first_day, shift_month

SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOCK = FixedClock(suite_instant(), SHANGHAI)
PERIOD = shift_month(CLOCK.month(), -1)
HIRED_ON = first_day(shift_month(PERIOD, -1)).isoformat()
DEAL_AMOUNT = Decimal("250000.00")
DEAL_SIGNED_ON = first_day(PERIOD).replace(day=12).isoformat()
ZERO_RULE = {"missing_stages_rule": "zero"}


def october(day: int, hour: int) -> str:
    return datetime.combine(first_day(PERIOD).replace(day=day), time(hour), tzinfo=SHANGHAI).isoformat()


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


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


def line(card: dict, key: str) -> dict:
    return next(item for item in card["indicators"] if item["key"] == key)


def test_a_departments_month_every_role_the_whole_review_honours_and_a_reopen(running_stack, people):
    admin = people["admin"]
    tag = uuid.uuid4().hex[:6]

    # 1. The department: manager, supervisor, a group led by Wang with rep Zhao and agent Sun; HR apart.
    sales = admin.expect(201, "POST", "/org/departments", json={"name": f"销售二部 {tag}", "kind": "field_sales"})
    office = admin.expect(201, "POST", "/org/departments", json={"name": f"人事 {tag}", "kind": "admin"})
    for department, role in [(sales, "department_manager"), (sales, "supervisor"), (sales, "group_leader"),
                             (sales, "sales_rep"), (sales, "telesales_agent"), (office, "hr")]:
        admin.expect(200, "PUT", f"/org/departments/{department['id']}/headcount/{role}", json={"planned": 1})
    manager_id = hire(admin, "Zhou Qiang", "department_manager", sales["id"], f"zhou{tag}")
    supervisor_id = hire(admin, "Ma Lin", "supervisor", sales["id"], f"ma{tag}", manager_id=manager_id)
    leader_id = hire(admin, "Wang Li", "group_leader", sales["id"], f"wang{tag}", manager_id=manager_id)
    group = admin.expect(201, "POST", "/org/groups",
                         json={"name": f"Group {tag}", "department_id": sales["id"], "leader_id": leader_id})
    rep_id = hire(admin, "Zhao Min", "sales_rep", sales["id"], f"zhao{tag}", group_id=group["id"],
                  manager_id=leader_id)
    agent_id = hire(admin, "Sun Yue", "telesales_agent", sales["id"], f"sun{tag}", group_id=group["id"],
                    manager_id=leader_id)
    hire(admin, "Li Hua", "hr", office["id"], f"li{tag}")
    for key, login in [("manager", f"zhou{tag}"), ("supervisor", f"ma{tag}"), ("leader", f"wang{tag}"),
                       ("rep", f"zhao{tag}"), ("agent", f"sun{tag}"), ("hr", f"li{tag}")]:
        people[key] = Person(running_stack.gateway, running_stack.login(login, f"{login}-password"), login)
    manager, supervisor, leader, rep, agent, hr = (people[k] for k in ("manager", "supervisor", "leader", "rep",
                                                                       "agent", "hr"))

    # 2. A template for every role: the seeded ones keep reps; presets for the others.
    for key, roles in (("sales", ["sales_rep"]), ("telesales", ["sales_assistant"])):
        current = admin.get(f"/appraisal/templates/{key}")
        admin.expect(200, "PUT", f"/appraisal/templates/{key}", json={
            "name": current["name"], "roles": roles,
            "indicators": [{k: i[k] for k in ("key", "label", "source", "weight", "rule", "params")}
                           for i in current["indicators"]]})
    for preset in ("telesales_agent", "group_leader", "supervisor", "department_manager"):
        admin.expect(201, "POST", f"/appraisal/templates/presets/{preset}/install",
                     json={"roles": [preset], "key": f"{preset}_{tag}"})

    # 3. Live inputs: Zhao's deal (a lead through the group), Sun's calls.
    imported = admin.expect(200, "POST", "/crm/leads/import", params={"department_id": sales["id"]},
                            content=b"name,phone,email,company,source\nLi Na,13800000001,,Acme,exhibition\n",
                            headers={"content-type": "text/csv"})
    lead_id = imported["created"][0]["lead_id"]
    eventually(lambda: admin.request("POST", f"/crm/leads/{lead_id}/assign-group",
                                     json={"group_id": group["id"], "reason": "exhibition"}),
               until=lambda r: r.status_code == 200, what="crm to know the group")
    eventually(lambda: leader.request("POST", f"/crm/leads/{lead_id}/assign", json={"rep_id": rep_id}),
               until=lambda r: r.status_code == 200, what="crm to know the rep")
    rep.expect(201, "POST", "/crm/deals", json={"lead_id": lead_id, "amount": str(DEAL_AMOUNT),
                                                "cost": "150000.00", "signed_on": DEAL_SIGNED_ON})
    calls = [{"call_id": f"{tag}-sun-{n}", "agent_id": agent_id, "lead_id": None, "number_dialled": "+86 138 0000 0000",
              "started_at": october(14, 9 + n), "duration_seconds": 120, "connected": True,
              "disposition": "intent" if n < 2 else "effective_conversation"} for n in range(4)]
    eventually(lambda: agent.request("POST", "/telesales-intake/calls/batch", json={"calls": calls}),
               until=lambda r: r.status_code == 202, what="telesales intake to take Sun's calls")

    def card(person_id: str) -> dict:
        return admin.get(f"/appraisal/periods/{PERIOD}/employees/{person_id}/score")

    def measured(person_id: str, key: str) -> Decimal | None:
        response = admin.request("GET", f"/appraisal/periods/{PERIOD}/employees/{person_id}/score")
        if response.status_code != 200:
            return None
        value = line(response.json(), key)["raw_value"] if any(
            i["key"] == key for i in response.json()["indicators"]) else None
        return None if value is None else Decimal(value)

    for person_id, key, value in [(rep_id, "sales_amount", DEAL_AMOUNT), (agent_id, "calls_dialled", Decimal(4)),
                                  (agent_id, "intent_customers", Decimal(2)),
                                  (leader_id, "group_sales_amount", DEAL_AMOUNT),
                                  (manager_id, "department_sales_amount", DEAL_AMOUNT),
                                  (supervisor_id, "department_calls_dialled", Decimal(4))]:
        eventually(lambda person_id=person_id, key=key: measured(person_id, key),
                   until=lambda seen, value=value: seen == value, what=f"{key} of {person_id}")
    templates = {person_id: card(person_id)["template_key"] for person_id in
                 (rep_id, agent_id, leader_id, supervisor_id, manager_id)}
    assert templates == {rep_id: "sales", agent_id: f"telesales_agent_{tag}", leader_id: f"group_leader_{tag}",
                         supervisor_id: f"supervisor_{tag}", manager_id: f"department_manager_{tag}"}
    # Each score's breakdown names its source events.
    sources = admin.get(f"/appraisal/periods/{PERIOD}/employees/{leader_id}/inputs",
                        params={"indicator": "group_sales_amount"})
    assert len(sources) == 1 and sources[0]["source_id"].startswith("deal:") and sources[0]["event_id"]

    # 4. The review chain: each stage by its own person; a wrong reviewer refused.
    def review(person: Person, employee_id: str, stage: str, value: int, status: int = 201) -> dict:
        ratings = {i["key"]: value for i in card(employee_id)["indicators"] if i["source"] == "review"}
        return person.expect(status, "POST", f"/appraisal/periods/{PERIOD}/employees/{employee_id}/reviews",
                             json={"stage": stage, "ratings": ratings})

    review(rep, rep_id, "self", 90)
    review(leader, rep_id, "superior", 80, status=403)  # the leader writing their manager's stage
    review(leader, rep_id, "leader", 85)
    review(manager, rep_id, "superior", 80)
    review(hr, rep_id, "hr", 84)
    for person, stage in ((agent, "self"), (leader, "leader"), (manager, "superior")):
        review(person, agent_id, stage, 75)
    # Wang leads their own group: Zhou writes their leader stage, so Ma (the supervisor) the superior one.
    review(leader, leader_id, "self", 80)
    review(manager, leader_id, "leader", 70)
    review(manager, leader_id, "superior", 70, status=403)  # one person, two stages
    review(supervisor, leader_id, "superior", 75)

    # 5. The close: refused while the manager's and supervisor's reviews are missing, then HR's rule.
    refused = admin.expect(409, "POST", f"/appraisal/periods/{PERIOD}/close")
    missing = {row["employee_id"]: row["missing_stages"] for row in refused["missing_reviews"]}
    assert missing == {manager_id: ["self", "leader", "superior"], supervisor_id: ["self", "leader", "superior"]}
    closed = hr.expect(200, "POST", f"/appraisal/periods/{PERIOD}/close", json=ZERO_RULE)
    results = {row["employee_id"]: row for row in closed["results"]}
    assert (results[manager_id]["missing_stages"], results[manager_id]["missing_stages_rule"]) == (
        ["self", "leader", "superior"], "zero")
    assert results[rep_id]["missing_stages"] == [] and results[rep_id]["missing_stages_rule"] is None
    assert {results[p]["role"] for p in (rep_id, agent_id, leader_id, supervisor_id, manager_id)} == {
        "sales_rep", "telesales_agent", "group_leader", "supervisor", "department_manager"}
    # Ranked within department and role: each is alone in theirs.
    assert {results[p]["department_role_rank"] for p in results if p in templates} == {1}

    # 6. Honours: Zhao is Sales Champion (the company's highest sales), Wang's group the Best Team.
    board = admin.get(f"/appraisal/periods/{PERIOD}/leaderboard")
    honours = {(h["honour"], h["employee_id"]) for h in board["honours"]}
    assert ("sales_champion", rep_id) in honours and ("best_team", leader_id) in honours

    # 7. The feedback interview and the acknowledgement.
    interview = {"held_on": CLOCK.today().isoformat(), "notes": "Strong month.", "improvement_plan": "More visits."}
    leader.expect(403, "POST", f"/appraisal/periods/{PERIOD}/employees/{rep_id}/interview", json=interview)
    manager.expect(201, "POST", f"/appraisal/periods/{PERIOD}/employees/{rep_id}/interview", json=interview)
    leader.expect(403, "POST", f"/appraisal/periods/{PERIOD}/employees/{rep_id}/acknowledgement", json={})
    rep.expect(201, "POST", f"/appraisal/periods/{PERIOD}/employees/{rep_id}/acknowledgement", json={"comment": "OK"})

    # 8. Reopen by HR with a reason (the admin may not), a review added, closed again: revision 2, audited.
    admin.expect(403, "POST", f"/appraisal/periods/{PERIOD}/reopen", json={"reason": "late self-evaluation"})
    hr.expect(200, "POST", f"/appraisal/periods/{PERIOD}/reopen", json={"reason": "late self-evaluation"})
    review(manager, manager_id, "self", 90)
    again = hr.expect(200, "POST", f"/appraisal/periods/{PERIOD}/close", json=ZERO_RULE)
    assert again["period"]["revision"] == 2
    revised = {row["employee_id"]: row for row in again["results"]}
    assert revised[manager_id]["missing_stages"] == ["leader", "superior"]
    assert Decimal(revised[manager_id]["score"]) > Decimal(results[manager_id]["score"])
    audit = hr.get(f"/appraisal/periods/{PERIOD}/audit")
    assert audit[0]["action"] == "reopened" and audit[0]["details"]["reason"] == "late self-evaluation"
    assert any(e["action"] == "review_submitted" and e["employee_id"] == manager_id for e in audit)
    assert any(e["action"] == "result_revised" and e["employee_id"] == manager_id for e in audit)
    # Zhao's composite is HR's 84 (it overrides): the result did not move and is not audited.
    assert not any(e["action"] == "result_revised" and e["employee_id"] == rep_id for e in audit)
    assert cents(Decimal(revised[rep_id]["score"])) == Decimal(results[rep_id]["score"])
