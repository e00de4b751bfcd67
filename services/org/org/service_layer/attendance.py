"""Use cases of attendance (O6): the working calendar, clock records and their corrections, the
time-clock import, the daily classification and its sweep, leave requests, the month submission
and dismissal cases.

Every change that can alter a day's class (a record, a leave approved or cancelled, a calendar,
employment dates) reclassifies the days it touches that are over, in its own transaction, and
announces a day only when its class changed, with the next revision: a consumer that keeps the
highest revision per (employee, date) is never confused by a redelivery or a late arrival.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from org.adapters.attendance import DismissalCase, StoredDay, Submission
from org.domain.attendance import (
    VOID,
    VOID_DAY,
    ApprovedLeave,
    AttendancePolicy,
    ClockRecord,
    classify,
    dismissal_findings,
    ensure_recordable_date,
    ensure_times_in_order,
    is_employed_on,
)
from org.domain.calendar import CalendarYear, checked_year, default_year
from org.domain.credentials import normalise_login
from org.domain.leave import (
    LeaveRequest,
    LeaveStatus,
    ensure_leave_dates,
    ensure_no_overlap,
    ensure_within_quota,
)
from org.domain.model import Employee
from org.service_layer import attendance_commands as commands
from org.service_layer.access import visibility_of
from org.service_layer.unit_of_work import OrgBus, OrgUnitOfWork
from shared.auth import Principal, Role
from shared.bus import CommandHandler, refuses_duplicates
from shared.calendar import Calendars
from shared.clock import first_day, last_day, month_of_date
from shared.db import new_id
from shared.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound
from shared.events.org import (
    AttendanceDayClassified,
    AttendanceMonthSubmitted,
    DismissalCaseRaised,
    WorkingCalendarSet,
)

UNIQUE_CONSTRAINTS = {
    "uq_attendance_records_employee_id_work_date_version": (
        "date", "the record was changed by someone else at the same moment; read it again and retry"),
    "pk_attendance_submissions": ("period", "this group's month has already been submitted"),
}

HR_ROLES = (Role.HR, Role.ADMIN)
IMPORT_REASON = "imported from the time clock"


# --- the working calendar --------------------------------------------------------------------------


async def calendar_year(uow: OrgUnitOfWork, policy: AttendancePolicy, year: int) -> CalendarYear:
    return await uow.attendance.calendar(year) or default_year(year, policy.work_starts_at, policy.work_ends_at)


async def set_working_calendar(command: commands.SetWorkingCalendar, bus: OrgBus) -> CalendarYear:
    policy = bus.policy.attendance
    asked = checked_year(command.year, command.weekend, command.holidays, command.makeup_working_days,
                         command.work_starts_at, command.work_ends_at)
    async with bus.uow() as uow:
        await uow.attendance.lock_calendar_year(command.year)
        before = await uow.attendance.calendar(command.year, for_update=True)
        year = replace(asked, revision=(before.revision if before else 0) + 1)
        await uow.attendance.save_calendar(year)
        uow.emit(WorkingCalendarSet(
            year=year.year, revision=year.revision, weekend=sorted(year.weekend), holidays=sorted(year.holidays),
            makeup_working_days=sorted(year.makeup_working_days), work_starts_at=year.work_starts_at,
            work_ends_at=year.work_ends_at,
        ))
        await _follow_calendar(uow, policy, bus.clock.today(), year.year)
        await uow.commit()
    return year


async def _follow_calendar(uow: OrgUnitOfWork, policy: AttendancePolicy, today: date, year: int) -> None:
    """The year's days already swept follow the new calendar (a day that stops being worked becomes
    void, one that starts being worked is classified). Days not swept yet are the sweep's, which reads
    the calendar when it gets there; days before ``sweep_starts_on`` are never classified by it."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    everyone = await uow.attendance.employees_employed_between(first, last)
    swept = await uow.attendance.swept_through([employee.id for employee in everyone])
    # All of them at once, in id order as the sweep takes them: reclassifying by groups below must not
    # take locks in an order a concurrent sweep could cross.
    await uow.attendance.lock_employees(list(swept))
    by_end: dict[date, list[Employee]] = {}
    for employee in everyone:
        if employee.id in swept:
            by_end.setdefault(min(last, swept[employee.id]), []).append(employee)
    start = max(first, policy.sweep_starts_on or first)
    for end, employees in sorted(by_end.items()):
        await reclassify(uow, policy, today, employees, start, end)


