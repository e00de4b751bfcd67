"""Attendance reads (O6), each limited to the caller's data scope: a rep their own, a group leader
their group, a department manager their department, HR everyone. Anything outside it answers as if
it did not exist."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from org.adapters.attendance import DismissalCase, StoredDay, Submission
from org.domain.attendance import (
    FULL_DAY_ABSENCE,
    HALF_DAY_ABSENCE,
    LEAVE,
    MINOR_LATENESS,
    ON_TIME,
    VOID,
    ClockRecord,
)
from org.domain.calendar import CalendarYear
from org.domain.leave import LeaveRequest, LeaveStatus
from org.domain.model import Employee, SalesGroup
from org.domain.visibility import Visibility
from org.service_layer.attendance import calendar_year, month_bounds
from org.service_layer.unit_of_work import OrgBus, OrgUnitOfWork
from shared.calendar import Calendars
from shared.errors import NotFound


async def working_calendar(bus: OrgBus, year: int) -> CalendarYear:
    async with bus.uow() as uow:
        return await calendar_year(uow, bus.policy.attendance, year)


async def record_history(bus: OrgBus, visibility: Visibility, employee_id: uuid.UUID, work_date: date
                         ) -> list[ClockRecord]:
    async with bus.uow() as uow:
        await _visible_employee(uow, visibility, employee_id)
        return await uow.attendance.record_history(employee_id, work_date)


@dataclass(frozen=True)
class DayRow:
    work_date: date
    # None: not classified yet (the day is not over, or the sweep has not reached it).
    day: StoredDay | None
    record: ClockRecord | None


@dataclass(frozen=True)
class PersonMonth:
    employee: Employee
    period: str
    days: list[DayRow]


async def person_month(bus: OrgBus, visibility: Visibility, employee_id: uuid.UUID, period: str) -> PersonMonth:
    start, end = month_bounds(period)
    async with bus.uow() as uow:
        employee = await _visible_employee(uow, visibility, employee_id)
        calendars = await _calendars(uow, bus, start.year)
        stored = await uow.attendance.days([employee.id], start, end)
        records = await uow.attendance.current_records([employee.id], start, end)
    rows = [DayRow(day, stored.get((employee.id, day)), records.get((employee.id, day)))
            for day in calendars.working_days(start, end)
            if employee.hired_on <= day and (employee.left_on is None or day <= employee.left_on)]
    return PersonMonth(employee=employee, period=period, days=rows)


@dataclass
class MonthSummary:
    employee: Employee
    working_days: int = 0
    on_time: int = 0
    minor_latenesses: int = 0
    half_day_absences: int = 0
    full_day_absences: int = 0
    absence_days: Decimal = Decimal(0)
    leave_days: dict[str, Decimal] = field(default_factory=dict)
    unclassified: int = 0


async def group_month(bus: OrgBus, visibility: Visibility, group_id: uuid.UUID, period: str
                      ) -> tuple[SalesGroup, Submission | None, list[MonthSummary]]:
    start, end = month_bounds(period)
    async with bus.uow() as uow:
        group = await uow.groups.get(group_id)
        if group is None or not visibility.sees_group(group):
            raise NotFound(f"group {group_id} does not exist")
        members = [member for member in await uow.attendance.group_members_in(group.id, start, end)
                   if visibility.sees_employee(member)]
        summaries = await _summaries(uow, bus, members, start, end)
        submission = await uow.attendance.submission(group.id, period)
    return group, submission, summaries


async def department_month(bus: OrgBus, visibility: Visibility, department_id: uuid.UUID, period: str
                           ) -> list[MonthSummary]:
    start, end = month_bounds(period)
    async with bus.uow() as uow:
        # Whole-department readers only: a leader's home department is visible as structure, not its people.
        if not (visibility.everything or department_id in visibility.department_ids):
            raise NotFound(f"department {department_id} does not exist")
        people = [employee for employee in await uow.attendance.employees_employed_between(start, end)
                  if employee.department_id == department_id and visibility.sees_employee(employee)]
        people.sort(key=lambda employee: (employee.name, employee.id))
        return await _summaries(uow, bus, people, start, end)


async def _summaries(uow: OrgUnitOfWork, bus: OrgBus, people: list[Employee], start: date, end: date
                     ) -> list[MonthSummary]:
    calendars = await _calendars(uow, bus, start.year)
    stored = await uow.attendance.days([person.id for person in people], start, end)
    summaries = []
    for person in people:
        summary = MonthSummary(employee=person)
        for day in calendars.working_days(start, end):
            if not (person.hired_on <= day and (person.left_on is None or day <= person.left_on)):
                continue
            summary.working_days += 1
            found = stored.get((person.id, day))
            if found is None or found.day.classification == VOID:
                summary.unclassified += 1
                continue
            counted = found.day
            summary.absence_days += counted.absence_days
            summary.minor_latenesses += counted.minor_latenesses
            if counted.classification == ON_TIME:
                summary.on_time += 1
            elif counted.classification == HALF_DAY_ABSENCE:
                summary.half_day_absences += 1
            elif counted.classification == FULL_DAY_ABSENCE:
                summary.full_day_absences += 1
            elif counted.classification == LEAVE and counted.leave_type:
                summary.leave_days[counted.leave_type] = (summary.leave_days.get(counted.leave_type, Decimal(0))
                                                          + counted.leave_days)
            elif counted.classification != MINOR_LATENESS:
                summary.unclassified += 1
        summaries.append(summary)
    return summaries


@dataclass(frozen=True)
class LeaveBalance:
    leave_type: str
    paid: bool
    quota: int | None
    taken: int
    pending: int

    @property
    def remaining(self) -> int | None:
        return None if self.quota is None else max(0, self.quota - self.taken - self.pending)


async def leave_balances(bus: OrgBus, visibility: Visibility, employee_id: uuid.UUID, year: int
                         ) -> list[LeaveBalance]:
    policy = bus.policy.attendance
    async with bus.uow() as uow:
        await _visible_employee(uow, visibility, employee_id)
        calendars = await _calendars(uow, bus, year)
        requests = await uow.leave.of_employee(employee_id, holding_only=True)
    taken: Counter[str] = Counter()
    pending: Counter[str] = Counter()
    for request in requests:
        days = sum(1 for day in calendars.working_days(max(request.start, date(year, 1, 1)),
                                                        min(request.end, date(year, 12, 31))))
        (taken if request.status == LeaveStatus.APPROVED else pending)[request.leave_type] += days
    return [LeaveBalance(leave_type=name, paid=kind.paid, quota=kind.annual_quota, taken=taken[name],
                         pending=pending[name]) for name, kind in sorted(policy.leave_types.items())]


async def leave_requests(bus: OrgBus, visibility: Visibility, employee_id: uuid.UUID | None,
                         status: str | None) -> list[LeaveRequest]:
    async with bus.uow() as uow:
        if employee_id is not None:
            await _visible_employee(uow, visibility, employee_id)
            requests = await uow.leave.visible([employee_id], status)
        else:
            requests = await uow.leave.visible(None, status)
            owners = {employee.id: employee
                      for employee in await uow.attendance.employees_by_id({r.employee_id for r in requests})}
            requests = [request for request in requests
                        if request.employee_id in owners and visibility.sees_employee(owners[request.employee_id])]
    return requests


async def leave_request(bus: OrgBus, visibility: Visibility, request_id: uuid.UUID) -> LeaveRequest:
    async with bus.uow() as uow:
        request = await uow.leave.get(request_id)
        employee = await uow.employees.get(request.employee_id) if request else None
        if request is None or employee is None or not visibility.sees_employee(employee):
            raise NotFound(f"leave request {request_id} does not exist")
    return request


@dataclass(frozen=True)
class GroupSubmission:
    group: SalesGroup
    submission: Submission | None


async def submissions(bus: OrgBus, visibility: Visibility, period: str) -> list[GroupSubmission]:
    month_bounds(period)
    async with bus.uow() as uow:
        groups = await uow.groups.visible(visibility)
        submitted = await uow.attendance.submissions(period)
    return [GroupSubmission(group, submitted.get(group.id)) for group in groups if visibility.sees_group(group)]


async def dismissal_cases(bus: OrgBus, status: str | None) -> list[DismissalCase]:
    async with bus.uow() as uow:
        return await uow.attendance.cases(status)


async def _visible_employee(uow: OrgUnitOfWork, visibility: Visibility, employee_id: uuid.UUID) -> Employee:
    employee = await uow.employees.get(employee_id)
    if employee is None or not visibility.sees_employee(employee):
        raise NotFound(f"employee {employee_id} does not exist")
    return employee


async def _calendars(uow: OrgUnitOfWork, bus: OrgBus, year: int) -> Calendars:
    return Calendars({year: (await calendar_year(uow, bus.policy.attendance, year)).calendar})



