"""Training (O7) against a real, migrated PostgreSQL: sessions and their sheets, who may record and
read them, new hires' onboarding, regional managers' monthly minimum, and retraining assignments
opened by appraisal's results, delivered as the consumer runner delivers them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

import httpx
import pytest
from org_company import Company, Tokens
from sqlalchemy import text

from org.entrypoints.consumers import CONSUMERS
from org.service_layer.unit_of_work import OrgUnitOfWork
from shared.auth import Role
from shared.clock import FixedClock, shift_month
from shared.events.appraisal import AppraisalResultFinalized, DismissalCaseOpened
from shared.events.envelope import CloudEvent
from shared.runtime import ServiceRuntime

HELD = "org.training.session_held.v1"


@dataclass
class Staff:
    sales: dict[str, Any]
    telesales: dict[str, Any]
    manager: dict[str, Any]  # department manager of sales
    regional: dict[str, Any]  # regional manager in sales
    regional_2: dict[str, Any]
    leader: dict[str, Any]
    group: dict[str, Any]
    rep: dict[str, Any]  # in the leader's group
    rep_2: dict[str, Any]  # in the leader's group
    loner: dict[str, Any]  # sales rep in no group
    agent: dict[str, Any]  # telesales


@pytest.fixture
async def staff(company: Company) -> Staff:
    sales = await company.department()
    telesales = await company.department("Telesales", "telesales")
    for role, planned in (("department_manager", 1), ("regional_manager", 2), ("group_leader", 1),
                          ("sales_rep", 8)):
        await company.plan(sales, role, planned)
    await company.plan(telesales, "telesales_agent", 2)
    manager = await company.hire(sales, "Manager Ma", "department_manager")
    regional = await company.hire(sales, "Regional Ren", "regional_manager")
    regional_2 = await company.hire(sales, "Regional Rui", "regional_manager")
    leader = await company.hire(sales, "Leader Liu", "group_leader")
    group = await company.group("North", leader)
    leader = await company.employee(leader["id"])
    rep = await company.hire(sales, "Rep Ren", group_id=group["id"])
    rep_2 = await company.hire(sales, "Rep Rao", group_id=group["id"])
    loner = await company.hire(sales, "Loner Lu")
    agent = await company.hire(telesales, "Agent An", "telesales_agent")
    return Staff(sales, telesales, manager, regional, regional_2, leader, group, rep, rep_2, loner, agent)


@pytest.fixture
def hr(tokens: Tokens) -> dict[str, str]:
    return tokens.headers(Role.HR)


def body(trainer: dict[str, Any], held_on: date, *lines: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"topic": "Product basics", "trainer_id": trainer["id"], "held_on": held_on.isoformat(),
            "duration_minutes": 90, "attendees": list(lines), **more}


def present(person: dict[str, Any], result: str | None = None, score: str | None = None) -> dict[str, Any]:
    return {"employee_id": person["id"], "attendance": "present", "result": result, "score": score}


def absent(person: dict[str, Any]) -> dict[str, Any]:
    return {"employee_id": person["id"], "attendance": "absent"}


def invited(person: dict[str, Any]) -> dict[str, Any]:
    return {"employee_id": person["id"]}


async def query(runtime: ServiceRuntime, sql: str, **params: Any) -> list[Any]:
    async with runtime.engine.connect() as connection:
        return list(await connection.execute(text(sql), params))


async def held_events(runtime: ServiceRuntime) -> list[dict[str, Any]]:
    rows = await query(runtime, "SELECT envelope FROM outbox WHERE event_type = :type ORDER BY seq", type=HELD)
    return [row.envelope["data"] for row in rows]


def problem_field(response: httpx.Response) -> str:
    """The field a problem names: in ``errors`` for invalid input, at the top for a missing object."""
    problem = response.json()
    return problem["errors"][0]["field"] if "errors" in problem else problem["field"]


async def record(client: httpx.AsyncClient, headers: dict[str, str], payload: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/training/sessions", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


class TestSessions:
    async def test_a_session_held_today_is_stored_with_its_sheet_and_announced_with_who_was_there(
            self, client: httpx.AsyncClient, company: Company, staff: Staff, hr: dict[str, str],
            runtime: ServiceRuntime) -> None:
        recorded = await record(client, hr, body(
            staff.regional, company.today, present(staff.rep, "pass", "88.5"), absent(staff.rep_2),
            kind="regular", department_id=staff.sales["id"]))

        assert recorded["status"] == "held"
        read = (await client.get(f"/training/sessions/{recorded['id']}", headers=hr)).json()
        assert [(line["employee_id"], line["attendance"], line["result"], Decimal(line["score"] or "-1"))
                for line in read["attendees"]] == [(staff.rep["id"], "present", "pass", Decimal("88.50")),
                                                   (staff.rep_2["id"], "absent", None, Decimal(-1))]
        assert await held_events(runtime) == [{
            "session_id": recorded["id"], "topic_name": "Product basics", "trainer_id": staff.regional["id"],
            "department_id": staff.sales["id"], "held_on": company.today.isoformat(), "duration_minutes": 90,
            "attendee_ids": [staff.rep["id"]]}]

    async def test_a_planned_session_takes_its_sheet_once_its_day_has_come_and_is_announced_once(
            self, client: httpx.AsyncClient, company: Company, staff: Staff, hr: dict[str, str],
            runtime: ServiceRuntime, clock: FixedClock) -> None:
        next_week = company.today + timedelta(days=7)
        refused = await client.post("/training/sessions", headers=hr,
                                    json=body(staff.regional, next_week, invited(staff.rep), present(staff.rep_2)))
        assert refused.status_code == 422, refused.text
        assert problem_field(refused) == "attendees[1].attendance"

        planned = await record(client, hr, body(staff.regional, next_week, invited(staff.rep), invited(staff.rep_2)))
        assert planned["status"] == "planned"
        sheet = f"/training/sessions/{planned['id']}/attendees"
        too_early = await client.put(sheet, headers=hr, json={"attendees": [present(staff.rep), absent(staff.rep_2)]})
        assert too_early.status_code == 422 and problem_field(too_early) == "attendees[0].attendance"
        assert await held_events(runtime) == []

        clock.set(datetime.combine(next_week, time(10), clock.timezone))
        taken = await client.put(sheet, headers=hr, json={"attendees": [present(staff.rep), absent(staff.rep_2)]})
        assert taken.status_code == 200, taken.text
        assert taken.json()["status"] == "held"
        assessed = await client.put(sheet, headers=hr, json={
            "attendees": [present(staff.rep, "fail", "41"), absent(staff.rep_2)]})
        assert assessed.status_code == 200, assessed.text
        assert [event["attendee_ids"] for event in await held_events(runtime)] == [[staff.rep["id"]]], \
            "an assessment is no news; only who attended is"

    async def test_refusals_name_the_field_and_leave_nothing_behind(
            self, client: httpx.AsyncClient, company: Company, staff: Staff, hr: dict[str, str],
            runtime: ServiceRuntime) -> None:
        today = company.today
        nobody = {"id": str(uuid.uuid4())}
        cases = [
            (body(staff.regional, today, present(staff.rep), duration_minutes=0), 422, "duration_minutes"),
            (body(nobody, today, present(staff.rep)), 404, "trainer_id"),
            (body(staff.regional, today, present(staff.rep), present(nobody)), 404, "attendees[1].employee_id"),
            (body(staff.regional, company.hired_on - timedelta(days=1), present(staff.rep)), 422, "trainer_id"),
            (body(staff.regional, today, present(staff.rep), present(staff.rep)), 422, "attendees[1].employee_id"),
            (body(staff.regional, today, {"employee_id": staff.rep["id"], "attendance": "absent", "result": "pass"}),
             422, "attendees[0].result"),
            (body(staff.regional, today, present(staff.rep), department_id=str(uuid.uuid4())), 404, "department_id"),
        ]
        for payload, status, field in cases:
            response = await client.post("/training/sessions", json=payload, headers=hr)
            assert response.status_code == status, (field, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            assert problem_field(response) == field
        schema = await client.post("/training/sessions", headers=hr, json=body(
            staff.regional, today, present(staff.rep, "pass", "100.5")))
        assert schema.status_code == 422

        left_on = company.today - timedelta(days=10)
        await client.post(f"/employees/{staff.loner['id']}/leave", headers=company.admin,
                          json={"left_on": left_on.isoformat()})
        gone = await client.post("/training/sessions", headers=hr,
                                 json=body(staff.regional, today, present(staff.loner)))
        assert gone.status_code == 422 and problem_field(gone) == "attendees[0].employee_id"
        assert "not employed" in gone.json()["detail"]

        assert await query(runtime, "SELECT id FROM training_sessions") == []
        assert await held_events(runtime) == []


class TestAccess:
    async def test_the_trainer_a_manager_over_everyone_on_it_or_hr_record_a_session_and_no_one_else(
            self, client: httpx.AsyncClient, company: Company, staff: Staff, tokens: Tokens) -> None:
        today = company.today
        as_rep = tokens.of(staff.rep)
        refused = await client.post("/training/sessions", headers=as_rep,
                                    json=body(staff.regional, today, present(staff.rep_2)))
        assert refused.status_code == 403
        own = await client.post("/training/sessions", headers=as_rep, json=body(staff.rep, today, present(staff.agent)))
        assert own.status_code == 201, "anyone records the session they trained"

        as_leader = tokens.of(staff.leader, Role.GROUP_LEADER)
        mine = await client.post("/training/sessions", headers=as_leader,
                                 json=body(staff.rep, today, present(staff.rep_2)))
        assert mine.status_code == 201, mine.text
        outside = await client.post("/training/sessions", headers=as_leader,
                                    json=body(staff.rep, today, present(staff.rep_2), present(staff.agent)))
        assert outside.status_code == 403
        assert outside.json()["outside_scope"] == [staff.agent["id"]]

        finance = await client.post("/training/sessions", headers=tokens.headers(Role.FINANCE),
                                    json=body(staff.regional, today, present(staff.rep)))
        assert finance.status_code == 403
        sheet = await client.put(f"/training/sessions/{mine.json()['id']}/attendees", headers=tokens.of(staff.agent),
                                 json={"attendees": [absent(staff.rep_2)]})
        assert sheet.status_code == 404, "a session outside the caller's scope does not exist for them"

    async def test_histories_and_sheets_follow_the_data_scope(
            self, client: httpx.AsyncClient, company: Company, staff: Staff, tokens: Tokens,
            hr: dict[str, str]) -> None:
        session = await record(client, hr, body(staff.regional, company.today, present(staff.rep, "pass", "90"),
                                                present(staff.rep_2, "fail", "50"), present(staff.agent)))

        def history(person: dict[str, Any], headers: dict[str, str]):
            return client.get(f"/training/employees/{person['id']}/history", headers=headers)

        own = await history(staff.rep, tokens.of(staff.rep))
        assert own.status_code == 200
        assert [(item["session_id"], item["result"], Decimal(item["score"])) for item in own.json()] == [
            (session["id"], "pass", Decimal(90))]
        assert (await history(staff.rep_2, tokens.of(staff.rep))).status_code == 404
        assert (await history(staff.rep_2, tokens.of(staff.leader, Role.GROUP_LEADER))).status_code == 200
        assert (await history(staff.agent, tokens.of(staff.leader, Role.GROUP_LEADER))).status_code == 404
        assert (await history(staff.loner, tokens.of(staff.manager))).status_code == 200
        assert (await history(staff.agent, tokens.of(staff.manager))).status_code == 404
        assert (await history(staff.agent, hr)).status_code == 200
        trained = (await history(staff.regional, hr)).json()
        assert [(item["as_trainer"], item["attendance"]) for item in trained] == [(True, None)]

        as_rep = await client.get(f"/training/sessions/{session['id']}", headers=tokens.of(staff.rep))
        assert [line["employee_id"] for line in as_rep.json()["attendees"]] == [staff.rep["id"]], \
            "a rep sees their own line of the sheet, not their colleagues' results"
        as_leader = await client.get(f"/training/sessions/{session['id']}",
                                     headers=tokens.of(staff.leader, Role.GROUP_LEADER))
        assert [line["employee_id"] for line in as_leader.json()["attendees"]] == [staff.rep["id"], staff.rep_2["id"]]
        assert (await client.get(f"/training/sessions/{session['id']}",
                                 headers=tokens.of(staff.loner))).status_code == 404
        listed = await client.get("/training/sessions", headers=tokens.of(staff.loner), params={
            "held_from": company.today.isoformat(), "held_to": company.today.isoformat()})
        assert listed.status_code == 200 and listed.json() == []
        backwards = await client.get("/training/sessions", headers=hr, params={
            "held_from": company.today.isoformat(), "held_to": (company.today - timedelta(days=1)).isoformat()})
        assert backwards.status_code == 422 and problem_field(backwards) == "held_to"


class TestNewHires:
    async def test_hr_sees_which_new_hires_attended_onboarding_in_their_first_week(
            self, client: httpx.AsyncClient, company: Company, staff: Staff, hr: dict[str, str],
            tokens: Tokens) -> None:
        today = company.today
        early, late = today - timedelta(days=20), today - timedelta(days=2)
        onboarded = await company.hire(staff.sales, "New Niu", hired_on=early.isoformat())
        missed = await company.hire(staff.sales, "New Nan", hired_on=early.isoformat())
        trained_late = await company.hire(staff.sales, "New Ning", hired_on=early.isoformat())
        await company.hire(staff.sales, "New Nie", hired_on=late.isoformat())
        first_week = await record(client, hr, body(staff.regional, early + timedelta(days=6), present(onboarded),
                                                   absent(missed), kind="onboarding"))
        await record(client, hr, body(staff.regional, early + timedelta(days=7), present(trained_late),
                                      kind="onboarding"))
        await record(client, hr, body(staff.regional, early + timedelta(days=1), present(missed), kind="regular"))

        params = {"hired_from": (today - timedelta(days=30)).isoformat(), "hired_to": today.isoformat()}
        report = await client.get("/training/new-hires", headers=hr, params=params)
        assert report.status_code == 200, report.text
        assert {line["name"]: (line["onboarding"], line["session_id"]) for line in report.json()} == {
            "New Niu": ("attended", first_week["id"]), "New Nan": ("missing", None),
            "New Ning": ("missing", None), "New Nie": ("pending", None)}
        missing = await client.get("/training/new-hires", headers=hr, params={**params, "missing_only": "true"})
        assert sorted(line["name"] for line in missing.json()) == ["New Nan", "New Ning"]

        telesales_manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=staff.telesales["id"])
        assert (await client.get("/training/new-hires", headers=telesales_manager, params=params)).json() == []
        assert (await client.get("/training/new-hires", headers=tokens.of(staff.rep), params=params)).status_code \
            == 403


class TestRegionalManagers:
    async def test_regional_managers_below_the_monthly_minimum_are_listed(
            self, client: httpx.AsyncClient, company: Company, staff: Staff, hr: dict[str, str],
            tokens: Tokens) -> None:
        month = company.today.strftime("%Y-%m")
        await record(client, hr, body(staff.regional, company.today, present(staff.rep)))
        # Planned sessions do not count until held.
        await record(client, hr, body(staff.regional_2, company.today + timedelta(days=40), invited(staff.rep)))

        report = await client.get("/training/regional-managers", headers=hr, params={"month": month})
        assert report.status_code == 200, report.text
        assert report.json()["minimum_sessions"] == 1
        assert {line["name"]: (line["sessions_held"], line["below_minimum"]) for line in report.json()["managers"]} \
            == {"Regional Ren": (1, False), "Regional Rui": (0, True)}
        assert [line["name"] for line in report.json()["below_minimum"]] == ["Regional Rui"]

        telesales_manager = tokens.headers(Role.DEPARTMENT_MANAGER, department_id=staff.telesales["id"])
        other = await client.get("/training/regional-managers", headers=telesales_manager, params={"month": month})
        assert other.json()["managers"] == []
        assert (await client.get("/training/regional-managers", headers=tokens.of(staff.rep),
                                 params={"month": month})).status_code == 403
        assert (await client.get("/training/regional-managers", headers=hr,
                                 params={"month": "2026-13"})).status_code == 422


def finalized(employee: dict[str, Any], period: str, *flags: str) -> AppraisalResultFinalized:
    return AppraisalResultFinalized(period=period, employee_id=uuid.UUID(employee["id"]), role=employee["role"],
                                    score=Decimal("55.00"), coefficient=Decimal("0.5"), flags=list(flags))


async def deliver(runtime: ServiceRuntime, envelope: CloudEvent) -> bool:
    """As the consumer runner does: the inbox row and the effect in one unit of work, from the
    envelope's bytes on the wire. False for a duplicate the inbox dropped."""
    envelope = CloudEvent.model_validate_json(envelope.model_dump_json())
    (spec,) = [spec for spec in CONSUMERS if envelope.type in spec.handlers]
    async with cast(OrgUnitOfWork, runtime.uow_factory()) as uow:
        if not await uow.claim_inbox(spec.name, envelope):
            return False
        await spec.handlers[envelope.type](envelope, uow, runtime.bus)
        await uow.commit()
    return True