# --- classification --------------------------------------------------------------------------------


async def reclassify(uow: OrgUnitOfWork, policy: AttendancePolicy, today: date, employees: Sequence[Employee],
                     start: date, end: date) -> list[StoredDay]:
    """Classify each of ``employees``' days from ``start`` to ``end`` that are over; store and announce
    those whose class changed. Returns them."""
    end = min(end, today - timedelta(days=1))
    if start > end or not employees:
        return []
    ids = [employee.id for employee in employees]
    await uow.attendance.lock_employees(ids)
    years = {year: await calendar_year(uow, policy, year) for year in range(start.year, end.year + 1)}
    records = await uow.attendance.current_records(ids, start, end)
    leaves: dict[uuid.UUID, list[ApprovedLeave]] = {}
    for request in await uow.leave.approved_between(ids, start, end):
        paid = policy.leave_types[request.leave_type].paid if request.leave_type in policy.leave_types else False
        leaves.setdefault(request.employee_id, []).append(
            ApprovedLeave(request.id, request.leave_type, paid, request.start, request.end))
    stored = await uow.attendance.days(ids, start, end)
    changed: list[StoredDay] = []
    for employee in employees:
        for day in _dates(start, end):
            year = years[day.year]
            result = classify(
                working_day=year.calendar.is_working_day(day),
                employed=is_employed_on(day, employee.hired_on, employee.left_on),
                work_starts_at=year.work_starts_at, work_ends_at=year.work_ends_at,
                record=records.get((employee.id, day)),
                leave=next((leave for leave in leaves.get(employee.id, ()) if leave.covers(day)), None),
                tolerance_minutes=policy.tolerance_minutes,
            )
            before = stored.get((employee.id, day))
            if (before is None and result.classification == VOID) or (before is not None and before.day == result):
                continue
            # A day stays with the group it was first counted for: a later transfer does not move it.
            changed.append(StoredDay(
                employee_id=employee.id, work_date=day, revision=before.revision + 1 if before else 1, day=result,
                group_id=before.group_id if before else employee.group_id,
                department_id=before.department_id if before else employee.department_id,
            ))
    await uow.attendance.save_days(changed)
    for stored_day in changed:
        uow.emit(_classified(stored_day))
    return changed


async def void_after_leaving(uow: OrgUnitOfWork, employee: Employee, today: date) -> list[StoredDay]:
    """A leaving recorded after the fact: the days already counted after it stop counting at once."""
    if employee.left_on is None:
        return []
    start, end = employee.left_on + timedelta(days=1), today - timedelta(days=1)
    if start > end:
        return []
    stored = await uow.attendance.days([employee.id], start, end)
    changed = [replace(day, revision=day.revision + 1, day=VOID_DAY) for _, day in sorted(stored.items())
               if day.day.classification != VOID]
    await uow.attendance.save_days(changed)
    for stored_day in changed:
        uow.emit(_classified(stored_day))
    return changed


def _classified(stored: StoredDay) -> AttendanceDayClassified:
    day = stored.day
    return AttendanceDayClassified(
        employee_id=stored.employee_id, work_date=stored.work_date, period=month_of_date(stored.work_date),
        revision=stored.revision, classification=day.classification, absence_days=day.absence_days,
        minor_latenesses=day.minor_latenesses, late_minutes=day.late_minutes, early_minutes=day.early_minutes,
        leave_type=day.leave_type, leave_paid=day.leave_paid, leave_days=day.leave_days,
        group_id=stored.group_id, department_id=stored.department_id,
    )


@dataclass(frozen=True)
class SweepResult:
    employees: int
    classified: int
    through: date


