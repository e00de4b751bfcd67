"""What callers ask of attendance (O6). Each carries the caller: who may do it depends on whose
record or request it is (their own, their group's, anyone's for HR)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time

from shared.auth import Principal


@dataclass(frozen=True)
class SetWorkingCalendar:
    year: int
    weekend: list[int]
    holidays: list[date]
    makeup_working_days: list[date]
    work_starts_at: time
    work_ends_at: time


@dataclass(frozen=True)
class ClockIn:
    actor: Principal


@dataclass(frozen=True)
class ClockOut:
    actor: Principal


@dataclass(frozen=True)
class EnterRecord:
    """A record entered for a date by a group leader (their group) or HR (anyone)."""

    actor: Principal
    employee_id: uuid.UUID
    work_date: date
    clock_in: time | None
    clock_out: time | None
    reason: str | None = None


@dataclass(frozen=True)
class ImportRow:
    row: int
    employee_id: str | None
    login: str | None
    work_date: str | None
    clock_in: str | None
    clock_out: str | None


@dataclass(frozen=True)
class ImportRecords:
    actor: Principal
    rows: list[ImportRow] = field(default_factory=list)


@dataclass(frozen=True)
class SweepAttendance:
    """Classify every employee's working days that ended and were not classified yet."""


@dataclass(frozen=True)
class SubmitLeave:
    actor: Principal
    employee_id: uuid.UUID
    leave_type: str
    start: date
    end: date
    reason: str | None = None


@dataclass(frozen=True)
class ApproveLeave:
    actor: Principal
    request_id: uuid.UUID


@dataclass(frozen=True)
class RefuseLeave:
    actor: Principal
    request_id: uuid.UUID
    reason: str


@dataclass(frozen=True)
class CancelLeave:
    actor: Principal
    request_id: uuid.UUID


@dataclass(frozen=True)
class SubmitMonth:
    actor: Principal
    group_id: uuid.UUID
    period: str


@dataclass(frozen=True)
class CloseDismissalCase:
    actor: Principal
    case_id: uuid.UUID
    note: str
