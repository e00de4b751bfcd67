"""A2's remaining measured indicators on the real database (issue 10 item 2): new customers, visits,
follow-ups done on time and complaint-handling timeliness — each once however often or in whatever
order delivered, scored by the seeded sales template, rolled up to the leader and the manager, and
listed by source event behind the score."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from appraisal_world import Tokens, World, on

from shared.clock import first_day, shift_month
from shared.events.crm import ComplaintClosed, DealWon, FollowUpDone, VisitLogged
from shared.events.envelope import CloudEvent


def visit(rep, day) -> VisitLogged:
    at = datetime.combine(day, time(3), UTC)
    return VisitLogged(visit_id=uuid.uuid4(), rep_id=rep.id, customer_id=uuid.uuid4(), visited_on=day, visited_at=at,
                       result="quoted", logged_at=at)


def follow_up(rep, day, on_time: bool) -> FollowUpDone:
    at = datetime.combine(day, time(3), UTC)
    return FollowUpDone(follow_up_id=uuid.uuid4(), lead_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep.id,
                        method="phone", planned_for=at, done_at=at, done_on=day, on_time=on_time)


def complaint(rep, world: World, closed_at: datetime, on_time: bool, *, complaint_id: uuid.UUID | None = None,
              reopened: int = 0, hours: str = "20") -> ComplaintClosed:
    return ComplaintClosed(complaint_id=complaint_id or uuid.uuid4(), rep_id=rep.id if rep else None,
                           department_id=world.sales, responsible_department_id=world.sales, resolved_by=uuid.uuid4(),
                           cause="late delivery", satisfaction="satisfied", recorded_at=closed_at - timedelta(hours=30),
                           resolved_at=closed_at, closed_at=closed_at, hours_to_resolve=Decimal(hours),
                           escalated=not on_time, on_time=on_time, reopened=reopened)


def new_deal(rep, day, new_customer: bool | None) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal("10000"),
                   signed_on=day, new_customer=new_customer)


def noon(period: str, day: int) -> datetime:
    return datetime.combine(on(period, day), time(4), UTC)  # 12:00 in Shanghai


async def card(client, tokens: Tokens, person, period: str) -> dict:
    response = await client.get(f"/periods/{period}/employees/{person.id}/score", headers=tokens.hr())
    assert response.status_code == 200, response.text
    return {line["key"]: line for line in response.json()["indicators"]} | {"total": response.json()["total"]}


async def test_each_indicator_once_however_delivered_with_its_sources(world: World, client, tokens: Tokens,
                                                                     period: str):
    rep = world.rep
    won_new, won_old, won_unknown = (new_deal(rep, on(period, 3), True), new_deal(rep, on(period, 4), False),
                                     new_deal(rep, on(period, 5), None))
    first_visit = CloudEvent.wrap(visit(rep, on(period, 6)), source="/crm")
    visits = [visit(rep, on(period, day)) for day in (7, 8, 9)]
    done_on_time, done_late = follow_up(rep, on(period, 6), True), follow_up(rep, on(period, 7), False)
    handled, escalated = (complaint(rep, world, noon(period, 10), True),
                          complaint(rep, world, noon(period, 11), False))
    # Each delivered twice (same envelope) and re-published (new envelope), in shuffled order.
    await world.apply(first_visit, *visits, won_unknown, done_late, escalated)
    await world.apply(first_visit, CloudEvent.wrap(first_visit.payload(VisitLogged), source="/crm"), won_new,
                      done_on_time, handled, won_old, *reversed(visits), handled, done_late, escalated, won_new)

    lines = await card(client, tokens, rep, period)
    assert (lines["new_customers"]["raw_value"], lines["new_customers"]["inputs"]) == ("1.00", 1)
    assert (lines["visits"]["raw_value"], lines["visits"]["inputs"], lines["visits"]["points"]) == ("4.00", 4, "5.00")
    # One of two follow-ups on time: 1 of the target 40.
    assert (lines["follow_ups_on_time"]["raw_value"], lines["follow_ups_on_time"]["inputs"]) == ("1.00", 2)
    # One of two complaints handled on time: 50 %, × 5 % weight.
    complaints = lines["complaints_on_time"]
    assert (complaints["raw_value"], complaints["points"], complaints["contribution"], complaints["inputs"],
            complaints["rule"]) == ("50.00", "50.00", "2.50", 2, "share")
    assert lines["contracts_signed"]["raw_value"] == "3.00"

    url = f"/periods/{period}/employees/{rep.id}/inputs"
    listed = (await client.get(url, params={"indicator": "visits"}, headers=tokens.of(rep))).json()
    assert sorted(row["source_id"] for row in listed) == sorted(
        [f"visit:{first_visit.payload(VisitLogged).visit_id}"] + [f"visit:{v.visit_id}" for v in visits])
    assert {row["event_id"] for row in listed if row["source_id"].endswith(str(
        first_visit.payload(VisitLogged).visit_id))} == {str(first_visit.id)}
    customers = (await client.get(url, params={"indicator": "new_customers"}, headers=tokens.of(rep))).json()
    assert [(row["source_id"], row["value"]) for row in customers] == [(f"deal:{won_new.deal_id}", "1.00")]
    timeliness = (await client.get(url, params={"indicator": "complaints_on_time"}, headers=tokens.of(rep))).json()
    assert sorted((row["source_id"], row["value"]) for row in timeliness) == sorted([
        (f"complaint:{handled.complaint_id}:{period}", "1.00"),
        (f"complaint:{escalated.complaint_id}:{period}", "0.00")])

    # Rolled up to the group's leader and the department's manager, once each.
    leader = (await client.get(f"/periods/{period}/employees/{world.leader.id}/inputs", headers=tokens.hr())).json()
    kinds = {}
    for row in leader:
        kinds[row["kind"]] = kinds.get(row["kind"], Decimal(0)) + Decimal(row["value"])
    assert (kinds["group_new_customers"], kinds["group_visits"], kinds["group_follow_ups_on_time"],
            kinds["group_complaints_on_time"]) == (1, 4, 1, 1)
    manager = (await client.get(f"/periods/{period}/employees/{world.manager.id}/inputs", headers=tokens.hr())).json()
    assert len([row for row in manager if row["kind"] == "department_visits"]) == 4
    assert len([row for row in manager if row["kind"] == "department_complaints_on_time"]) == 2


async def test_a_reopened_complaint_closed_again_replaces_its_closing_in_any_order(world: World, client,
                                                                                   tokens: Tokens, period: str):
    rep = world.rep
    complaint_id = uuid.uuid4()
    first = complaint(rep, world, noon(period, 10), True, complaint_id=complaint_id)
    again = complaint(rep, world, noon(period, 14), False, complaint_id=complaint_id, reopened=1)
    # The second closing overtakes the first: the older one changes nothing when it lands.
    await world.apply(again, first, again)
    lines = await card(client, tokens, rep, period)
    assert (lines["complaints_on_time"]["raw_value"], lines["complaints_on_time"]["inputs"]) == ("0.00", 1)
    leader = (await client.get(f"/periods/{period}/employees/{world.leader.id}/inputs", headers=tokens.hr())).json()
    assert [(row["value"], row["revision"]) for row in leader if row["kind"] == "group_complaints_on_time"] == [
        ("0.00", 1)]


async def test_complaints_on_the_company_calendar_and_without_a_rep(world: World, client, tokens: Tokens,
                                                                    period: str):
    rep = world.rep
    # 00:30 on the 1st in Shanghai is still the previous day in UTC: the new month's complaint.
    next_month = shift_month(period, 1)
    after_midnight = datetime.combine(first_day(next_month), time(0, 30), UTC) - timedelta(hours=8)
    await world.apply(complaint(rep, world, after_midnight, True), complaint(None, world, noon(period, 3), False))
    lines = await card(client, tokens, rep, period)
    assert (lines["complaints_on_time"]["raw_value"], lines["complaints_on_time"]["inputs"],
            lines["complaints_on_time"]["points"]) == (None, 0, "100.00")
    assert await world.fact_count() == 3  # the rep's, rolled up to the leader and the manager; none for nobody