async def sweep_attendance(command: commands.SweepAttendance, bus: OrgBus) -> SweepResult:
    """From where each employee was last swept (or their hire date) to yesterday, a batch of
    employees per transaction; then void days that fell outside someone's employment."""
    policy = bus.policy.attendance
    yesterday = bus.clock.today() - timedelta(days=1)
    employees_swept = classified = 0
    while True:
        async with bus.uow() as uow:
            await uow.attendance.lock_sweep()
            batch = await uow.attendance.employees_to_sweep(yesterday, policy.sweep_batch_employees)
            if not batch:
                break
            for employee, swept_through in batch:
                start = swept_through + timedelta(days=1) if swept_through else max(
                    employee.hired_on, policy.sweep_starts_on or employee.hired_on)
                end = min(yesterday, employee.left_on or yesterday)
                classified += len(await reclassify(uow, policy, bus.clock.today(), [employee], start, end))
                await uow.attendance.set_swept_through(employee.id, yesterday)
            employees_swept += len(batch)
            await uow.commit()
    async with bus.uow() as uow:
        await uow.attendance.lock_sweep()
        for employee, first, last in await uow.attendance.days_outside_employment():
            classified += len(await reclassify(uow, policy, bus.clock.today(), [employee], first, last))
        await uow.commit()
    return SweepResult(employees=employees_swept, classified=classified, through=yesterday)


# --- clock records ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordResult:
    record: ClockRecord
    created: bool


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def clock_in(command: commands.ClockIn, bus: OrgBus) -> RecordResult:
    return await _clock(command.actor, bus, "in")


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def clock_out(command: commands.ClockOut, bus: OrgBus) -> RecordResult:
    return await _clock(command.actor, bus, "out")


async def _clock(actor: Principal, bus: OrgBus, which: str) -> RecordResult:
    local = bus.clock.local_now()
    today, now = local.date(), local.time().replace(microsecond=0, tzinfo=None)
    async with bus.uow() as uow:
        employee = await _employee(uow, actor.employee_id, field="employee_id", for_update=True)
        ensure_recordable_date(today, today, employee.hired_on, employee.left_on)
        history = await uow.attendance.record_history(employee.id, today)
        current = history[-1] if history else None
        clock_in_at, clock_out_at = (current.clock_in, current.clock_out) if current else (None, None)
        if which == "in":
            if clock_in_at is not None:
                raise Conflict(f"already clocked in at {clock_in_at.isoformat()} today; a correction is entered "
                               "by the group leader or HR", field="clock_in")
            clock_in_at = now
        else:
            if clock_out_at is not None:
                raise Conflict(f"already clocked out at {clock_out_at.isoformat()} today; a correction is entered "
                               "by the group leader or HR", field="clock_out")
            clock_out_at = now
        ensure_times_in_order(clock_in_at, clock_out_at)
        record = _next_version(employee.id, today, current, clock_in_at, clock_out_at, actor.employee_id, None,
                               "clock", bus.clock.now())
        await uow.attendance.add_record(record)
        await uow.commit()
    return RecordResult(record, created=True)


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def enter_record(command: commands.EnterRecord, bus: OrgBus) -> RecordResult:
    ensure_times_in_order(command.clock_in, command.clock_out)
    today = bus.clock.today()
    async with bus.uow() as uow:
        employee = await _employee(uow, command.employee_id, field="employee_id", for_update=True)
        await _ensure_may_enter_for(uow, command.actor, employee)
        ensure_recordable_date(command.work_date, today, employee.hired_on, employee.left_on)
        await _ensure_month_open(uow, command.actor, employee, [command.work_date])
        result = await _save_record(uow, bus, employee, command.work_date, command.clock_in, command.clock_out,
                                    command.actor.employee_id, command.reason, "entry")
        await uow.commit()
    return result


async def _save_record(uow: OrgUnitOfWork, bus: OrgBus, employee: Employee, work_date: date,
                       clock_in_at: time | None, clock_out_at: time | None, changed_by: uuid.UUID,
                       reason: str | None, source: str) -> RecordResult:
    history = await uow.attendance.record_history(employee.id, work_date)
    current = history[-1] if history else None
    if current is not None and current.same_times(clock_in_at, clock_out_at):
        return RecordResult(current, created=False)  # the same again: no new version, nothing to announce
    if current is not None and not (reason or "").strip():
        raise InvalidInput("reason", "a correction of an existing record says why")
    record = _next_version(employee.id, work_date, current, clock_in_at, clock_out_at, changed_by, reason, source,
                           bus.clock.now())
    await uow.attendance.add_record(record)
    policy = bus.policy.attendance
    changed = await reclassify(uow, policy, bus.clock.today(), [employee], work_date, work_date)
    await _reevaluate_if_confirmed(uow, bus, employee, changed)
    return RecordResult(record, created=True)


