"""Weekly plans and reports (A8) on the real database: the employee submits, the leader returns,
the manager approves, an approved plan is final; the report pre-filled with the week's own
figures, once, marked late past its day."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from appraisal_world import Tokens, World

from appraisal.domain.plans import parse_week, week_of
from shared.clock import FixedClock
from shared.events.crm import DealWon, PaymentReceived, VisitLogged
from shared.events.envelope import CloudEvent


async def test_a_plan_is_returned_resubmitted_approved_and_then_final(world: World, client, tokens: Tokens,
                                                                      clock: FixedClock):
    week = week_of(clock.today() + timedelta(days=7))
    url = f"/weeks/{week}/employees/{world.rep.id}/plan"
    plan = {"content": {"goals": "Close Acme", "visits_planned": "8"}}
    submitted = await client.put(url, headers=tokens.of(world.rep), json=plan)
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["status"], submitted.json()["late"]) == ("submitted", False)
    assert (await client.put(url, headers=tokens.of(world.leader), json=plan)).status_code == 403
    assert (await client.put(url, headers=tokens.of(world.rep2), json=plan)).status_code == 404

    decide = f"{url}/decision"
    assert (await client.post(decide, headers=tokens.of(world.rep), json={"decision": "approve"})).status_code == 403
    assert (await client.post(decide, headers=tokens.of(world.leader2),
                              json={"decision": "approve"})).status_code == 404
    returned = await client.post(decide, headers=tokens.of(world.leader),
                                 json={"decision": "return", "note": "Add the visits' customers"})
    assert returned.json()["status"] == "returned"
    assert (await client.put(url, headers=tokens.of(world.rep), json=plan)).json()["status"] == "submitted"
    approved = await client.post(decide, headers=tokens.of(world.manager), json={"decision": "approve"})
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", str(world.manager.id))
    final = await client.put(url, headers=tokens.of(world.rep), json=plan)
    assert final.status_code == 409 and "final" in final.json()["detail"]
    assert (await client.post(decide, headers=tokens.of(world.manager),
                              json={"decision": "return"})).status_code == 409
    assert (await client.get(url, headers=tokens.of(world.rep))).json()["content"] == plan["content"]
    bad = await client.put(f"/weeks/2026-W60/employees/{world.rep.id}/plan", headers=tokens.of(world.rep), json=plan)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "week"


async def test_the_report_is_prefilled_submitted_once_and_late_past_its_day(world: World, client, tokens: Tokens,
                                                                            clock: FixedClock):
    week = week_of(clock.today() - timedelta(days=14))
    monday = parse_week(week)
    await world.apply(
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep.id, amount=Decimal("12000"),
                signed_on=monday + timedelta(days=1)),
        PaymentReceived(payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=world.rep.id, amount=Decimal("3000"),
                        received_on=monday + timedelta(days=2)),
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep.id, amount=Decimal("999"),
                signed_on=monday + timedelta(days=7)))  # the next week's
    url = f"/weeks/{week}/employees/{world.rep.id}/report"
    draft = (await client.get(url, headers=tokens.of(world.rep))).json()
    assert (draft["prefilled"], draft["submitted_at"]) == ({"sales_volume": "12000.00", "collections": "3000.00",
                                                            "customer_visits": "0", "new_customers": "0"}, None)
    unknown = await client.post(url, headers=tokens.of(world.rep), json={"fields": {"gossip": "x"}})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "fields.gossip"
    body = {"fields": {"customer_visits": "6", "competitor_moves": "Rival cut prices 5 %"}}
    assert (await client.post(url, headers=tokens.of(world.leader), json=body)).status_code == 403
    submitted = await client.post(url, headers=tokens.of(world.rep), json=body)
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["late"] is True  # due the Monday after the week
    assert (await client.post(url, headers=tokens.of(world.rep), json=body)).status_code == 409
    assert (await client.get(url, headers=tokens.of(world.leader))).json()["fields"] == body["fields"]
    assert (await client.get(url, headers=tokens.of(world.rep2))).status_code == 404


async def test_hr_sees_whose_plans_and_reports_are_late_or_missing(world: World, client, tokens: Tokens,
                                                                   clock: FixedClock):
    week = week_of(clock.today() - timedelta(days=14))
    base = f"/weeks/{week}/employees/{world.rep.id}"
    assert (await client.put(f"{base}/plan", headers=tokens.of(world.rep),
                             json={"content": {"goals": "g"}})).status_code == 200
    assert (await client.post(f"{base}/report", headers=tokens.of(world.rep),
                              json={"fields": {"customer_visits": "3"}})).status_code == 201
    listed = await client.get(f"/weeks/{week}/submissions", headers=tokens.hr())
    assert listed.status_code == 200, listed.text
    rows = {row["employee_id"]: row for row in listed.json()}
    assert set(rows) == {str(p.id) for p in world.appraised}
    assert rows[str(world.rep.id)] == {"employee_id": str(world.rep.id), "plan_status": "submitted",
                                       "plan_late": True, "report_submitted": True, "report_late": True}
    assert rows[str(world.rep2.id)] == {"employee_id": str(world.rep2.id), "plan_status": None, "plan_late": True,
                                        "report_submitted": False, "report_late": True}
    assert (await client.get(f"/weeks/{week}/submissions", headers=tokens.of(world.manager))).status_code == 403


def visit(rep_id: uuid.UUID, day) -> VisitLogged:
    at = datetime.combine(day, time(3), UTC)
    return VisitLogged(visit_id=uuid.uuid4(), rep_id=rep_id, customer_id=uuid.uuid4(), visited_on=day, visited_at=at,
                       result="quoted", logged_at=at)


async def test_the_report_is_prefilled_with_the_weeks_own_visits_and_new_customers(world: World, client,
                                                                                  tokens: Tokens, clock: FixedClock):
    week = week_of(clock.today() - timedelta(days=14))
    monday = parse_week(week)
    redelivered = CloudEvent.wrap(visit(world.rep.id, monday), source="/crm")
    await world.apply(
        redelivered, redelivered, visit(world.rep.id, monday + timedelta(days=6)),
        visit(world.rep.id, monday - timedelta(days=1)),  # the week before
        visit(world.rep2.id, monday + timedelta(days=2)),  # someone else's
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep.id, amount=Decimal("500"),
                signed_on=monday + timedelta(days=3), new_customer=True),
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep.id, amount=Decimal("700"),
                signed_on=monday + timedelta(days=4), new_customer=False))
    url = f"/weeks/{week}/employees/{world.rep.id}/report"
    expected = {"sales_volume": "1200.00", "collections": "0.00", "customer_visits": "2", "new_customers": "1"}
    draft = (await client.get(url, headers=tokens.of(world.rep))).json()
    assert draft["prefilled"] == expected
    submitted = await client.post(url, headers=tokens.of(world.rep), json={"fields": {"customer_visits": "3"}})
    assert submitted.status_code == 201, submitted.text
    # The employee's own figure stands beside the system's, neither overwriting the other.
    assert (submitted.json()["fields"], submitted.json()["prefilled"]) == ({"customer_visits": "3"}, expected)
    assert (await client.get(url, headers=tokens.of(world.leader))).json()["prefilled"] == expected
