"""Issue 11's proof: a customer's whole life in crm, through the gateway on the real dev stack.

Day 0 (the suite's instant). 销售一部 imports five leads from an Excel workbook (one bad row is
reported, not half-written); its manager hands them to two groups by a weighted strategy and Group
A's leader to his two reps by least load, every assignment with a reason naming the strategy. Zhao
works one lead: contacted, rated high intent, a follow-up done; finance flags the customer's credit,
so his deal is recorded with a warning (and plans his after-sales visits); the deal gets a payment
plan and a first payment short of its first instalment; he opens a project, visits it and moves it
two stages on; the customer complains. Qian works hers, plans her next follow-up, opens a project
and visits it. Zhao's other lead nobody touches: it is on his "going to the pool" list.

Day 8. A running stack's clock cannot be moved, so the stack is stopped and started again on the
same data with its clock eight days later (the database is kept, the relays replay their outbox
and the inboxes drop what was seen). High-intent leads may wait 14 days between follow-ups
(``CRM_POOL_RULES_BY_INTENT``), the others the default 7: the pool's sweep, on its schedule, takes
Zhao's untouched lead back; Zhao is refused it (cool-down), Qian claims it. Qian's follow-up and
Zhao's after-sales visit are overdue; Qian's project (a visit a week in early design) is listed for
a visit; Zhao takes his through to acceptance. The complaint, unanswered for more than 2 days, is
escalated to the department's supervisor by the schedule. The first instalment is overdue; a refund
reaches payroll; appraisal counts the follow-ups, the visits and the late complaint; the leader's
export is in the admin's log.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from flow_helpers import Person, eventually

from devstack.harness import RunningStack
from devstack.pytest_plugin import suite_instant
from shared.clock import FixedClock

T0 = suite_instant()
DAY0 = FixedClock(T0)
JUMP = timedelta(days=8)
HIRED_ON = (DAY0.today() - timedelta(days=90)).isoformat()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
D = Decimal

# The company's pool periods for this story: high-intent customers may wait 14 days between
# follow-ups, every other lead the default 7. The sweeps run every 2 s so that the test sees the
# schedule, not an endpoint, do the work.
STACK_ENV = {
    "CRM_POOL_RULES_BY_INTENT": json.dumps({"high": {"no_follow_up_days": 14, "no_deal_days": 60}}),
    "CRM_POOL_RECLAIM_INTERVAL_SECONDS": "2",
    "CRM_COMPLAINT_SWEEP_INTERVAL_SECONDS": "2",
}

LEADS = [  # name, phone, company, intent
    ("Customer Ao", "13900000001", "Ao Building Materials", "medium"),
    ("Customer Bai", "13900000002", "Bai Interiors", "medium"),
    ("Customer Cao", "13900000003", "Cao Hotels", ""),
    ("Customer Du", "13900000004", "Du Property", "medium"),
    ("Customer Fan", "13900000005", "Fan Schools", ""),
]


def workbook(rows: list[tuple]) -> bytes:
    """The leads as a sales assistant's Excel file: a header row, one lead per row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "phone", "email", "company", "source", "intent_level"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def life_stack(tmp_path) -> Iterator[RunningStack]:
    stack = RunningStack(tmp_path / "dev", clock_at=T0, env=STACK_ENV)
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture
def people() -> Iterator[dict[str, Person]]:
    logged_in: dict[str, Person] = {}
    yield logged_in
    for person in logged_in.values():
        person.close()


def hire(admin: Person, name: str, role: str, department_id: str, login: str, **placement: str) -> str:
    return admin.expect(201, "POST", "/org/employees", json={
        "name": name, "role": role, "department_id": department_id, "hired_on": HIRED_ON, "login": login,
        "password": f"{login}-password", **placement})["id"]


LOGINS = {"admin": None, "zhou": "zhouq", "ma": "mal", "sun": "suny", "wang": "wangl", "zhao": "zhaom",
          "qian": "qianh"}


def log_in(stack: RunningStack, people: dict[str, Person]) -> None:
    """Everyone (again, after a restart) through the gateway."""
    for person in people.values():
        person.close()
    people.clear()
    for key, login in LOGINS.items():
        token = stack.admin_token() if login is None else stack.login(login, f"{login}-password")
        people[key] = Person(stack.gateway, token, key)