def _next_version(employee_id: uuid.UUID, work_date: date, current: ClockRecord | None, clock_in_at: time | None,
                  clock_out_at: time | None, changed_by: uuid.UUID, reason: str | None, source: str,
                  recorded_at: datetime) -> ClockRecord:
    return ClockRecord(id=new_id(), employee_id=employee_id, work_date=work_date,
                       version=current.version + 1 if current else 1, clock_in=clock_in_at, clock_out=clock_out_at,
                       changed_by=changed_by, reason=reason, source=source, recorded_at=recorded_at)


@dataclass(frozen=True)
class RefusedRow:
    row: int
    field: str
    reason: str


@dataclass
class ImportResult:
    saved: int = 0
    unchanged: int = 0
    refused: list[RefusedRow] = field(default_factory=list)


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def import_records(command: commands.ImportRecords, bus: OrgBus) -> ImportResult:
    """Valid rows saved in one transaction, every refused row reported: a file is never half-read
    because one line is wrong, and importing it again changes nothing."""
    result = ImportResult()
    today = bus.clock.today()
    actor = command.actor
    async with bus.uow() as uow:
        led = await uow.groups.led_by(actor.employee_id)
        seen: set[tuple[uuid.UUID, date]] = set()
        for row in command.rows:
            try:
                employee = await _import_employee(uow, row)
                if not actor.has_any(*HR_ROLES) and (led is None or employee.group_id != led.id):
                    raise InvalidInput("employee_id", "is not in the group you lead")
                work_date = _parse_date(row.work_date)
                clock_in_at = _parse_time("clock_in", row.clock_in)
                clock_out_at = _parse_time("clock_out", row.clock_out)
                ensure_times_in_order(clock_in_at, clock_out_at)
                if work_date > today:
                    raise InvalidInput("date", f"{work_date.isoformat()} is in the future")
                if not is_employed_on(work_date, employee.hired_on, employee.left_on):
                    raise InvalidInput("date", f"the employee was not employed on {work_date.isoformat()}")
                if (employee.id, work_date) in seen:
                    raise InvalidInput("date", "a second row for the same employee and date in this file")
                await _ensure_month_open(uow, actor, employee, [work_date])
                saved = await _save_record(uow, bus, employee, work_date, clock_in_at, clock_out_at,
                                           actor.employee_id, IMPORT_REASON, "import")
            except InvalidInput as error:
                problem = error.extra["errors"][0]
                result.refused.append(RefusedRow(row.row, problem["field"], problem["reason"]))
                continue
            except (NotFound, Conflict) as error:
                result.refused.append(RefusedRow(row.row, error.extra.get("field") or "date", error.detail))
                continue
            seen.add((employee.id, work_date))
            if saved.created:
                result.saved += 1
            else:
                result.unchanged += 1
        await uow.commit()
    return result


async def _import_employee(uow: OrgUnitOfWork, row: commands.ImportRow) -> Employee:
    if row.employee_id:
        try:
            employee_id = uuid.UUID(row.employee_id.strip())
        except ValueError:
            raise InvalidInput("employee_id", "is not a valid id") from None
        employee = await uow.employees.get(employee_id)
        if employee is None:
            raise InvalidInput("employee_id", "unknown employee")
        return employee
    if row.login:
        credential = await uow.credentials.by_login(normalise_login(row.login))
        employee = await uow.employees.get(credential.employee_id) if credential else None
        if employee is None:
            raise InvalidInput("login", "unknown employee")
        return employee
    raise InvalidInput("employee_id", "give employee_id or login")


def _parse_date(text: str | None) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput("date", f"{text!r} is not a date (YYYY-MM-DD)") from None


def _parse_time(name: str, text: str | None) -> time | None:
    if text is None or not text.strip():
        return None
    try:
        parsed = time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(name, f"{text!r} is not a time (HH:MM)") from None
    return parsed.replace(microsecond=0, tzinfo=None)


# --- leave -----------------------------------------------------------------------------------------