class TestRetrainingAssignments:
    async def test_a_retraining_flag_opens_one_assignment_however_often_it_arrives(
            self, client: httpx.AsyncClient, staff: Staff, hr: dict[str, str], runtime: ServiceRuntime,
            last_month: str) -> None:
        flagged = CloudEvent.wrap(finalized(staff.rep, last_month, "retraining:score_below_minimum"),
                                  source="/appraisal")
        assert await deliver(runtime, flagged) is True
        assert await deliver(runtime, flagged) is False, "the redelivered envelope is dropped by the inbox"
        republished = CloudEvent.wrap(finalized(staff.rep, last_month, "retraining:consecutive_low_scores"),
                                      source="/appraisal")
        assert await deliver(runtime, republished) is True
        await deliver(runtime, CloudEvent.wrap(finalized(staff.rep_2, last_month, "top_sales"), source="/appraisal"))

        rows = await query(runtime, "SELECT employee_id, period, flags FROM retraining_assignments")
        assert [(str(row.employee_id), row.period, row.flags) for row in rows] == [
            (staff.rep["id"], last_month, ["retraining:score_below_minimum"])]
        listed = (await client.get("/training/retraining-assignments", headers=hr)).json()
        assert [(item["employee_name"], item["status"]) for item in listed] == [("Rep Ren", "open")]
        employee = (await client.get(f"/employees/{staff.rep['id']}", headers=hr)).json()
        assert employee["status"] == "active", "the flag does not transfer anyone; HR decides"

    async def test_hr_closes_an_assignment_with_a_note_and_the_session_that_served(
            self, client: httpx.AsyncClient, company: Company, staff: Staff, hr: dict[str, str], tokens: Tokens,
            runtime: ServiceRuntime, last_month: str) -> None:
        await deliver(runtime, CloudEvent.wrap(finalized(staff.rep, last_month, "retraining:score_below_minimum"),
                                               source="/appraisal"))
        await deliver(runtime, CloudEvent.wrap(finalized(staff.agent, last_month, "retraining:score_below_minimum"),
                                               source="/appraisal"))
        listed = (await client.get("/training/retraining-assignments", headers=hr)).json()
        (assignment,) = [item for item in listed if item["employee_id"] == staff.rep["id"]]
        as_leader = (await client.get("/training/retraining-assignments",
                                      headers=tokens.of(staff.leader, Role.GROUP_LEADER))).json()
        assert [item["employee_id"] for item in as_leader] == [staff.rep["id"]]
        assert (await client.get("/training/retraining-assignments", headers=tokens.of(staff.rep_2))).json() == []

        retraining = await record(client, hr, body(staff.regional, company.today, present(staff.rep, "pass", "71"),
                                                   present(staff.rep_2), kind="retraining"))
        close = f"/training/retraining-assignments/{assignment['id']}/close"
        by_leader = await client.post(close, headers=tokens.of(staff.leader, Role.GROUP_LEADER), json={"note": "done"})
        assert by_leader.status_code == 403
        not_there = await record(client, hr, body(staff.regional, company.today, present(staff.rep_2)))
        wrong = await client.post(close, headers=hr, json={"note": "done", "session_id": not_there["id"]})
        assert wrong.status_code == 422 and problem_field(wrong) == "session_id"
        unknown = await client.post(close, headers=hr, json={"note": "done", "session_id": str(uuid.uuid4())})
        assert unknown.status_code == 404
        empty = await client.post(close, headers=hr, json={"note": "  "})
        assert empty.status_code == 422

        closed = await client.post(close, headers=hr, json={"note": "passed the retraining",
                                                            "session_id": retraining["id"]})
        assert closed.status_code == 200, closed.text
        assert (closed.json()["status"], closed.json()["note"], closed.json()["session_id"]) == (
            "closed", "passed the retraining", retraining["id"])
        again = await client.post(close, headers=hr, json={"note": "twice"})
        assert again.status_code == 409
        still_open = (await client.get("/training/retraining-assignments", headers=hr)).json()
        assert [item["employee_id"] for item in still_open] == [staff.agent["id"]]
        everything = (await client.get("/training/retraining-assignments", headers=hr,
                                       params={"status": "closed"})).json()
        assert [item["id"] for item in everything] == [assignment["id"]]
        missing = await client.post(f"/training/retraining-assignments/{uuid.uuid4()}/close", headers=hr,
                                    json={"note": "x"})
        assert missing.status_code == 404


