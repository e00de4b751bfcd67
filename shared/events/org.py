"""Events published by the org service (topics ``org.department``, ``org.group``,
``org.employee``, ``org.headcount``, ``org.calendar``, ``org.attendance``, ``org.training``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from decimal import Decimal

from shared.events.envelope import Event, register


@register
class DepartmentCreated(Event):
    event_type = "org.department.created.v1"
    topic = "org.department"
    key_field = "department_id"
    summary = "A department (销售部, 电销部, 市场部, 行政部…) was created."

    department_id: uuid.UUID
    name: str
    kind: str


@register
class RegionCreated(Event):
    event_type = "org.region.created.v1"
    topic = "org.department"
    key_field = "department_id"
    summary = "A region or branch (区域/分公司) was created under a department."

    region_id: uuid.UUID
    department_id: uuid.UUID
    name: str


@register
class GroupCreated(Event):
    event_type = "org.group.created.v1"
    topic = "org.group"
    key_field = "group_id"
    summary = "A sales group (小组) was created with its one leader."

    group_id: uuid.UUID
    name: str
    department_id: uuid.UUID
    region_id: uuid.UUID | None = None
    leader_id: uuid.UUID


@register
class GroupLeaderChanged(Event):
    event_type = "org.group.leader_changed.v1"
    topic = "org.group"
    key_field = "group_id"
    summary = "A group's leader (组长) was replaced; the group always has exactly one."

    group_id: uuid.UUID
    previous_leader_id: uuid.UUID
    leader_id: uuid.UUID
    effective_date: date


@register
class EmployeeHired(Event):
    event_type = "org.employee.hired.v1"
    topic = "org.employee"
    key_field = "employee_id"
    summary = "An employee joined: role, department, group and manager from the hire date."

    employee_id: uuid.UUID
    name: str
    role: str
    department_id: uuid.UUID
    region_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    hired_on: date


@register
class EmployeeTransferred(Event):
    event_type = "org.employee.transferred.v1"
    topic = "org.employee"
    key_field = "employee_id"
    summary = "An employee's department, group, role or manager changed from an effective date."

    employee_id: uuid.UUID
    effective_date: date
    reason: str | None = None
    from_department_id: uuid.UUID
    to_department_id: uuid.UUID
    from_group_id: uuid.UUID | None = None
    to_group_id: uuid.UUID | None = None
    from_role: str
    to_role: str
    from_manager_id: uuid.UUID | None = None
    to_manager_id: uuid.UUID | None = None
    from_region_id: uuid.UUID | None = None
    to_region_id: uuid.UUID | None = None
    # active or retraining (转岗再培训, O5); absent from producers older than these fields.
    from_status: str | None = None
    to_status: str | None = None


@register
class EmployeeLeft(Event):
    event_type = "org.employee.left.v1"
    topic = "org.employee"
    key_field = "employee_id"
    summary = "An employee left the company on the given date."

    employee_id: uuid.UUID
    left_on: date
    reason: str | None = None
    department_id: uuid.UUID
    group_id: uuid.UUID | None = None


@register
class HeadcountPlanChanged(Event):
    event_type = "org.headcount.plan_changed.v1"
    topic = "org.headcount"
    key_field = "department_id"
    summary = "A department's planned positions (编制) for one role were set or changed."

    department_id: uuid.UUID
    role: str
    planned: int
    previous: int | None = None


@register
class WorkingCalendarSet(Event):
    event_type = "org.calendar.year_set.v1"
    topic = "org.calendar"
    key_field = "year"
    summary = ("HR set one year's working calendar (O6): weekend days, public holidays, make-up working "
               "days and working hours. The whole year each time; the highest revision wins. A year never "
               "set is Monday to Friday without holidays (shared.calendar).")

    year: int
    revision: int
    weekend: list[int]  # ISO weekdays, Monday 1 … Sunday 7
    holidays: list[date]
    makeup_working_days: list[date]
    work_starts_at: time
    work_ends_at: time


@register
class AttendanceDayClassified(Event):
    event_type = "org.attendance.day_classified.v1"
    topic = "org.attendance"
    key_field = "employee_id"
    summary = ("One employee's working day was classified (O6), or classified again after a correction, "
               "an approved leave or a calendar change. Each (employee, date) has increasing revisions: "
               "a subscriber keeps the highest and ignores an older one arriving late.")

    employee_id: uuid.UUID
    work_date: date
    period: str  # YYYY-MM of work_date
    revision: int
    # on_time, minor_lateness, half_day_absence, full_day_absence, leave, or void: the date is no
    # longer a working day of this employee (calendar changed, hire or leave date moved), and
    # what an earlier revision said about it no longer counts.
    classification: str
    # Days of absence (旷工) this day counts for pay: 0, 0.5 or 1. Whether a half day scores as a
    # whole one (A4) is the subscriber's rule.
    absence_days: Decimal = Decimal(0)
    # Late arrivals or early departures within the tolerance (P6: a fixed deduction each): 0–2.
    minor_latenesses: int = 0
    late_minutes: int = 0
    early_minutes: int = 0
    leave_type: str | None = None
    leave_paid: bool | None = None
    # Days of approved leave this day counts: 0 or 1 (leave is taken in whole days).
    leave_days: Decimal = Decimal(0)
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None


@register
class DismissalCaseRaised(Event):
    event_type = "org.attendance.dismissal_case_raised.v1"
    topic = "org.attendance"
    key_field = "employee_id"
    summary = ("Confirmed attendance reached a dismissal threshold (O6): absence on consecutive working "
               "days, or cumulative absence days in a calendar year. HR reviews and closes the case.")

    case_id: uuid.UUID
    employee_id: uuid.UUID
    rule: str  # consecutive or cumulative
    absence_dates: list[date]
    raised_on: date


@register
class AttendanceMonthSubmitted(Event):
    event_type = "org.attendance.month_submitted.v1"
    topic = "org.attendance"
    key_field = "group_id"
    summary = "A group leader submitted the group's month of attendance to HR (A1, O6); later changes need HR."

    group_id: uuid.UUID
    period: str
    submitted_by: uuid.UUID
    submitted_at: datetime


@register
class TrainingSessionHeld(Event):
    event_type = "org.training.session_held.v1"
    topic = "org.training"
    key_field = "session_id"
    summary = "A training session (O7) was recorded: topic, trainer, date, duration and who attended."

    session_id: uuid.UUID
    topic_name: str
    trainer_id: uuid.UUID
    department_id: uuid.UUID | None = None
    held_on: date
    duration_minutes: int
    attendee_ids: list[uuid.UUID]