async def submit_leave(command: commands.SubmitLeave, bus: OrgBus) -> LeaveRequest:
    policy = bus.policy.attendance
    actor = command.actor
    leave_type = policy.leave_type(command.leave_type)
    today = bus.clock.today()
    by_hr = actor.has_any(*HR_ROLES)
    if command.employee_id != actor.employee_id and not by_hr:
        raise Forbidden("leave is requested by the employee themself, or recorded by HR")
    ensure_leave_dates(command.start, command.end, today, past_allowed=by_hr and policy.hr_may_record_past_leave)
    async with bus.uow() as uow:
        employee = await _employee(uow, command.employee_id, field="employee_id", for_update=True)
        if not (is_employed_on(command.start, employee.hired_on, employee.left_on)
                and is_employed_on(command.end, employee.hired_on, employee.left_on)):
            raise InvalidInput("start", "the leave falls outside the employee's employment")
        days = await _working_days(uow, policy, command.start, command.end)
        if not days:
            raise InvalidInput("end", "the leave covers no working day")
        ensure_no_overlap(await uow.leave.of_employee(employee.id, holding_only=True), command.start, command.end)
        await _ensure_quota(uow, policy, employee.id, leave_type.name, leave_type.annual_quota, days)
        request = LeaveRequest(
            id=new_id(), employee_id=employee.id, leave_type=leave_type.name, start=command.start, end=command.end,
            days=len(days), reason=command.reason, requested_by=actor.employee_id,
            needs_manager=len(days) > policy.manager_approval_over_days,
        )
        if by_hr and command.employee_id != actor.employee_id:
            # HR records leave already agreed (often after the fact): approved as it is recorded.
            await _ensure_month_open(uow, actor, employee, days)
            request.approve_outright(actor.employee_id)
        await uow.leave.add(request)
        if request.status == LeaveStatus.APPROVED:
            await _leave_changed(uow, bus, employee, request)
        await uow.commit()
    return request


async def _ensure_quota(uow: OrgUnitOfWork, policy: AttendancePolicy, employee_id: uuid.UUID, leave_type: str,
                        quota: int | None, days: list[date]) -> None:
    if quota is None:
        return
    holding = [other for other in await uow.leave.of_employee(employee_id, holding_only=True)
               if other.leave_type == leave_type]
    for year in sorted({day.year for day in days}):
        used = 0
        for other in holding:
            used += sum(1 for day in await _working_days(uow, policy, other.start, other.end) if day.year == year)
        ensure_within_quota(leave_type, quota, year, used, sum(1 for day in days if day.year == year))


async def approve_leave(command: commands.ApproveLeave, bus: OrgBus) -> LeaveRequest:
    actor = command.actor
    async with bus.uow() as uow:
        request, employee = await _leave_and_employee(uow, actor, command.request_id)
        if employee.id == actor.employee_id and not actor.has_any(Role.ADMIN):
            raise Forbidden("nobody approves their own leave")
        step = await _approval_step(uow, actor, employee, request)
        await _ensure_month_open(uow, actor, employee, await _working_days(uow, bus.policy.attendance,
                                                                           request.start, request.end))
        if step == "hr":
            request.approve_outright(actor.employee_id)
        elif step == "leader":
            request.approve_as_leader(actor.employee_id)
        else:
            request.approve_as_manager(actor.employee_id)
        await uow.leave.save(request)
        if request.status == LeaveStatus.APPROVED:
            await _leave_changed(uow, bus, employee, request)
        await uow.commit()
    return request


async def refuse_leave(command: commands.RefuseLeave, bus: OrgBus) -> LeaveRequest:
    async with bus.uow() as uow:
        request, employee = await _leave_and_employee(uow, command.actor, command.request_id)
        await _approval_step(uow, command.actor, employee, request)
        request.refuse(command.actor.employee_id, command.reason)
        await uow.leave.save(request)
        await uow.commit()
    return request


async def cancel_leave(command: commands.CancelLeave, bus: OrgBus) -> LeaveRequest:
    actor = command.actor
    by_hr = actor.has_any(*HR_ROLES)
    async with bus.uow() as uow:
        request, employee = await _leave_and_employee(uow, actor, command.request_id)
        if request.employee_id != actor.employee_id and request.requested_by != actor.employee_id and not by_hr:
            raise Forbidden("only the requester or HR cancels a leave request")
        was_approved = request.status == LeaveStatus.APPROVED
        request.cancel(actor.employee_id, bus.clock.today(), may_cancel_started=by_hr)
        if was_approved:
            await _ensure_month_open(uow, actor, employee, await _working_days(uow, bus.policy.attendance,
                                                                               request.start, request.end))
        await uow.leave.save(request)
        if was_approved:
            await _leave_changed(uow, bus, employee, request)
        await uow.commit()
    return request