def dismissal(employee: dict[str, Any], retraining_period: str, *failing: str) -> DismissalCaseOpened:
    return DismissalCaseOpened(case_id=uuid.uuid4(), employee_id=uuid.UUID(employee["id"]),
                               retraining_period=retraining_period, retraining_flags=["retraining:score_below_minimum"],
                               failing_periods=list(failing), failing_scores=[Decimal("55.00")] * len(failing),
                               failing_below=Decimal(70), opened_at=datetime(2026, 1, 5, tzinfo=UTC))


async def assignments_of(runtime: ServiceRuntime, employee: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    rows = await query(runtime, "SELECT period, status, note FROM retraining_assignments WHERE employee_id = :id "
                                "ORDER BY period", id=uuid.UUID(employee["id"]))
    return [(row.period, row.status, row.note) for row in rows]


async def close_assignment(client: httpx.AsyncClient, hr: dict[str, str], period: str) -> None:
    listed = (await client.get("/training/retraining-assignments", headers=hr)).json()
    (assignment,) = [item for item in listed if item["period"] == period]
    closed = await client.post(f"/training/retraining-assignments/{assignment['id']}/close", headers=hr,
                               json={"note": "retrained"})
    assert closed.status_code == 200, closed.text


FLAG = "retraining:consecutive_low_scores"


class TestOneRetrainingAtATime:
    async def test_a_later_flag_while_an_assignment_is_open_opens_no_second_one(
            self, client: httpx.AsyncClient, staff: Staff, hr: dict[str, str], runtime: ServiceRuntime,
            last_month: str) -> None:
        first, second, third = shift_month(last_month, -2), shift_month(last_month, -1), last_month
        await deliver(runtime, CloudEvent.wrap(finalized(staff.rep, first, FLAG), source="/appraisal"))
        again = CloudEvent.wrap(finalized(staff.rep, second, FLAG), source="/appraisal")
        assert await deliver(runtime, again) is True
        assert await deliver(runtime, again) is False
        assert await assignments_of(runtime, staff.rep) == [(first, "open", None)]

        await close_assignment(client, hr, first)
        await deliver(runtime, CloudEvent.wrap(finalized(staff.rep, third, FLAG), source="/appraisal"))
        assert await assignments_of(runtime, staff.rep) == [(first, "closed", "retrained"), (third, "open", None)]

    async def test_the_month_that_opened_a_dismissal_case_opens_no_retraining(
            self, client: httpx.AsyncClient, staff: Staff, hr: dict[str, str], runtime: ServiceRuntime,
            last_month: str) -> None:
        flagged, failed = shift_month(last_month, -1), last_month
        await deliver(runtime, CloudEvent.wrap(finalized(staff.rep, flagged, FLAG), source="/appraisal"))
        await close_assignment(client, hr, flagged)
        # As appraisal's close emits them: the case, then the result of the month that opened it.
        case = CloudEvent.wrap(dismissal(staff.rep, flagged, failed), source="/appraisal")
        assert await deliver(runtime, case) is True
        await deliver(runtime, CloudEvent.wrap(finalized(staff.rep, failed, "retraining:score_below_minimum"),
                                               source="/appraisal"))
        assert await assignments_of(runtime, staff.rep) == [(flagged, "closed", "retrained")]
        assert await deliver(runtime, case) is False

    async def test_a_dismissal_case_arriving_after_its_months_flag_withdraws_the_assignment_it_opened(
            self, client: httpx.AsyncClient, staff: Staff, hr: dict[str, str], runtime: ServiceRuntime,
            last_month: str) -> None:
        flagged, failed = shift_month(last_month, -1), last_month
        await deliver(runtime, CloudEvent.wrap(finalized(staff.rep, flagged, FLAG), source="/appraisal"))
        await close_assignment(client, hr, flagged)
        await deliver(runtime, CloudEvent.wrap(finalized(staff.rep, failed, FLAG), source="/appraisal"))
        assert [status for _, status, _ in await assignments_of(runtime, staff.rep)] == ["closed", "open"]

        opened = dismissal(staff.rep, flagged, failed)
        await deliver(runtime, CloudEvent.wrap(opened, source="/appraisal"))
        # Re-published under a new envelope: the case is kept once and withdraws nothing more.
        await deliver(runtime, CloudEvent.wrap(opened, source="/appraisal"))
        (_, (period, status, note)) = await assignments_of(runtime, staff.rep)
        assert (period, status) == (failed, "closed")
        assert note is not None and str(opened.case_id) in note
        assert (await query(runtime, "SELECT count(*) AS n FROM retraining_dismissal_cases"))[0].n == 1
        listed = (await client.get("/training/retraining-assignments", headers=hr)).json()
        assert listed == []
