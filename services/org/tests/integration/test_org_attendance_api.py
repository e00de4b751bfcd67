"""Attendance through the org API on the real database, at the test's clock: records, the
classification and its revisions in the outbox, imports, leave, the month submission, dismissal
cases, the calendar, and who may do and see what."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from org_company import Company, Tokens
from sqlalchemy import text

from devstack.pytest_plugin import run_service_cli
from org.__main__ import cli
from org.entrypoints.api.timeclock import XLSX_TYPE
from shared.auth import Role
from shared.calendar import Calendars
from shared.clock import FixedClock, first_day
from shared.runtime import ServiceRuntime

CLASSIFIED = "org.attendance.day_classified.v1"


@dataclass
class Team:
    sales: dict[str, Any]
    leader: dict[str, Any]
    group: dict[str, Any]
    rep: dict[str, Any]
    other: dict[str, Any]
    manager: dict[str, Any]
    # the second group's leader, who must not reach the first group's people
    stranger: dict[str, Any]
    hr: dict[str, str]
    month: str
    days: list[date]  # the working days of the month, default calendar

    def day(self, index: int) -> str:
        return self.days[index].isoformat()


@pytest.fixture
async def team(company: Company, tokens: Tokens, last_month: str) -> Team:
    sales = await company.department()
    for role, planned in (("group_leader", 2), ("sales_rep", 5), ("department_manager", 1)):
        await company.plan(sales, role, planned)
    hired = (first_day(last_month) - timedelta(days=3)).isoformat()
    leader = await company.hire(sales, "Zhang Wei", "group_leader", hired_on=hired)
    group = await company.group("North 1", leader)
    stranger = await company.hire(sales, "Zhao Lei", "group_leader", hired_on=hired)
    await company.group("North 2", stranger)
    manager = await company.hire(sales, "Chen Jing", "department_manager", hired_on=hired)
    rep = await company.hire(sales, "Li Na", group_id=group["id"], hired_on=hired, login="li.na",
                             password="a password")
    other = await company.hire(sales, "Wang Fang", group_id=group["id"], hired_on=hired)
    return Team(sales=sales, leader=await company.employee(leader["id"]), group=group, rep=rep, other=other,
                manager=manager, stranger=await company.employee(stranger["id"]),
                hr=tokens.headers(Role.HR), month=last_month,
                days=Calendars().working_days_of_month(last_month))


async def outbox(runtime: ServiceRuntime, event_type: str) -> list[dict[str, Any]]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT envelope FROM outbox WHERE event_type = :type ORDER BY seq"), {"type": event_type})
        return [row.envelope["data"] for row in rows]


async def record_versions(runtime: ServiceRuntime) -> int:
    async with runtime.engine.connect() as connection:
        return int(await connection.scalar(text("SELECT count(*) FROM attendance_records")))


async def put_record(client: httpx.AsyncClient, headers: dict[str, str], employee: dict[str, Any], day: str,
                     clock_in: str | None, clock_out: str | None, reason: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"clock_in": clock_in, "clock_out": clock_out}
    if reason is not None:
        body["reason"] = reason
    return await client.put(f"/attendance/records/{employee['id']}/{day}", json=body, headers=headers)


async def sweep(client: httpx.AsyncClient, team: Team) -> dict[str, Any]:
    response = await client.post("/attendance/sweep", headers=team.hr)
    assert response.status_code == 200, response.text
    return response.json()


def classes(month: dict[str, Any]) -> dict[str, str | None]:
    return {row["work_date"]: row["classification"] for row in month["days"]}


class TestClassification:
    async def test_a_month_is_classified_per_o6_and_announced_once_per_change(
            self, team: Team, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock,
            runtime: ServiceRuntime) -> None:
        lead = tokens.of(team.leader)
        entries = [("09:00", "18:00"), ("09:10", "18:00"), ("09:05", "17:55"), ("09:20", "18:00"),
                   ("09:00", None)]
        for index, (clock_in, clock_out) in enumerate(entries):
            response = await put_record(client, lead, team.rep, team.day(index), clock_in, clock_out)
            assert response.status_code == 200, response.text
        # day 5: no record at all; day 6 paid (sick) and day 7 unpaid (personal) leave recorded by HR
        for index, leave_type in ((6, "sick"), (7, "personal")):
            response = await client.post("/attendance/leave-requests", headers=team.hr, json={
                "employee_id": team.rep["id"], "leave_type": leave_type, "start": team.day(index),
                "end": team.day(index), "reason": "recorded after the fact"})
            assert response.status_code == 201, response.text
            assert response.json()["status"] == "approved"
        for index in range(8, len(team.days)):
            assert (await put_record(client, lead, team.rep, team.day(index), "08:55", "18:05")).status_code == 200

        swept = await sweep(client, team)
        assert swept["through"] == (clock.today() - timedelta(days=1)).isoformat()
        assert swept["employees"] == 5  # everyone of the team, each from their hire date

        month = (await client.get(f"/attendance/employees/{team.rep['id']}/months/{team.month}",
                                  headers=tokens.of(team.rep))).json()
        expected = ["on_time", "minor_lateness", "minor_lateness", "half_day_absence", "half_day_absence",
                    "full_day_absence", "leave", "leave"] + ["on_time"] * (len(team.days) - 8)
        assert [row["classification"] for row in month["days"]] == expected
        rows = month["days"]
        assert (rows[2]["minor_latenesses"], rows[2]["late_minutes"], rows[2]["early_minutes"]) == (2, 5, 5)
        assert (rows[3]["late_minutes"], rows[3]["absence_days"]) == (20, "0.5")
        assert (rows[6]["leave_type"], rows[6]["leave_paid"]) == ("sick", True)
        assert (rows[7]["leave_type"], rows[7]["leave_paid"]) == ("personal", False)
        assert rows[0]["clock_in"] == "09:00:00"

        events = {(event["employee_id"], event["work_date"]): event for event in await outbox(runtime, CLASSIFIED)}
        late = events[(team.rep["id"], team.day(3))]
        assert {key: late[key] for key in ("period", "revision", "classification", "absence_days", "late_minutes",
                                           "minor_latenesses", "group_id", "department_id")} == {
            "period": team.month, "revision": 1, "classification": "half_day_absence", "absence_days": "0.5",
            "late_minutes": 20, "minor_latenesses": 0, "group_id": team.group["id"],
            "department_id": team.sales["id"]}
        unpaid = events[(team.rep["id"], team.day(7))]
        assert (unpaid["leave_type"], unpaid["leave_paid"], unpaid["leave_days"]) == ("personal", False, "1")
        assert events[(team.rep["id"], team.day(5))]["absence_days"] == "1"

        # A correction (with its reason) is announced with the next revision; the same again, nothing.
        before = len(await outbox(runtime, CLASSIFIED))
        fixed = await put_record(client, team.hr, team.rep, team.day(3), "09:00", "18:00", reason="badge failed")
        assert fixed.status_code == 200, fixed.text
        assert fixed.json()["version"] == 2
        again = await put_record(client, team.hr, team.rep, team.day(3), "09:00", "18:00", reason="badge failed")
        assert again.json()["version"] == 2
        assert (await sweep(client, team))["classified"] == 0
        after = await outbox(runtime, CLASSIFIED)
        assert len(after) == before + 1
        assert (after[-1]["work_date"], after[-1]["revision"], after[-1]["classification"]) == (
            team.day(3), 2, "on_time")

        history = (await client.get(f"/attendance/records/{team.rep['id']}/{team.day(3)}",
                                    headers=tokens.of(team.leader))).json()
        assert [(v["version"], v["clock_in"], v["reason"]) for v in history["versions"]] == [
            (1, "09:20:00", None), (2, "09:00:00", "badge failed")]
        assert history["current"]["version"] == 2

    async def test_clocking_in_and_out_at_the_companys_time(self, team: Team, client: httpx.AsyncClient,
                                                            tokens: Tokens, clock: FixedClock,
                                                            runtime: ServiceRuntime) -> None:
        today = clock.today()
        mine = tokens.of(team.rep)
        clock.set(datetime.combine(today, time(9, 7, 30), tzinfo=clock.timezone))
        first = await client.post("/attendance/clock-in", headers=mine)
        assert first.status_code == 201, first.text
        assert (first.json()["work_date"], first.json()["clock_in"]) == (today.isoformat(), "09:07:30")
        twice = await client.post("/attendance/clock-in", headers=mine)
        assert twice.status_code == 409
        clock.set(datetime.combine(today, time(18, 1), tzinfo=clock.timezone))
        out = await client.post("/attendance/clock-out", headers=mine)
        assert out.status_code == 201, out.text
        assert (out.json()["version"], out.json()["clock_in"], out.json()["clock_out"]) == (2, "09:07:30", "18:01:00")

        # The day is classified once it is over, by the sweep.
        await sweep(client, team)
        assert [e for e in await outbox(runtime, CLASSIFIED) if e["work_date"] == today.isoformat()] == []
        clock.set(datetime.combine(today + timedelta(days=1), time(0, 30), tzinfo=clock.timezone))
        await sweep(client, team)
        todays = [e for e in await outbox(runtime, CLASSIFIED)
                  if e["work_date"] == today.isoformat() and e["employee_id"] == team.rep["id"]]
        if Calendars().is_working_day(today):
            assert [(e["classification"], e["late_minutes"]) for e in todays] == [("minor_lateness", 7)]
        else:
            assert todays == []

    async def test_the_sweep_is_idempotent_and_voids_days_after_a_leaving(
            self, team: Team, client: httpx.AsyncClient, company: Company, runtime: ServiceRuntime) -> None:
        first = await sweep(client, team)
        assert first["classified"] > 0
        assert (await sweep(client, team))["classified"] == 0

        left_on = team.day(4)
        response = await client.post(f"/employees/{team.other['id']}/leave", headers=company.admin,
                                     json={"left_on": left_on})
        assert response.status_code in (200, 201), response.text
        await sweep(client, team)
        voided = [e for e in await outbox(runtime, CLASSIFIED)
                  if e["employee_id"] == team.other["id"] and e["classification"] == "void"]
        assert voided and all(e["work_date"] > left_on and e["revision"] == 2 for e in voided)
        assert (await sweep(client, team))["classified"] == 0


    async def test_a_mid_month_hire_and_a_leaver_count_only_their_employed_days(
            self, team: Team, client: httpx.AsyncClient, company: Company, tokens: Tokens,
            runtime: ServiceRuntime) -> None:
        newcomer = await company.hire(team.sales, "Sun Yue", group_id=team.group["id"], hired_on=team.day(10))
        left = await client.post(f"/employees/{team.other['id']}/leave", headers=company.admin,
                                 json={"left_on": team.day(5)})
        assert left.status_code in (200, 201), left.text

        await sweep(client, team)

        report = (await client.get(f"/attendance/groups/{team.group['id']}/months/{team.month}",
                                   headers=tokens.of(team.leader))).json()
        people = {row["name"]: row for row in report["people"]}
        assert (people["Sun Yue"]["working_days"], people["Sun Yue"]["full_day_absences"]) == (
            len(team.days) - 10, len(team.days) - 10)
        assert people["Wang Fang"]["working_days"] == 6
        dates = {e["work_date"] for e in await outbox(runtime, CLASSIFIED) if e["employee_id"] == newcomer["id"]}
        assert min(dates) == team.day(10)
        leaver = [e for e in await outbox(runtime, CLASSIFIED) if e["employee_id"] == team.other["id"]
                  and e["period"] == team.month]
        assert max(e["work_date"] for e in leaver) == team.day(5)


class TestRecordRefusals:
    async def test_bad_records_are_refused_naming_the_field(self, team: Team, client: httpx.AsyncClient,
                                                            tokens: Tokens, clock: FixedClock,
                                                            runtime: ServiceRuntime) -> None:
        lead = tokens.of(team.leader)
        cases = [
            ((team.rep, team.day(0), "18:00", "09:00"), 422, "clock_out"),
            ((team.rep, (clock.today() + timedelta(days=1)).isoformat(), "09:00", "18:00"), 422, "date"),
            ((team.rep, (first_day(team.month) - timedelta(days=10)).isoformat(), "09:00", "18:00"), 422, "date"),
            ((team.rep, team.day(0), None, None), 422, "clock_in"),
        ]
        for (employee, day, clock_in, clock_out), status, field in cases:
            response = await put_record(client, lead, employee, day, clock_in, clock_out)
            assert response.status_code == status, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["errors"][0]["field"] == field
        unknown = await client.put(f"/attendance/records/{team.sales['id']}/{team.day(0)}",
                                   json={"clock_in": "09:00"}, headers=team.hr)
        assert unknown.status_code == 404
        timezone = await put_record(client, lead, team.rep, team.day(0), "09:00+08:00", None)
        assert timezone.status_code == 422
        assert await record_versions(runtime) == 0, "nothing half-written"

        assert (await put_record(client, lead, team.rep, team.day(0), "09:00", "18:00")).status_code == 200
        no_reason = await put_record(client, lead, team.rep, team.day(0), "09:00", "17:00")
        assert no_reason.status_code == 422
        assert no_reason.json()["errors"][0]["field"] == "reason"

    async def test_only_the_groups_leader_or_hr_enter_records(self, team: Team, client: httpx.AsyncClient,
                                                              tokens: Tokens) -> None:
        own = await put_record(client, tokens.of(team.rep), team.rep, team.day(0), "09:00", "18:00")
        assert own.status_code == 403
        stranger = await put_record(client, tokens.of(team.stranger), team.rep, team.day(0), "09:00", "18:00")
        assert stranger.status_code == 404
        assert (await client.get(f"/attendance/records/{team.rep['id']}/{team.day(0)}",
                                 headers=tokens.of(team.other))).status_code == 404
        assert (await client.get(f"/attendance/records/{team.rep['id']}/{team.day(0)}",
                                 headers=tokens.of(team.manager))).status_code == 200

    async def test_concurrent_corrections_never_share_a_version(self, team: Team, client: httpx.AsyncClient,
                                                                runtime: ServiceRuntime) -> None:
        assert (await put_record(client, team.hr, team.rep, team.day(0), "09:00", "18:00")).status_code == 200
        responses = await asyncio.gather(*(
            put_record(client, team.hr, team.rep, team.day(0), f"09:0{minute}", "18:00", reason="fix")
            for minute in range(1, 6)))
        assert {response.status_code for response in responses} <= {200, 409}
        async with runtime.engine.connect() as connection:
            versions = [row.version for row in await connection.execute(text(
                "SELECT version FROM attendance_records ORDER BY version"))]
        assert versions == list(range(1, len(versions) + 1))


    async def test_a_sweep_racing_corrections_never_repeats_a_revision(self, team: Team, client: httpx.AsyncClient,
                                                                        tokens: Tokens,
                                                                        runtime: ServiceRuntime) -> None:
        lead = tokens.of(team.leader)
        await asyncio.gather(
            sweep(client, team),
            *(put_record(client, lead, team.rep, team.day(index), "09:00", "18:00") for index in range(5)),
            *(put_record(client, lead, team.other, team.day(index), "09:20", "18:00") for index in range(5)),
        )

        revisions: dict[tuple[str, str], list[int]] = {}
        last: dict[tuple[str, str], str] = {}
        for event in await outbox(runtime, CLASSIFIED):
            key = (event["employee_id"], event["work_date"])
            revisions.setdefault(key, []).append(event["revision"])
            last[key] = event["classification"]
        assert all(found == list(range(1, len(found) + 1)) for found in revisions.values())
        for index in range(5):
            assert last[(team.rep["id"], team.day(index))] == "on_time"
            assert last[(team.other["id"], team.day(index))] == "half_day_absence"
        async with runtime.engine.connect() as connection:
            rows = await connection.execute(text("SELECT employee_id, work_date, revision FROM attendance_days"))
            stored = {(str(row.employee_id), row.work_date.isoformat()): row.revision for row in rows}
        assert stored == {key: found[-1] for key, found in revisions.items()}


class TestImport:
    async def test_a_time_clock_file_saves_valid_rows_reports_the_rest_and_imports_once(
            self, team: Team, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock,
            runtime: ServiceRuntime) -> None:
        future = (clock.today() + timedelta(days=1)).isoformat()
        before_hire = (first_day(team.month) - timedelta(days=10)).isoformat()
        content = "\n".join([
            "employee_id,login,date,clock_in,clock_out",
            f"{team.rep['id']},,{team.day(0)},09:00,18:00",
            f",li.na,{team.day(1)},09:12,18:00",
            f"{team.other['id']},,{team.day(0)},09:00,",
            f"{team.sales['id']},,{team.day(0)},09:00,18:00",
            f"{team.rep['id']},,{team.day(2)},9h,18:00",
            f"{team.rep['id']},,{team.day(3)},18:00,09:00",
            f"{team.rep['id']},,{future},09:00,18:00",
            f"{team.rep['id']},,{before_hire},09:00,18:00",
            f"{team.stranger['id']},,{team.day(0)},09:00,18:00",
        ]) + "\n"
        lead = {**tokens.of(team.leader), "content-type": "text/csv"}

        report = await client.post("/attendance/records/import", content=content.encode(), headers=lead)

        assert report.status_code == 200, report.text
        body = report.json()
        assert (body["saved"], body["unchanged"]) == (3, 0)
        assert [(row["row"], row["field"]) for row in body["refused"]] == [
            (5, "employee_id"), (6, "clock_in"), (7, "clock_out"), (8, "date"), (9, "date"), (10, "employee_id")]
        assert "unknown employee" in body["refused"][0]["reason"]
        assert "group you lead" in body["refused"][-1]["reason"]
        events = len(await outbox(runtime, CLASSIFIED))

        again = (await client.post("/attendance/records/import", content=content.encode(), headers=lead)).json()
        assert (again["saved"], again["unchanged"], len(again["refused"])) == (0, 3, 6)
        assert await record_versions(runtime) == 3
        assert len(await outbox(runtime, CLASSIFIED)) == events

    async def test_an_excel_export_by_login(self, team: Team, client: httpx.AsyncClient,
                                            runtime: ServiceRuntime) -> None:
        book = Workbook()
        book.active.append(["login", "date", "clock_in", "clock_out"])
        book.active.append(["li.na", team.days[0], time(9, 16), time(18, 0)])
        book.active.append(["nobody", team.days[0], time(9, 0), time(18, 0)])
        buffer = io.BytesIO()
        book.save(buffer)

        report = await client.post("/attendance/records/import", content=buffer.getvalue(),
                                   headers={**team.hr, "content-type": XLSX_TYPE})

        assert report.status_code == 200, report.text
        assert (report.json()["saved"], [(r["row"], r["field"]) for r in report.json()["refused"]]) == (
            1, [(3, "login")])
        [event] = [e for e in await outbox(runtime, CLASSIFIED) if e["employee_id"] == team.rep["id"]]
        assert (event["work_date"], event["classification"], event["late_minutes"]) == (
            team.day(0), "half_day_absence", 16)

    async def test_a_rep_may_not_import_and_a_bad_file_is_a_4xx(self, team: Team, client: httpx.AsyncClient,
                                                               tokens: Tokens) -> None:
        rep = {**tokens.of(team.rep), "content-type": "text/csv"}
        assert (await client.post("/attendance/records/import", content=b"employee_id,date\n",
                                  headers=rep)).status_code == 403
        bad = await client.post("/attendance/records/import", content=b"\x00\x01",
                                headers={**team.hr, "content-type": "application/pdf"})
        assert bad.status_code == 422
        assert bad.json()["errors"][0]["field"] == "content-type"


class TestLeave:
    def future_days(self, clock: FixedClock, count: int) -> list[date]:
        start = clock.today() + timedelta(days=7)
        return Calendars().working_days(start, start + timedelta(days=40))[:count]

    async def test_request_overlap_approval_steps_quota_and_cancel(self, team: Team, client: httpx.AsyncClient,
                                                                   tokens: Tokens, clock: FixedClock) -> None:
        mine, lead, manage = tokens.of(team.rep), tokens.of(team.leader), tokens.of(team.manager)
        days = self.future_days(clock, 12)
        short = await client.post("/attendance/leave-requests", headers=mine, json={
            "leave_type": "annual", "start": days[0].isoformat(), "end": days[1].isoformat(), "reason": "family"})
        assert short.status_code == 201, short.text
        assert (short.json()["days"], short.json()["status"], short.json()["needs_manager"]) == (2, "pending", False)

        overlap = await client.post("/attendance/leave-requests", headers=mine, json={
            "leave_type": "sick", "start": days[1].isoformat(), "end": days[2].isoformat()})
        assert overlap.status_code == 409
        assert overlap.json()["conflicting_request_id"] == short.json()["id"]

        assert (await client.post(f"/attendance/leave-requests/{short.json()['id']}/approve",
                                  headers=mine)).status_code == 403
        assert (await client.post(f"/attendance/leave-requests/{short.json()['id']}/approve",
                                  headers=tokens.of(team.stranger))).status_code == 404
        approved = await client.post(f"/attendance/leave-requests/{short.json()['id']}/approve", headers=lead)
        assert approved.json()["status"] == "approved"

        over_quota = await client.post("/attendance/leave-requests", headers=mine, json={
            "leave_type": "annual", "start": days[3].isoformat(), "end": days[6].isoformat()})
        assert over_quota.status_code == 409
        assert over_quota.json()["field"] == "leave_type"

        long = await client.post("/attendance/leave-requests", headers=mine, json={
            "leave_type": "sick", "start": days[3].isoformat(), "end": days[7].isoformat()})
        assert (long.json()["days"], long.json()["needs_manager"]) == (5, True)
        long_id = long.json()["id"]
        assert (await client.post(f"/attendance/leave-requests/{long_id}/approve", headers=lead)).json()[
            "status"] == "pending"
        assert (await client.post(f"/attendance/leave-requests/{long_id}/approve", headers=lead)).status_code == 409
        assert (await client.post(f"/attendance/leave-requests/{long_id}/approve", headers=manage)).json()[
            "status"] == "approved"

        refused = await client.post("/attendance/leave-requests", headers=mine, json={
            "leave_type": "personal", "start": days[9].isoformat(), "end": days[9].isoformat()})
        assert (await client.post(f"/attendance/leave-requests/{refused.json()['id']}/refuse", headers=lead,
                                  json={"reason": ""})).status_code == 422
        assert (await client.post(f"/attendance/leave-requests/{refused.json()['id']}/refuse", headers=lead,
                                  json={"reason": "quarter close"})).json()["status"] == "refused"

        cancelled = await client.post(f"/attendance/leave-requests/{short.json()['id']}/cancel", headers=mine)
        assert cancelled.json()["status"] == "cancelled"
        balances = {row["leave_type"]: row for row in (await client.get(
            f"/attendance/leave-balances/{team.rep['id']}", params={"year": days[0].year}, headers=mine)).json()}
        assert (balances["annual"]["quota"], balances["annual"]["taken"], balances["annual"]["remaining"]) == (5, 0, 5)
        assert balances["sick"]["quota"] is None
        assert (await client.get(f"/attendance/leave-balances/{team.rep['id']}", params={"year": days[0].year},
                                 headers=tokens.of(team.other))).status_code == 404

    async def test_leave_in_the_past_or_of_an_unknown_type_is_refused(self, team: Team, client: httpx.AsyncClient,
                                                                      tokens: Tokens) -> None:
        mine = tokens.of(team.rep)
        past = await client.post("/attendance/leave-requests", headers=mine, json={
            "leave_type": "annual", "start": team.day(0), "end": team.day(0)})
        assert past.status_code == 422
        assert past.json()["errors"][0]["field"] == "start"
        unknown = await client.post("/attendance/leave-requests", headers=mine, json={
            "leave_type": "sabbatical", "start": team.day(0), "end": team.day(0)})
        assert unknown.json()["errors"][0]["field"] == "leave_type"
        for_someone_else = await client.post("/attendance/leave-requests", headers=mine, json={
            "employee_id": team.other["id"], "leave_type": "annual", "start": team.day(0), "end": team.day(0)})
        assert for_someone_else.status_code == 403

    async def test_retroactive_leave_reclassifies_an_absence(self, team: Team, client: httpx.AsyncClient,
                                                             runtime: ServiceRuntime) -> None:
        await sweep(client, team)
        response = await client.post("/attendance/leave-requests", headers=team.hr, json={
            "employee_id": team.rep["id"], "leave_type": "sick", "start": team.day(2), "end": team.day(2)})
        assert response.status_code == 201, response.text
        day = [e for e in await outbox(runtime, CLASSIFIED)
               if e["employee_id"] == team.rep["id"] and e["work_date"] == team.day(2)]
        assert [(e["revision"], e["classification"]) for e in day] == [(1, "full_day_absence"), (2, "leave")]

        cancelled = await client.post(f"/attendance/leave-requests/{response.json()['id']}/cancel", headers=team.hr)
        assert cancelled.json()["status"] == "cancelled"
        day = [e for e in await outbox(runtime, CLASSIFIED)
               if e["employee_id"] == team.rep["id"] and e["work_date"] == team.day(2)]
        assert [(e["revision"], e["classification"]) for e in day][-1] == (3, "full_day_absence")


class TestSubmissionAndDismissal:
    async def test_submission_locks_the_month_and_raises_each_case_once(
            self, team: Team, client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock,
            runtime: ServiceRuntime) -> None:
        lead = tokens.of(team.leader)
        for index in range(len(team.days)):
            if index not in (3, 4, 5):  # the rep is absent three working days in a row
                assert (await put_record(client, lead, team.rep, team.day(index), "09:00", "18:00")).status_code == 200
        body = {"group_id": team.group["id"], "period": team.month}
        assert (await client.post("/attendance/submissions", json=body, headers=tokens.of(team.rep))).status_code in (
            403, 404)
        current = await client.post("/attendance/submissions", headers=lead,
                                    json={**body, "period": clock.month()})
        assert current.status_code == 422

        submitted = await client.post("/attendance/submissions", json=body, headers=lead)
        assert submitted.status_code == 201, submitted.text
        assert (await client.post("/attendance/submissions", json=body, headers=lead)).status_code == 409
        [event] = await outbox(runtime, "org.attendance.month_submitted.v1")
        assert (event["group_id"], event["period"], event["submitted_by"]) == (
            team.group["id"], team.month, team.leader["id"])

        cases = (await client.get("/attendance/dismissal-cases", headers=team.hr)).json()
        by_person = sorted((case["employee_id"], case["rule"]) for case in cases)
        # the other member has no record at all: a streak and the yearly total; the rep one streak
        assert (team.rep["id"], "consecutive") in by_person
        assert [case["absence_dates"] for case in cases if case["employee_id"] == team.rep["id"]] == [
            [team.day(3), team.day(4), team.day(5)]]
        assert {rule for employee, rule in by_person if employee == team.other["id"]} == {"consecutive",
                                                                                         "cumulative"}
        raised = await outbox(runtime, "org.attendance.dismissal_case_raised.v1")
        assert len(raised) == len(cases)

        locked = await put_record(client, lead, team.rep, team.day(0), "09:30", "18:00", reason="late after all")
        assert locked.status_code == 409
        assert "submitted" in locked.json()["detail"]
        corrected = await put_record(client, team.hr, team.rep, team.day(0), "09:00", "17:00", reason="left early")
        assert corrected.status_code == 200, corrected.text
        assert len(await outbox(runtime, "org.attendance.dismissal_case_raised.v1")) == len(cases), "no duplicate"

        listing = (await client.get("/attendance/submissions", params={"period": team.month},
                                    headers=team.hr)).json()
        assert {(row["group_name"], row["submitted"]) for row in listing} == {("North 1", True), ("North 2", False)}

        case_id = cases[0]["id"]
        assert (await client.get("/attendance/dismissal-cases", headers=lead)).status_code == 403
        assert (await client.post(f"/attendance/dismissal-cases/{case_id}/close", json={"note": "warned"},
                                  headers=lead)).status_code == 403
        closed = await client.post(f"/attendance/dismissal-cases/{case_id}/close", json={"note": "warned in writing"},
                                   headers=team.hr)
        assert closed.json()["status"] == "closed"
        assert (await client.post(f"/attendance/dismissal-cases/{case_id}/close", json={"note": "again"},
                                  headers=team.hr)).status_code == 409
        still_open = (await client.get("/attendance/dismissal-cases", headers=team.hr)).json()
        assert case_id not in {case["id"] for case in still_open}

    async def test_group_and_department_reports_side_by_side_within_scope(
            self, team: Team, client: httpx.AsyncClient, tokens: Tokens) -> None:
        lead = tokens.of(team.leader)
        assert (await put_record(client, lead, team.rep, team.day(0), "09:10", "18:00")).status_code == 200
        await sweep(client, team)
        report = await client.get(f"/attendance/groups/{team.group['id']}/months/{team.month}", headers=lead)
        assert report.status_code == 200, report.text
        people = {row["name"]: row for row in report.json()["people"]}
        assert set(people) == {"Zhang Wei", "Li Na", "Wang Fang"}
        rep = people["Li Na"]
        assert (rep["minor_latenesses"], rep["full_day_absences"], Decimal(rep["absence_days"])) == (
            1, len(team.days) - 1, Decimal(len(team.days) - 1))
        department = (await client.get(f"/attendance/departments/{team.sales['id']}/months/{team.month}",
                                       headers=tokens.of(team.manager))).json()
        assert {row["name"] for row in department} >= {"Li Na", "Wang Fang", "Zhao Lei", "Chen Jing"}
        assert (await client.get(f"/attendance/groups/{team.group['id']}/months/{team.month}",
                                 headers=tokens.of(team.stranger))).status_code == 404
        assert (await client.get(f"/attendance/departments/{team.sales['id']}/months/{team.month}",
                                 headers=lead)).status_code == 404
        assert (await client.get(f"/attendance/employees/{team.rep['id']}/months/{team.month}",
                                 headers=tokens.of(team.other))).status_code == 404
        assert (await client.get(f"/attendance/employees/{team.rep['id']}/months/2026-13",
                                 headers=team.hr)).status_code == 422


class TestCalendar:
    async def test_a_calendar_change_voids_or_reclassifies_the_days_it_changes(
            self, team: Team, client: httpx.AsyncClient, tokens: Tokens, runtime: ServiceRuntime) -> None:
        year = team.days[0].year
        default = (await client.get(f"/attendance/calendar/{year}", headers=tokens.of(team.rep))).json()
        assert (default["revision"], default["weekend"], default["work_starts_at"]) == (0, [6, 7], "09:00:00")
        await sweep(client, team)
        saturday = next(day for day in (first_day(team.month) + timedelta(days=n) for n in range(7))
                        if day.isoweekday() == 6)
        holiday = team.days[0]
        body = {"weekend": [6, 7], "holidays": [holiday.isoformat()], "makeup_working_days": [saturday.isoformat()],
                "work_starts_at": "09:00", "work_ends_at": "18:00"}
        assert (await client.put(f"/attendance/calendar/{year}", json=body,
                                 headers=tokens.of(team.rep))).status_code == 403
        both = await client.put(f"/attendance/calendar/{year}", headers=team.hr,
                                json={**body, "makeup_working_days": [holiday.isoformat()]})
        assert both.status_code == 422
        assert both.json()["errors"][0]["field"] == "makeup_working_days"
        inverted = await client.put(f"/attendance/calendar/{year}", headers=team.hr,
                                    json={**body, "work_starts_at": "18:00", "work_ends_at": "09:00"})
        assert inverted.status_code == 422

        saved = await client.put(f"/attendance/calendar/{year}", json=body, headers=team.hr)
        assert saved.status_code == 200, saved.text
        assert saved.json()["revision"] == 1
        assert (await client.put(f"/attendance/calendar/{year}", json=body, headers=team.hr)).json()["revision"] == 2
        [first, second] = await outbox(runtime, "org.calendar.year_set.v1")
        assert (first["revision"], first["holidays"], first["makeup_working_days"]) == (
            1, [holiday.isoformat()], [saturday.isoformat()])
        assert second["revision"] == 2

        rep_days = {(e["work_date"], e["revision"]): e["classification"] for e in await outbox(runtime, CLASSIFIED)
                    if e["employee_id"] == team.rep["id"]}
        assert rep_days[(holiday.isoformat(), 2)] == "void"
        assert rep_days[(saturday.isoformat(), 1)] == "full_day_absence"
        assert not any(key == (holiday.isoformat(), 3) for key in rep_days), "the second save changed nothing"


def test_the_cli_sweeps_attendance(empty_database: str) -> None:
    assert run_service_cli(cli, "org", empty_database, "migrate").exit_code == 0
    swept = run_service_cli(cli, "org", empty_database, "sweep-attendance")

    assert swept.exit_code == 0, swept.output
    assert swept.output.startswith("swept 0 employee(s) through ")