async def _leave_and_employee(uow: OrgUnitOfWork, actor: Principal, request_id: uuid.UUID
                              ) -> tuple[LeaveRequest, Employee]:
    request = await uow.leave.get(request_id, for_update=True)
    employee = await uow.employees.get(request.employee_id) if request else None
    if request is None or employee is None or not visibility_of(actor).sees_employee(employee):
        raise NotFound(f"leave request {request_id} does not exist")
    return request, employee


async def _approval_step(uow: OrgUnitOfWork, actor: Principal, employee: Employee, request: LeaveRequest) -> str:
    """Which approval the caller gives: both steps at once ("hr": HR, or a department manager where no
    other leader approves first), the group leader's, or the department manager's after the leader's."""
    if actor.has_any(*HR_ROLES):
        return "hr"
    led = await uow.groups.led_by(actor.employee_id)
    is_leader = led is not None and employee.group_id == led.id and employee.id != actor.employee_id
    is_manager = actor.has_any(Role.DEPARTMENT_MANAGER) and actor.department_id == employee.department_id
    # Without a group (or for a leader's own leave) the department manager gives the first step too.
    if is_leader and request.leader_approved_by is None:
        return "leader"
    if is_manager:
        # The manager giving the first step too (no group, or a leader's own leave) decides outright.
        return "manager" if request.leader_approved_by is not None else "hr"
    if is_leader:
        raise Conflict("the group leader has approved; the department manager decides now")
    raise Forbidden("the employee's group leader or department manager decides on this request")


async def _leave_changed(uow: OrgUnitOfWork, bus: OrgBus, employee: Employee, request: LeaveRequest) -> None:
    changed = await reclassify(uow, bus.policy.attendance, bus.clock.today(), [employee], request.start, request.end)
    await _reevaluate_if_confirmed(uow, bus, employee, changed)


async def _working_days(uow: OrgUnitOfWork, policy: AttendancePolicy, start: date, end: date) -> list[date]:
    years = {year: (await calendar_year(uow, policy, year)).calendar for year in range(start.year, end.year + 1)}
    return Calendars(years).working_days(start, end)


# --- month submission and dismissal cases ----------------------------------------------------------


@refuses_duplicates(UNIQUE_CONSTRAINTS)
async def submit_month(command: commands.SubmitMonth, bus: OrgBus) -> Submission:
    actor = command.actor
    async with bus.uow() as uow:
        group = await uow.groups.get(command.group_id, for_update=True)
        if group is None or not visibility_of(actor).sees_group(group):
            raise NotFound(f"group {command.group_id} does not exist", field="group_id")
        if group.leader_id != actor.employee_id and not actor.has_any(Role.ADMIN):
            raise Forbidden("the group's leader submits its month")
        start, end = month_bounds(command.period)
        if not bus.clock.has_ended(command.period):
            raise InvalidInput("period", f"{command.period} has not ended yet")
        existing = await uow.attendance.submission(group.id, command.period)
        if existing is not None:
            raise Conflict(f"the group's {command.period} was submitted on {existing.submitted_at.isoformat()}",
                           field="period")
        members = await uow.attendance.group_members_in(group.id, start, end)
        # What is submitted is the current truth, whether or not the sweep has run since.
        await reclassify(uow, bus.policy.attendance, bus.clock.today(), members, start, end)
        submission = Submission(group_id=group.id, period=command.period, submitted_by=actor.employee_id,
                                submitted_at=bus.clock.now())
        await uow.attendance.add_submission(submission)
        uow.emit(AttendanceMonthSubmitted(group_id=group.id, period=command.period,
                                          submitted_by=actor.employee_id, submitted_at=submission.submitted_at))
        for member in members:
            await _raise_dismissal_cases(uow, bus, member)
        await uow.commit()
    return submission


async def close_dismissal_case(command: commands.CloseDismissalCase, bus: OrgBus) -> DismissalCase:
    if not command.note.strip():
        raise InvalidInput("note", "closing a case says how it was resolved")
    async with bus.uow() as uow:
        case = await uow.attendance.case(command.case_id, for_update=True)
        if case is None:
            raise NotFound(f"dismissal case {command.case_id} does not exist")
        if case.status != "open":
            raise Conflict("the case is already closed", closed_at=case.closed_at.isoformat()
                           if case.closed_at else None)
        case.status, case.note = "closed", command.note
        case.closed_by, case.closed_at = command.actor.employee_id, bus.clock.now()
        await uow.attendance.close_case(case)
        await uow.commit()
    return case


