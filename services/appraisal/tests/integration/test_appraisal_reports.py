"""Daily work logs, monthly reports, spot checks and the plan-execution score (A8) on the real
database, through the HTTP API. The clock stands on Wednesday 18 November 2026, 10:00 in
Shanghai (the company's time) unless a test moves it; October 2026 is the month worked in."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest
from appraisal_world import Tokens, World
from sqlalchemy import text

from shared.clock import FixedClock
from shared.events.crm import DealWon, PaymentReceived, VisitLogged
from shared.events.envelope import CloudEvent
from shared.events.org import WorkingCalendarSet

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = "2026-10"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 18, 2, 0, tzinfo=UTC))


def at(day: date, hour: int = 18, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def entry(work: str = "Visited Acme; quoted 40 units", **changes) -> dict:
    return {"work_done": work, "customers_contacted": ["Acme"], "visits": 1, "problems": "", **changes}


async def count(world: World, table: str) -> int:
    async with world.runtime.engine.connect() as connection:
        return (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()


class TestDailyLogs:
    async def test_written_and_edited_until_the_cut_off_then_final(self, world: World, client: httpx.AsyncClient,
                                                                 tokens: Tokens, clock: FixedClock):
        url = f"/daily-logs/2026-11-17/employees/{world.rep.id}"
        first = await client.put(url, headers=tokens.of(world.rep), json=entry())
        assert first.status_code == 200, first.text
        assert first.json()["late"] is False
        # 10:00 the next morning is the cut-off, still on time.
        edited = await client.put(url, headers=tokens.of(world.rep), json=entry("Visited Acme and Bolt", visits=2))
        assert (edited.json()["visits"], edited.json()["submitted_at"]) == (2, first.json()["submitted_at"])

        clock.advance(timedelta(minutes=1))
        final = await client.put(url, headers=tokens.of(world.rep), json=entry("Rewritten history"))
        assert final.status_code == 409 and "final" in final.json()["detail"]
        assert (await client.get(url, headers=tokens.of(world.rep))).json()["work_done"] == "Visited Acme and Bolt"

        late = await client.put(f"/daily-logs/2026-11-16/employees/{world.rep.id}", headers=tokens.of(world.rep),
                                json=entry())
        assert late.status_code == 200 and late.json()["late"] is True
        assert (await client.put(f"/daily-logs/2026-11-16/employees/{world.rep.id}", headers=tokens.of(world.rep),
                                 json=entry("again"))).status_code == 409

        listed = await client.get(f"/periods/2026-11/employees/{world.rep.id}/daily-logs",
                                  headers=tokens.of(world.leader))
        assert [log["day"] for log in listed.json()] == ["2026-11-16", "2026-11-17"]

    async def test_a_future_day_someone_elses_log_and_bad_bodies_are_refused_writing_nothing(
            self, world: World, client: httpx.AsyncClient, tokens: Tokens):
        url = f"/daily-logs/2026-11-18/employees/{world.rep.id}"
        future = await client.put(f"/daily-logs/2026-11-19/employees/{world.rep.id}", headers=tokens.of(world.rep),
                                  json=entry())
        assert future.status_code == 422 and future.json()["errors"][0]["field"] == "day"
        assert (await client.put(url, headers=tokens.of(world.leader), json=entry())).status_code == 403
        assert (await client.put(url, headers=tokens.of(world.rep2), json=entry())).status_code == 404
        assert (await client.put(url, headers=tokens.of(world.manager), json=entry())).status_code == 403
        blank = await client.put(url, headers=tokens.of(world.rep), json=entry("   "))
        assert blank.status_code == 422 and "work_done" in blank.json()["errors"][0]["field"]
        negative = await client.put(url, headers=tokens.of(world.rep), json=entry(visits=-1))
        assert negative.status_code == 422 and "visits" in negative.json()["errors"][0]["field"]
        assert await count(world, "daily_logs") == 0

        assert (await client.put(url, headers=tokens.of(world.rep), json=entry())).status_code == 200
        assert (await client.get(url, headers=tokens.of(world.leader))).status_code == 200
        assert (await client.get(url, headers=tokens.of(world.leader2))).status_code == 404
        assert (await client.get(url, headers=tokens.of(world.rep3))).status_code == 404
        assert (await client.get(f"/daily-logs/2026-11-17/employees/{world.rep.id}",
                                 headers=tokens.of(world.rep))).status_code == 404


class TestMonthlyReports:
    async def test_prefilled_with_the_months_own_visits_and_new_customers_once_each(
            self, world: World, client: httpx.AsyncClient, tokens: Tokens):
        def visit(rep_id: uuid.UUID, day: date) -> VisitLogged:
            return VisitLogged(visit_id=uuid.uuid4(), rep_id=rep_id, customer_id=uuid.uuid4(), visited_on=day,
                               visited_at=at(day, 10), result="quoted", logged_at=at(day, 11))

        redelivered = CloudEvent.wrap(visit(world.rep.id, date(2026, 10, 1)), source="/crm")
        new_customer = DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep.id,
                               amount=Decimal("800"), signed_on=date(2026, 10, 31), new_customer=True)
        await world.apply(
            redelivered, visit(world.rep.id, date(2026, 10, 31)), new_customer, redelivered,
            CloudEvent.wrap(new_customer, source="/crm"),  # re-published under a new envelope
            visit(world.rep.id, date(2026, 11, 1)), visit(world.rep2.id, date(2026, 10, 15)),
            DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep.id, amount=Decimal("200"),
                    signed_on=date(2026, 10, 2)))  # new_customer unknown: not counted
        url = f"/periods/{OCTOBER}/employees/{world.rep.id}/monthly-report"
        expected = {"sales_volume": "1000.00", "collections": "0.00", "customer_visits": "2", "new_customers": "1"}
        assert (await client.get(url, headers=tokens.of(world.rep))).json()["prefilled"] == expected
        submitted = await client.put(url, headers=tokens.of(world.rep), json={"fields": {"summary": "ok"}})
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["prefilled"] == expected
        november = await client.get(f"/periods/2026-11/employees/{world.rep.id}/monthly-report",
                                    headers=tokens.of(world.rep))
        assert november.json()["prefilled"]["customer_visits"] == "1"

    async def test_prefilled_submitted_returned_approved_and_then_final(self, world: World, client: httpx.AsyncClient,
                                                                       tokens: Tokens):
        await world.apply(
            DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep.id, amount=Decimal("12000"),
                    signed_on=date(2026, 10, 9)),
            PaymentReceived(payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=world.rep.id,
                            amount=Decimal("3000.50"), received_on=date(2026, 10, 20)),
            DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=world.rep.id, amount=Decimal("999"),
                    signed_on=date(2026, 11, 2)))  # November's
        url = f"/periods/{OCTOBER}/employees/{world.rep.id}/monthly-report"
        draft = (await client.get(url, headers=tokens.of(world.rep))).json()
        assert (draft["status"], draft["submitted_at"]) == ("draft", None)
        assert draft["prefilled"] == {"sales_volume": "12000.00", "collections": "3000.50", "customer_visits": "0",
                                      "new_customers": "0"}

        body = {"fields": {"summary": "Acme closed", "next_month_plan": "Bolt and Crane", "competitor_moves": "none"}}
        unknown = await client.put(url, headers=tokens.of(world.rep), json={"fields": {"golf": "yes"}})
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "fields.golf"
        future = await client.put(f"/periods/2026-12/employees/{world.rep.id}/monthly-report",
                                  headers=tokens.of(world.rep), json=body)
        assert future.status_code == 422 and future.json()["errors"][0]["field"] == "period"
        assert (await client.put(url, headers=tokens.of(world.leader), json=body)).status_code == 403
        assert await count(world, "monthly_reports") == 0

        submitted = await client.put(url, headers=tokens.of(world.rep), json=body)
        assert submitted.status_code == 200, submitted.text
        # Due by 30 October; first submitted on 18 November.
        assert (submitted.json()["status"], submitted.json()["late"]) == ("submitted", True)
        assert submitted.json()["prefilled"]["sales_volume"] == "12000.00"

        decide = f"{url}/decision"
        assert (await client.post(decide, headers=tokens.of(world.rep), json={"decision": "approve"})
                ).status_code == 403
        assert (await client.post(decide, headers=tokens.of(world.rep2), json={"decision": "approve"})
                ).status_code == 404
        assert (await client.post(decide, headers=tokens.of(world.leader2), json={"decision": "approve"})
                ).status_code == 404
        assert (await client.post(decide, headers=tokens.of(world.tele_manager), json={"decision": "approve"})
                ).status_code == 404
        assert (await client.post(decide, headers=tokens.hr(), json={"decision": "approve"})).status_code == 403
        assert (await client.get(url, headers=tokens.of(world.rep))).json()["status"] == "submitted"
        assert await count(world, "submission_decisions") == 0, "a refused decision writes nothing"

        returned = await client.post(decide, headers=tokens.of(world.leader),
                                     json={"decision": "return", "note": "Add the local sales proposal"})
        assert (returned.json()["status"], returned.json()["decision_note"]) == (
            "returned", "Add the local sales proposal")
        body["fields"]["local_sales_proposal"] = "Dealer days in Wuxi"
        again = await client.put(url, headers=tokens.of(world.rep), json=body)
        assert (again.json()["status"], again.json()["late"], again.json()["first_submitted_at"]) == (
            "submitted", True, submitted.json()["first_submitted_at"])
        approved = await client.post(decide, headers=tokens.of(world.manager), json={"decision": "approve"})
        assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", str(world.manager.id))
        final = await client.put(url, headers=tokens.of(world.rep), json=body)
        assert final.status_code == 409 and "final" in final.json()["detail"]
        assert (await client.post(decide, headers=tokens.of(world.manager), json={"decision": "return"})
                ).status_code == 409
        assert await count(world, "submission_decisions") == 2
        assert (await client.get(url, headers=tokens.of(world.rep3))).status_code == 404


async def _use_the_plan_execution_preset(client: httpx.AsyncClient, tokens: Tokens) -> None:
    sales = (await client.get("/templates/sales", headers=tokens.hr())).json()
    freed = await client.put("/templates/sales", headers=tokens.hr(), json={
        "name": sales["name"], "roles": ["group_leader"], "indicators": sales["indicators"]})
    assert freed.status_code == 200, freed.text
    installed = await client.post("/templates/presets/regional_sales_plan_execution/install", headers=tokens.hr(),
                                  json={"roles": ["sales_rep"], "key": "regional_sales"})
    assert installed.status_code == 201, installed.text


class TestPlanExecution:
    async def test_a_month_of_logs_plans_reports_checks_scored_live_listed_overdue_and_frozen_at_close(
            self, world: World, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock):
        rep, leader, manager = world.rep, world.leader, world.manager
        await _use_the_plan_execution_preset(client, tokens)
        # October 2026 has 22 business days: every log on the day, but the 15th (missing) and the
        # 16th (written on the 20th, late).
        for offset in range(31):
            day = date(2026, 10, 1) + timedelta(days=offset)
            if day.isoweekday() > 5 or day in (date(2026, 10, 15), date(2026, 10, 16)):
                continue
            clock.set(at(day))
            written = await client.put(f"/daily-logs/{day}/employees/{rep.id}", headers=tokens.of(rep), json=entry())
            assert written.status_code == 200, written.text
        clock.set(at(date(2026, 10, 20), 19))
        assert (await client.put(f"/daily-logs/2026-10-16/employees/{rep.id}", headers=tokens.of(rep),
                                 json=entry())).json()["late"] is True

        # Plans of weeks 41–44 on their Mondays; 41 returned then approved, 42 and 43 approved.
        for week, monday in (("2026-W41", 5), ("2026-W42", 12), ("2026-W43", 19), ("2026-W44", 26)):
            clock.set(at(date(2026, 10, monday), 9))
            plan = await client.put(f"/weeks/{week}/employees/{rep.id}/plan", headers=tokens.of(rep),
                                    json={"content": {"goals": "Acme"}})
            assert plan.json()["late"] is False, plan.text
        decide = f"/weeks/2026-W41/employees/{rep.id}/plan/decision"
        assert (await client.post(decide, headers=tokens.of(leader), json={"decision": "return"})).status_code == 200
        assert (await client.put(f"/weeks/2026-W41/employees/{rep.id}/plan", headers=tokens.of(rep),
                                 json={"content": {"goals": "Acme, Bolt"}})).json()["status"] == "submitted"
        for week in ("2026-W41", "2026-W42", "2026-W43"):
            assert (await client.post(f"/weeks/{week}/employees/{rep.id}/plan/decision", headers=tokens.of(manager),
                                      json={"decision": "approve"})).status_code == 200
        approved_again = await client.put(f"/weeks/2026-W42/employees/{rep.id}/plan", headers=tokens.of(rep),
                                          json={"content": {"goals": "changed"}})
        assert approved_again.status_code == 409, "a weekly plan for a week already approved"

        # Reports of weeks 40–43, due 5, 12, 19, 26 October: two on time, 42 missing, 43 late.
        for week, day in (("2026-W40", 5), ("2026-W41", 12), ("2026-W43", 28)):
            clock.set(at(date(2026, 10, day), 17))
            report = await client.post(f"/weeks/{week}/employees/{rep.id}/report", headers=tokens.of(rep),
                                       json={"fields": {"customer_visits": "5"}})
            assert report.status_code == 201, report.text

        clock.set(at(date(2026, 10, 30), 17))
        monthly = f"/periods/{OCTOBER}/employees/{rep.id}/monthly-report"
        assert (await client.put(monthly, headers=tokens.of(rep), json={"fields": {"summary": "ok"}})
                ).json()["late"] is False
        assert (await client.post(f"{monthly}/decision", headers=tokens.of(manager), json={"decision": "approve"})
                ).status_code == 200

        # Spot checks in November: the log's visit verified, the week 41 report's visits not.
        clock.set(at(date(2026, 11, 2), 11))
        checks = [{"employee_id": str(rep.id), "subject": "daily_log", "ref": "2026-10-20", "item": "visit: Acme",
                   "result": "verified", "note": "Acme's buyer confirmed by phone"},
                  {"employee_id": str(rep.id), "subject": "weekly_report", "ref": "2026-W41",
                   "item": "customer_visits", "result": "not_verified"}]
        refused = [
            (tokens.of(leader), checks[0], 403),  # a leader is no manager
            (tokens.of(rep), checks[0], 403),
            (tokens.of(world.tele_manager), checks[0], 404),  # another department's manager
            (tokens.of(manager), {**checks[0], "ref": "2026-10-15"}, 404),  # no log that day
            (tokens.of(manager), {**checks[1], "ref": "2026-W42"}, 404),  # no report that week
            (tokens.of(manager), {**checks[1], "item": "golf"}, 422),
            (tokens.of(manager), {**checks[0], "result": "maybe"}, 422),
        ]
        for headers, body, status in refused:
            answer = await client.post("/spot-checks", headers=headers, json=body)
            assert answer.status_code == status, (body, answer.text)
        assert await count(world, "spot_checks") == 0
        for body in checks:
            clock.advance(timedelta(minutes=5))
            recorded = await client.post("/spot-checks", headers=tokens.of(manager), json=body)
            assert recorded.status_code == 201, recorded.text
            assert recorded.json()["period"] == OCTOBER
        seen = await client.get(f"/periods/{OCTOBER}/employees/{rep.id}/spot-checks", headers=tokens.of(rep))
        assert [c["result"] for c in seen.json()] == ["verified", "not_verified"]
        assert (await client.get(f"/periods/{OCTOBER}/employees/{rep.id}/spot-checks", headers=tokens.of(leader))
                ).status_code == 200
        assert (await client.get(f"/periods/{OCTOBER}/employees/{rep.id}/spot-checks",
                                 headers=tokens.of(world.leader2))).status_code == 404

        # Weights 30/15/25/10/10/10: logs 20/22, plans 3/4 (week 41's, submitted again after its
        # return on the 26th, is late), reports 2/4, monthly 1/1, approvals (return, approve ×3,
        # monthly approve) 4/5, checks 1/2 → 27.2727 + 11.25 + 12.5 + 10 + 8 + 5 = 74.0227… → 74.02.
        breakdown = (await client.get(f"/periods/{OCTOBER}/employees/{rep.id}/plan-execution",
                                      headers=tokens.of(rep))).json()
        assert breakdown["score"] == "74.02"
        lines = {c["key"]: (c["items"], c["credit"], c["contribution"]) for c in breakdown["components"]}
        assert lines == {"daily_logs": (22, "20", "27.27"), "weekly_plans": (4, "3", "11.25"),
                         "weekly_reports": (4, "2", "12.50"), "monthly_report": (1, "1", "10.00"),
                         "approvals": (5, "4", "8.00"), "spot_checks": (2, "1", "5.00")}
        outcomes = {(i["component"], i["ref"]): i["outcome"] for i in breakdown["items"]}
        assert outcomes[("daily_logs", "2026-10-15")] == "missing"
        assert outcomes[("daily_logs", "2026-10-16")] == "late"
        assert outcomes[("weekly_reports", "2026-W42")] == "missing"
        assert outcomes[("approvals", "monthly_report:2026-10")] == "approved"
        assert (await client.get(f"/periods/{OCTOBER}/employees/{rep.id}/plan-execution",
                                 headers=tokens.of(world.rep3))).status_code == 404

        score = (await client.get(f"/periods/{OCTOBER}/employees/{rep.id}/score", headers=tokens.of(rep))).json()
        line = next(i for i in score["indicators"] if i["key"] == "plan_execution")
        # 74.02 points × 28 % = 20.7256 → 20.73.
        assert (line["raw_value"], line["points"], line["contribution"]) == ("74.02", "74.02", "20.73")

        overdue = f"/submissions/overdue?period={OCTOBER}"
        rows = (await client.get(overdue, headers=tokens.hr())).json()
        mine = {(r["kind"], r["ref"]): r["delivery"] for r in rows if r["employee_id"] == str(rep.id)}
        assert mine == {("daily_log", "2026-10-15"): "missing", ("daily_log", "2026-10-16"): "late",
                        ("weekly_plan", "2026-W41"): "late", ("weekly_report", "2026-W42"): "missing",
                        ("weekly_report", "2026-W43"): "late"}
        assert {r["employee_id"] for r in rows} >= {str(world.rep2.id), str(world.agent.id)}
        as_leader = {r["employee_id"] for r in (await client.get(overdue, headers=tokens.of(leader))).json()}
        assert as_leader == {str(rep.id), str(world.rep2.id), str(leader.id)}
        as_manager = {r["employee_id"] for r in (await client.get(overdue, headers=tokens.of(manager))).json()}
        assert str(world.rep3.id) in as_manager and str(world.agent.id) not in as_manager
        assert (await client.get(overdue, headers=tokens.of(rep))).status_code == 403
        assert (await client.get("/submissions/overdue?period=2026-13", headers=tokens.hr())).status_code == 422

        # The close freezes the score with its plan execution; the month takes no more reports.
        closed = await client.post(f"/periods/{OCTOBER}/close", headers=tokens.hr(),
                                   json={"missing_stages_rule": "zero"})
        assert closed.status_code == 200, closed.text
        frozen = (await client.get(f"/periods/{OCTOBER}/employees/{rep.id}/score", headers=tokens.hr())).json()
        assert next(i for i in frozen["indicators"] if i["key"] == "plan_execution")["raw_value"] == "74.02"
        finalized = {e["data"]["employee_id"]: e["data"] for e in await world.outbox("appraisal.result.finalized.v1")}
        assert finalized[str(rep.id)]["plan_execution"] == "74.02"
        assert finalized[str(leader.id)]["plan_execution"] is None, "the leader's template has no such line"
        assert (await client.put(f"/daily-logs/2026-10-30/employees/{rep.id}", headers=tokens.of(rep),
                                 json=entry())).status_code == 409
        assert (await client.post("/spot-checks", headers=tokens.of(manager), json={
            **checks[0], "ref": "2026-10-21"})).status_code == 409
        assert await count(world, "spot_checks") == 2

    async def test_the_score_moves_live_as_a_day_passes_its_cut_off(self, world: World, client: httpx.AsyncClient,
                                                                    tokens: Tokens, clock: FixedClock):
        await _use_the_plan_execution_preset(client, tokens)
        url = f"/periods/2026-12/employees/{world.rep.id}/plan-execution"
        clock.set(at(date(2026, 12, 1), 9))  # a Tuesday: nothing owed yet
        assert (await client.get(url, headers=tokens.of(world.rep))).json()["score"] == "100"
        assert (await client.put(f"/daily-logs/2026-12-01/employees/{world.rep.id}", headers=tokens.of(world.rep),
                                 json=entry())).status_code == 200
        clock.set(at(date(2026, 12, 3), 11))  # the 2nd's cut-off has passed without a log
        body = (await client.get(url, headers=tokens.of(world.rep))).json()
        assert body["score"] == "50.00"
        score = (await client.get(f"/periods/2026-12/employees/{world.rep.id}/score",
                                  headers=tokens.of(world.rep))).json()
        assert next(i for i in score["indicators"] if i["key"] == "plan_execution")["raw_value"] == "50.00"


class TestCompanyCalendar:
    async def test_daily_logs_are_owed_on_the_companys_working_days_as_org_last_set_them(
            self, world: World, client: httpx.AsyncClient, tokens: Tokens):
        def year(revision: int, holidays: list[date], makeup: list[date]) -> WorkingCalendarSet:
            return WorkingCalendarSet(year=2026, revision=revision, weekend=[6, 7], holidays=holidays,
                                      makeup_working_days=makeup, work_starts_at=time(9), work_ends_at=time(18))

        async def logs_owed() -> list[str]:
            rows = (await client.get(f"/submissions/overdue?period={OCTOBER}", headers=tokens.hr())).json()
            return sorted(r["ref"] for r in rows if r["employee_id"] == str(world.rep2.id) and r["kind"] == "daily_log")

        weekdays = await logs_owed()
        assert len(weekdays) == 22 and "2026-10-01" in weekdays, "no calendar yet: Monday to Friday"
        # National Day: 1–7 October off, Saturday 10 October worked (调休).
        national_day = year(2, [date(2026, 10, n) for n in range(1, 8)], [date(2026, 10, 10)])
        redelivered = CloudEvent.wrap(national_day, source="/org")
        await world.apply(redelivered, redelivered, year(1, [], []))  # an older revision arriving late: ignored
        owed = await logs_owed()
        assert not [day for day in owed if day <= "2026-10-07"], "a public holiday is not a missing log"
        assert "2026-10-10" in owed, "the make-up working Saturday is"
        assert "2026-10-11" not in owed
        assert len(owed) == 22 - 5 + 1
        assert await count(world, "working_calendars") == 1