def test_a_customers_life_from_import_to_payroll(life_stack, people):
    stack = life_stack
    started = time.monotonic()
    admin = Person(stack.gateway, stack.admin_token(), "admin")
    people["admin"] = admin

    # 1. The organisation: a sales department with two groups, its supervisor and finance ---------------
    sales = admin.expect(201, "POST", "/org/departments", json={"name": "销售一部 Sales", "kind": "field_sales"})
    for role, planned in [("department_manager", 1), ("supervisor", 1), ("finance", 1), ("group_leader", 2),
                          ("sales_rep", 3)]:
        admin.expect(200, "PUT", f"/org/departments/{sales['id']}/headcount/{role}", json={"planned": planned})
    zhou = hire(admin, "Zhou Qiang", "department_manager", sales["id"], "zhouq")
    ma = hire(admin, "Ma Lin", "supervisor", sales["id"], "mal", manager_id=zhou)
    hire(admin, "Sun Yue", "finance", sales["id"], "suny")
    wang = hire(admin, "Wang Li", "group_leader", sales["id"], "wangl", manager_id=zhou)
    chen = hire(admin, "Chen Bo", "group_leader", sales["id"], "chenb", manager_id=zhou)
    group_a = admin.expect(201, "POST", "/org/groups", json={"name": "Group A", "department_id": sales["id"],
                                                              "leader_id": wang})
    group_b = admin.expect(201, "POST", "/org/groups", json={"name": "Group B", "department_id": sales["id"],
                                                              "leader_id": chen})
    zhao = hire(admin, "Zhao Min", "sales_rep", sales["id"], "zhaom", group_id=group_a["id"], manager_id=wang)
    qian = hire(admin, "Qian Hui", "sales_rep", sales["id"], "qianh", group_id=group_a["id"], manager_id=wang)
    li = hire(admin, "Li Gang", "sales_rep", sales["id"], "lig", group_id=group_b["id"], manager_id=chen)
    log_in(stack, people)
    admin, manager, finance, leader = people["admin"], people["zhou"], people["sun"], people["wang"]

    # 2. Leads from an Excel workbook: the good rows in, the bad one reported with its row and field ---
    rows = [(name, phone, "", company, "exhibition", intent) for name, phone, company, intent in LEADS]
    rows.insert(2, ("Customer Bad", "not a phone", "", "Nobody Ltd", "exhibition", ""))
    imported = admin.expect(200, "POST", "/crm/leads/import", params={"department_id": sales["id"]},
                            content=workbook(rows), headers={"content-type": XLSX})
    assert [(r["row"], r["field"]) for r in imported["refused"]] == [(4, "phone")], imported
    assert len(imported["created"]) == len(LEADS)
    customer_of = {row["lead_id"]: row["customer_id"] for row in imported["created"]}

    # 3. Distributed automatically: department → groups weighted 3:1, Group A → reps least loaded ------
    eventually(lambda: manager.request("PUT", f"/crm/departments/{sales['id']}/distribution", json={
        "strategy": "weighted", "groups": [{"group_id": group_a["id"], "weight": 3},
                                           {"group_id": group_b["id"], "weight": 1}]}),
        until=lambda r: r.status_code == 200, what="crm to know the department's groups")
    # Only a group with someone to work its leads takes any: wait until crm knows both groups' reps.
    eventually(lambda: manager.get(f"/crm/departments/{sales['id']}/distribution"),
               until=lambda setting: len(setting["members"]) == 2, what="crm to know both groups' reps")
    for group, reps in ((group_a, {zhao, qian}), (group_b, {li})):
        eventually(lambda group=group: manager.get(f"/crm/groups/{group['id']}/distribution"),
                   until=lambda setting, reps=reps: reps <= {m["id"] for m in setting["members"]},
                   what=f"crm to know the reps of {group['name']}")
    to_groups = manager.expect(200, "POST", f"/crm/departments/{sales['id']}/distribute")
    assert to_groups["strategy"] == "weighted" and to_groups["left_over"] == []
    assert {a["lead_id"] for a in to_groups["assigned"]} == set(customer_of)
    assert all(a["reason"].startswith("weighted: ") and "weight" in a["reason"] for a in to_groups["assigned"])
    # Weighted 3:1 from nothing: A, B, A, A, A (a tie goes to the heavier weight).
    in_a = [a["lead_id"] for a in to_groups["assigned"] if a["group_id"] == group_a["id"]]
    assert len(in_a) == 4

    eventually(lambda: leader.request("PUT", f"/crm/groups/{group_a['id']}/distribution", json={
        "strategy": "least_loaded", "reps": [{"rep_id": zhao, "cap": 30}, {"rep_id": qian, "cap": 30}]}),
        until=lambda r: r.status_code == 200, what="crm to know Group A's reps")
    to_reps = leader.expect(200, "POST", f"/crm/groups/{group_a['id']}/distribute")
    assert to_reps["strategy"] == "least_loaded" and len(to_reps["assigned"]) == 4 and to_reps["left_over"] == []
    assert all(a["reason"].startswith("least loaded: ") and "cap 30" in a["reason"] for a in to_reps["assigned"])
    held = {rep: [a["lead_id"] for a in to_reps["assigned"] if a["rep_id"] == rep] for rep in (zhao, qian)}
    assert [len(held[zhao]), len(held[qian])] == [2, 2], to_reps
    worked, untouched = held[zhao]
    qians = held[qian]
    history = leader.get(f"/crm/leads/{untouched}/assignments")
    assert [(h["level"], h["strategy"]) for h in history] == [("group", "weighted"), ("rep", "least_loaded")]
    assert all(h["reason"] for h in history)

    # 4. Day 0's work -------------------------------------------------------------------------------------
    zhao_p, qian_p = people["zhao"], people["qian"]
    soon = (T0 + timedelta(hours=1)).isoformat()
    # Zhao works his first lead: contacted, high intent, a follow-up planned and done.
    zhao_p.expect(200, "POST", f"/crm/leads/{worked}/status", json={"status": "contacted"})
    zhao_p.expect(200, "PATCH", f"/crm/leads/{worked}", json={"intent_level": "high", "needs": "40 units in spring"})
    planned = zhao_p.expect(201, "POST", f"/crm/leads/{worked}/follow-ups", json={
        "due_at": soon, "method": "phone", "content": "send the quotation", "goal": "a site visit"})
    zhao_p.expect(200, "POST", f"/crm/follow-ups/{planned['id']}/done",
                  json={"outcome": "quotation sent, visit agreed"})
    # Qian works both of hers and plans her next call on the first for day 2.
    for lead in qians:
        qian_p.expect(200, "POST", f"/crm/leads/{lead}/status", json={"status": "contacted"})
        qian_p.expect(200, "PATCH", f"/crm/leads/{lead}", json={"intent_level": "high"})
    first = qian_p.expect(201, "POST", f"/crm/leads/{qians[0]}/follow-ups", json={
        "due_at": soon, "method": "wechat", "content": "catalogue"})
    day2 = (T0 + timedelta(days=2)).isoformat()
    done = qian_p.expect(200, "POST", f"/crm/follow-ups/{first['id']}/done", json={
        "outcome": "catalogue read", "next": {"due_at": day2, "method": "visit", "content": "show the samples"}})
    qians_next = done["next"]["id"]
    # A follow-up in the past is refused, whole.
    qian_p.expect(422, "POST", f"/crm/leads/{qians[1]}/follow-ups", json={
        "due_at": (T0 - timedelta(days=1)).isoformat(), "method": "phone", "content": "too late"})
    # Zhao's other lead is untouched: his list of leads going to the pool within 7 days shows it, by the
    # rule of no follow-up; his high-intent lead is not on it.
    upcoming = zhao_p.get("/crm/pool/upcoming", params={"days": 7})
    assert [(u["lead"]["id"], u["rule"]) for u in upcoming] == [(untouched, "no_follow_up")]

    # Credit: finance flags the customer; the deal is recorded all the same, with a warning.
    customer = customer_of[worked]
    finance.expect(200, "PUT", f"/crm/customers/{customer}/credit", json={
        "rating": "C", "flag": "bad_credit", "reason": "two invoices 90 days overdue at another branch"})
    assert [c["customer_id"] for c in manager.get("/crm/customers/flagged")] == [customer]
    deal = zhao_p.expect(201, "POST", "/crm/deals", json={
        "lead_id": worked, "amount": "30000.00", "cost": "21000.00", "units": 3,
        "signed_on": DAY0.today().isoformat()})
    assert deal["warnings"] and "bad_credit" in " ".join(deal["warnings"]), deal
    # Payment plan: 10 000.00 due on day 3, 20 000.00 on day 30; 4 000.00 received on day 0.
    due_first = DAY0.today() + timedelta(days=3)
    plan = finance.expect(200, "PUT", f"/crm/deals/{deal['id']}/plan", json={"instalments": [
        {"due_on": due_first.isoformat(), "amount": "10000.00"},
        {"due_on": (DAY0.today() + timedelta(days=30)).isoformat(), "amount": "20000.00"}]})
    assert [D(i["days_overdue"]) for i in plan["instalments"]] == [0, 0]
    payment = finance.expect(201, "POST", f"/crm/deals/{deal['id']}/payments", json={
        "amount": "4000.00", "received_on": DAY0.today().isoformat()})

    # Projects and visits (C7, C12): Zhao opens a project for the customer he won and visits it; it moves
    # forward two stages, and back only with a reason. Qian opens one on her lead and visits it too.
    project = zhao_p.expect(201, "POST", "/crm/projects", json={"name": "Ao showroom fit-out", "lead_id": worked})
    assert (project["stage"], project["rep_id"], project["customer_id"]) == ("early_design", zhao, customer)
    visits = [zhao_p.expect(201, "POST", "/crm/visits", json={
        "customer_id": customer, "visited_at": T0.isoformat(), "place": "the customer's showroom",
        "result": "site measured", "lead_id": worked, "project_id": project["id"]})]
    for stage in ("bidding", "deepened_design"):
        zhao_p.expect(200, "POST", f"/crm/projects/{project['id']}/stage", json={"stage": stage})
    back_without_reason = zhao_p.expect(422, "POST", f"/crm/projects/{project['id']}/stage",
                                        json={"stage": "early_design"})
    assert "reason" in str(back_without_reason)
    qians_project = qian_p.expect(201, "POST", "/crm/projects", json={"name": "Bai office", "lead_id": qians[0]})
    qian_visit = {"customer_id": customer_of[qians[0]], "place": "Bai's office", "result": "catalogue shown",
                  "project_id": qians_project["id"]}
    visits.append(qian_p.expect(201, "POST", "/crm/visits", json={**qian_visit, "visited_at": T0.isoformat()}))
    qian_p.expect(422, "POST", "/crm/visits",  # not in the future
                  json={**qian_visit, "visited_at": (T0 + timedelta(days=1)).isoformat()})
    qian_p.expect(404, "POST", "/crm/visits", json={  # not a customer she sees
        "customer_id": customer, "visited_at": T0.isoformat(), "place": "?", "result": "?"})
    iso = DAY0.today().isocalendar()
    week = leader.get("/crm/visits/weekly", params={"week": f"{iso.year}-W{iso.week:02d}"})
    assert {(r["rep_id"], r["visits"], r["short_by"]) for r in week["reps"]} == {(zhao, 1, 19), (qian, 1, 19)}

    # The customer complains; nobody answers. The sweep now finds nothing to escalate.
    complaint = zhao_p.expect(201, "POST", "/crm/complaints", json={
        "lead_id": worked, "cause": "delivery", "content": "the samples came a week late",
        "apology": "apologised by phone the same day"})
    assert complaint["id"] not in admin.expect(200, "POST", "/crm/complaints/escalate")["escalated"]

    # Payroll holds the deal before the stack stops (the replay would bring it anyway; this keeps the
    # story's order plain).
    period = DAY0.month()
    eventually(lambda: finance.get("/payroll/deals", params={"period": period}),
               until=lambda deals: [d["deal_id"] for d in deals] == [deal["id"]], what="payroll to hold the deal")

    # 5. Eight days later ------------------------------------------------------------------------------
    stack.stop()
    later = T0 + timedelta(seconds=time.monotonic() - started) + JUMP
    stack.env["DEV_CLOCK_AT"] = later.isoformat()
    stack.start()
    log_in(stack, people)
    admin, manager, finance, leader = people["admin"], people["zhou"], people["sun"], people["wang"]
    zhao_p, qian_p, supervisor = people["zhao"], people["qian"], people["ma"]
    today = FixedClock(later).today()

    # The schedule's sweep returns the untouched lead to Group A's pool; the worked ones stay.
    back = eventually(lambda: leader.get(f"/crm/leads/{untouched}"),
                      until=lambda lead: lead["status"] == "in_group", what="the sweep to reclaim the idle lead")
    assert back["owner_id"] is None and back["group_id"] == group_a["id"]
    moves = leader.get(f"/crm/leads/{untouched}/moves")
    assert (moves[-1]["kind"], moves[-1]["previous_owner_id"], moves[-1]["by"]) == ("returned", zhao, None)
    assert moves[-1]["reason"] == "no follow-up for 7 days"
    for lead in qians:
        assert leader.get(f"/crm/leads/{lead}")["owner_id"] == qian
    pool = qian_p.get(f"/crm/groups/{group_a['id']}/pool")
    assert [item["id"] for item in pool["items"]] == [untouched]
    # Zhao may not take it back yet (cool-down); Qian claims it.
    refused = zhao_p.expect(409, "POST", f"/crm/leads/{untouched}/claim")
    assert "cooldown_until" in refused, refused
    claimed = qian_p.expect(200, "POST", f"/crm/leads/{untouched}/claim")
    assert claimed["owner_id"] == qian
    zhao_p.expect(409, "POST", f"/crm/leads/{untouched}/claim")  # taken: first come, first served
    assert leader.get(f"/crm/leads/{untouched}/assignments")[-1]["strategy"] == "pool_claim"

    # Qian's follow-up planned for day 2 is overdue, and so is the after-sales visit the deal planned for
    # Zhao within 7 days of the sale: each on its rep's list, both on their leader's.
    after_sales = [f for f in zhao_p.get(f"/crm/leads/{worked}/follow-ups") if f["kind"] == "after_sales"]
    assert [(f["deal_id"], f["status"]) for f in after_sales] == [(deal["id"], "planned")] * 2
    assert [f["id"] for f in qian_p.get("/crm/follow-ups/overdue")] == [qians_next]
    assert [f["id"] for f in zhao_p.get("/crm/follow-ups/overdue")] == [after_sales[0]["id"]]
    assert [f["id"] for f in leader.get("/crm/follow-ups/overdue")] == [qians_next, after_sales[0]["id"]]

    # Qian's project, in early design, was last visited 8 days ago: overdue (a visit every 7 days); Zhao's,
    # in deepened design, has 14. Zhao visits and takes his through stocking to acceptance; Qian visits hers.
    assert [p["id"] for p in leader.get("/crm/projects/overdue-visits")] == [qians_project["id"]]
    assert [p["id"] for p in qian_p.get("/crm/projects/overdue-visits")] == [qians_project["id"]]
    assert zhao_p.get("/crm/projects/overdue-visits") == []
    visits.append(zhao_p.expect(201, "POST", "/crm/visits", json={
        "customer_id": customer, "visited_at": later.isoformat(), "place": "the customer's showroom",
        "result": "installation checked", "project_id": project["id"]}))
    for stage in ("stocking_execution", "acceptance"):
        zhao_p.expect(200, "POST", f"/crm/projects/{project['id']}/stage", json={"stage": stage})
    accepted = leader.get(f"/crm/projects/{project['id']}")
    assert [(h["from_stage"], h["to_stage"]) for h in accepted["history"]] == [
        (None, "early_design"), ("early_design", "bidding"), ("bidding", "deepened_design"),
        ("deepened_design", "stocking_execution"), ("stocking_execution", "acceptance")]
    visits.append(qian_p.expect(201, "POST", "/crm/visits", json={**qian_visit, "visited_at": later.isoformat()}))
    assert leader.get("/crm/projects/overdue-visits") == []

    # The complaint, unanswered for more than 2 days, is escalated by the schedule to the supervisor.
    escalated = eventually(lambda: manager.get(f"/crm/complaints/{complaint['id']}"),
                           until=lambda c: c["escalated_at"] is not None, what="the complaint's escalation")
    assert escalated["escalated_to"] == ma and escalated["status"] == "open"
    supervisor.expect(200, "POST", f"/crm/complaints/{complaint['id']}/resolve",
                      json={"resolution": "samples re-sent by courier, delivery fee refunded"})
    closed = leader.expect(200, "POST", f"/crm/complaints/{complaint['id']}/close", json={"satisfaction": "satisfied"})
    assert closed["status"] == "closed"
    analysis = manager.get("/crm/complaints/analysis", params={"month": DAY0.month()})
    assert (analysis["by_cause"], analysis["escalated"], analysis["closed"]) == ({"delivery": 1}, 1, 1)

    # A refund of 1 000.00 of the 4 000.00 received; it reaches payroll for the deal's month.
    refund = finance.expect(201, "POST", f"/crm/deals/{deal['id']}/refunds", json={
        "payment_id": payment["id"], "amount": "1000.00", "reason": "one unit's deposit returned"})
    assert D(refund["deal"]["refunded"]) == D("1000.00") and D(refund["deal"]["outstanding"]) == D("27000.00")
    held_by_payroll = eventually(
        lambda: finance.get("/payroll/deals", params={"period": period}),
        until=lambda deals: [D(d["refunded"]) for d in deals] == [D("1000.00")], what="payroll to see the refund")
    assert held_by_payroll[0]["deal_id"] == deal["id"]

    # The first instalment is overdue: 10 000.00 due on day 3, 4 000.00 − 1 000.00 = 3 000.00 paid.
    overdue = manager.get("/crm/receivables/overdue")
    assert overdue["as_of"] == today.isoformat()
    assert [(o["deal_id"], o["seq"], D(o["paid"]), D(o["outstanding"]), o["days_overdue"])
            for o in overdue["items"]] == [(deal["id"], 1, D("3000.00"), D("7000.00"), (today - due_first).days)]
    assert D(overdue["total_outstanding"]) == D("7000.00")
    zhao_p.get("/crm/receivables/overdue")  # his own deal's
    assert qian_p.get("/crm/receivables/overdue")["items"] == []  # not hers

    # Appraisal counts the follow-ups done (on time: 1 each), the visits, and the complaint handled late (0),
    # each once, in the month it happened.
    def appraisal_inputs(person: str) -> dict[tuple[str, str], Decimal]:
        facts = {}
        for month in sorted({DAY0.month(), FixedClock(later).month()}):
            for item in admin.get(f"/appraisal/periods/{month}/employees/{person}/inputs"):
                facts[(item["kind"], item["source_id"])] = D(item["value"])
        return facts

    process = ("follow_ups_on_time", "visits", "complaints_on_time")
    zhaos_facts = {
        ("follow_ups_on_time", f"followup:{planned['id']}"): D(1),
        **{("visits", f"visit:{v['id']}"): D(1) for v in visits if v["rep_id"] == zhao},
        ("complaints_on_time", f"complaint:{complaint['id']}:{FixedClock(later).month()}"): D(0)}
    qians_facts = {("follow_ups_on_time", f"followup:{first['id']}"): D(1),
                   **{("visits", f"visit:{v['id']}"): D(1) for v in visits if v["rep_id"] == qian}}
    for person, expected in ((zhao, zhaos_facts), (qian, qians_facts)):
        eventually(lambda person=person: {k: v for k, v in appraisal_inputs(person).items() if k[0] in process},
                   until=lambda seen, expected=expected: seen == expected, what=f"appraisal to count {person}'s work")

    # The leader exports his group's leads; contacts masked; the admin reads the log.
    exported = leader.request("GET", "/crm/leads/export", params={"format": "xlsx", "group_id": group_a["id"]})
    assert exported.status_code == 200, exported.text
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    table = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert len(table) - 1 == 4
    assert not any(phone in str(table) for _, phone, _, _ in LEADS)  # masked: the leader owns none
    leader.expect(403, "GET", "/crm/audit/exports")
    log = admin.get("/crm/audit/exports")
    assert [(e["exported_by"], e["kind"], e["format"], e["row_count"]) for e in log["items"]] == [
        (wang, "leads", "xlsx", 4)]
    assert time.monotonic() - started < 240