async def _reevaluate_if_confirmed(uow: OrgUnitOfWork, bus: OrgBus, employee: Employee,
                                   changed: Iterable[StoredDay]) -> None:
    """An HR correction of a submitted month may reach a threshold: confirmed attendance is evaluated again."""
    pairs = {(day.group_id, month_of_date(day.work_date)) for day in changed if day.group_id is not None}
    if pairs and await uow.attendance.submitted_periods(pairs):
        await _raise_dismissal_cases(uow, bus, employee)


async def _raise_dismissal_cases(uow: OrgUnitOfWork, bus: OrgBus, employee: Employee) -> None:
    policy = bus.policy.attendance
    confirmed = await uow.attendance.confirmed_days(employee.id)
    if not confirmed:
        return
    first, last = confirmed[0].work_date, confirmed[-1].work_date
    calendars = Calendars({year: (await calendar_year(uow, policy, year)).calendar
                           for year in range(first.year, last.year + 2)})

    def next_working_day(day: date) -> date:
        following = day + timedelta(days=1)
        while not calendars.is_working_day(following) and following <= last:
            following += timedelta(days=1)
        return following

    findings = dismissal_findings(
        [(day.work_date, day.day.absence_days) for day in confirmed],
        consecutive_days=policy.dismissal_consecutive_days, cumulative_days=policy.dismissal_cumulative_days,
        next_working_day=next_working_day,
    )
    today = bus.clock.today()
    for finding in findings:
        case = DismissalCase(id=new_id(), employee_id=employee.id, rule=finding.rule, case_key=finding.key,
                             absence_dates=list(finding.absence_dates), raised_on=today)
        if await uow.attendance.add_case_if_new(case):
            uow.emit(DismissalCaseRaised(case_id=case.id, employee_id=employee.id, rule=case.rule,
                                         absence_dates=case.absence_dates, raised_on=today))


# --- steps -----------------------------------------------------------------------------------------


async def _employee(uow: OrgUnitOfWork, employee_id: uuid.UUID, *, field: str, for_update: bool = False
                    ) -> Employee:
    employee = await uow.employees.get(employee_id, for_update=for_update)
    if employee is None:
        raise NotFound(f"employee {employee_id} does not exist", field=field)
    return employee


async def _ensure_may_enter_for(uow: OrgUnitOfWork, actor: Principal, employee: Employee) -> None:
    if actor.has_any(*HR_ROLES):
        return
    led = await uow.groups.led_by(actor.employee_id)
    if led is not None and employee.group_id == led.id:
        return
    if visibility_of(actor).sees_employee(employee):
        raise Forbidden("records are entered by the employee's group leader or HR")
    raise NotFound(f"employee {employee.id} does not exist", field="employee_id")


async def _ensure_month_open(uow: OrgUnitOfWork, actor: Principal, employee: Employee, days: Iterable[date]) -> None:
    """After a group leader submitted a month, only HR changes it."""
    if actor.has_any(*HR_ROLES) or employee.group_id is None:
        return
    periods = {(employee.group_id, month_of_date(day)) for day in days}
    submitted = await uow.attendance.submitted_periods(periods)
    if submitted:
        period = sorted(submitted)[0][1]
        raise Conflict(f"the group's attendance of {period} was submitted to HR; only HR may change it now",
                       field="date", period=period)


def month_bounds(period: str) -> tuple[date, date]:
    try:
        return first_day(period), last_day(period)
    except (ValueError, AppError):
        raise InvalidInput("period", "is not a month (YYYY-MM)") from None


def _dates(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.SetWorkingCalendar: set_working_calendar,
    commands.ClockIn: clock_in,
    commands.ClockOut: clock_out,
    commands.EnterRecord: enter_record,
    commands.ImportRecords: import_records,
    commands.SweepAttendance: sweep_attendance,
    commands.SubmitLeave: submit_leave,
    commands.ApproveLeave: approve_leave,
    commands.RefuseLeave: refuse_leave,
    commands.CancelLeave: cancel_leave,
    commands.SubmitMonth: submit_month,
    commands.CloseDismissalCase: close_dismissal_case,
}
