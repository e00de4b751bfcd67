"""Attendance (考勤, O6): clock records, the daily classification and the dismissal thresholds.

Pure rules: the service layer loads a day's inputs (the working calendar, the employee's
employment dates, the latest version of their clock record, an approved leave) and stores what
:func:`classify` says, with a new revision only when the answer changed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from shared.errors import InvalidInput

ON_TIME = "on_time"
MINOR_LATENESS = "minor_lateness"
HALF_DAY_ABSENCE = "half_day_absence"
FULL_DAY_ABSENCE = "full_day_absence"
LEAVE = "leave"
# The date is no longer a working day of the employee: what an earlier revision said no longer counts.
VOID = "void"

HALF = Decimal("0.5")
ONE = Decimal(1)
ZERO = Decimal(0)

CONSECUTIVE = "consecutive"
CUMULATIVE = "cumulative"


@dataclass(frozen=True)
class LeaveType:
    name: str
    paid: bool
    # Days per calendar year; None: no limit.
    annual_quota: int | None = None


@dataclass(frozen=True)
class AttendancePolicy:
    """O6 as this company configures it (settings ``ORG_ATTENDANCE_…``)."""

    work_starts_at: time = time(9, 0)
    work_ends_at: time = time(18, 0)
    tolerance_minutes: int = 15
    leave_types: Mapping[str, LeaveType] = field(default_factory=lambda: {
        "annual": LeaveType("annual", paid=True, annual_quota=5),
        "sick": LeaveType("sick", paid=True),
        "personal": LeaveType("personal", paid=False),
        "marriage_bereavement": LeaveType("marriage_bereavement", paid=True),
    })
    # Leave longer than this many working days needs the department manager after the group leader.
    manager_approval_over_days: int = 3
    # Whether HR may record leave for days already past (retroactive leave).
    hr_may_record_past_leave: bool = True
    dismissal_consecutive_days: int = 3
    dismissal_cumulative_days: Decimal = Decimal(5)
    # The first day the sweep classifies when nothing was swept yet; None: each employee's hire date.
    sweep_starts_on: date | None = None
    sweep_batch_employees: int = 50

    def leave_type(self, name: str) -> LeaveType:
        found = self.leave_types.get(name)
        if found is None:
            raise InvalidInput("leave_type", f"unknown leave type; one of {', '.join(sorted(self.leave_types))}")
        return found


@dataclass(frozen=True)
class ClockRecord:
    """One version of an employee's clock record for a work date. A correction is a new version."""

    id: uuid.UUID
    employee_id: uuid.UUID
    work_date: date
    version: int
    clock_in: time | None
    clock_out: time | None
    changed_by: uuid.UUID | None
    reason: str | None
    source: str  # clock (self-service), entry (leader or HR), import (time clock file)
    recorded_at: datetime | None = None

    def same_times(self, clock_in: time | None, clock_out: time | None) -> bool:
        return (self.clock_in, self.clock_out) == (clock_in, clock_out)


def ensure_times_in_order(clock_in: time | None, clock_out: time | None) -> None:
    if clock_in is None and clock_out is None:
        raise InvalidInput("clock_in", "give clock_in, clock_out or both")
    if clock_in is not None and clock_out is not None and clock_out <= clock_in:
        raise InvalidInput("clock_out", "is not after clock_in (night shifts are not supported)")


def ensure_recordable_date(work_date: date, today: date, hired_on: date, left_on: date | None,
                           *, field: str = "date") -> None:
    if work_date > today:
        raise InvalidInput(field, f"{work_date.isoformat()} is after the company's today {today.isoformat()}")
    if not is_employed_on(work_date, hired_on, left_on):
        raise InvalidInput(field, f"the employee was not employed on {work_date.isoformat()} (hired "
                                  f"{hired_on.isoformat()}" + (f", left {left_on.isoformat()})" if left_on else ")"))


def is_employed_on(day: date, hired_on: date, left_on: date | None) -> bool:
    # The day of leaving is still a working day of theirs.
    return hired_on <= day and (left_on is None or day <= left_on)


@dataclass(frozen=True)
class ApprovedLeave:
    request_id: uuid.UUID
    leave_type: str
    paid: bool
    start: date
    end: date

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class DayClass:
    """What a day counts for, in the fields of ``org.attendance.day_classified.v1``."""

    classification: str
    absence_days: Decimal = ZERO
    minor_latenesses: int = 0
    late_minutes: int = 0
    early_minutes: int = 0
    leave_type: str | None = None
    leave_paid: bool | None = None
    leave_days: Decimal = ZERO


VOID_DAY = DayClass(VOID)


def _minutes_between(earlier: time, later: time) -> int:
    """Whole minutes from ``earlier`` to ``later``, 0 if not later. Seconds are dropped: 09:00:59 is
    not late, 09:01:00 is one minute late."""
    anchor = date(2000, 1, 3)
    delta = datetime.combine(anchor, later) - datetime.combine(anchor, earlier)
    return max(0, int(delta // timedelta(minutes=1)))


def classify(*, working_day: bool, employed: bool, work_starts_at: time, work_ends_at: time,
             record: ClockRecord | None, leave: ApprovedLeave | None, tolerance_minutes: int) -> DayClass:
    """O6 for one employee and one day that is over."""
    if not (working_day and employed):
        return VOID_DAY
    if leave is not None:
        return DayClass(LEAVE, leave_type=leave.leave_type, leave_paid=leave.paid, leave_days=ONE)
    if record is None or (record.clock_in is None and record.clock_out is None):
        return DayClass(FULL_DAY_ABSENCE, absence_days=ONE)
    if record.clock_in is None or record.clock_out is None:
        # Half a day missing: there is no way to tell how late or early the missing end was.
        return DayClass(HALF_DAY_ABSENCE, absence_days=HALF)
    late = _minutes_between(work_starts_at, record.clock_in)
    early = _minutes_between(record.clock_out, work_ends_at)
    absence, minor = ZERO, 0
    for minutes in (late, early):
        if minutes > tolerance_minutes:
            absence += HALF
        elif minutes > 0:
            minor += 1
    if absence >= ONE:
        classification = FULL_DAY_ABSENCE
    elif absence > ZERO:
        classification = HALF_DAY_ABSENCE
    elif minor:
        classification = MINOR_LATENESS
    else:
        classification = ON_TIME
    return DayClass(classification, absence_days=absence, minor_latenesses=minor, late_minutes=late,
                    early_minutes=early)


# --- dismissal cases (O6) --------------------------------------------------------------------------


@dataclass(frozen=True)
class DismissalFinding:
    rule: str  # consecutive or cumulative
    # What makes it one case: the first date of the streak, or the calendar year.
    key: str
    absence_dates: tuple[date, ...]


def dismissal_findings(days: Iterable[tuple[date, Decimal]], *, consecutive_days: int, cumulative_days: Decimal,
                       next_working_day: Callable[[date], date]) -> list[DismissalFinding]:
    """Thresholds reached by confirmed working days ``(date, absence_days)`` of one employee, in any
    order, void days left out. Consecutive: that many working days in a row each with some absence
    (a half day counts as a day of the streak). Cumulative: the absence days of a calendar year add
    up to the threshold (a half day counts 0.5). ``next_working_day`` keeps a gap of unconfirmed
    days (a month not submitted) from joining two streaks."""
    ordered = sorted(days)
    findings: list[DismissalFinding] = []
    streak: list[date] = []

    def close_streak() -> None:
        if consecutive_days > 0 and len(streak) >= consecutive_days:
            findings.append(DismissalFinding(CONSECUTIVE, streak[0].isoformat(), tuple(streak)))
        streak.clear()

    for day, absence in ordered:
        if streak and next_working_day(streak[-1]) != day:
            close_streak()
        if absence > 0:
            streak.append(day)
        else:
            close_streak()
    close_streak()

    by_year: dict[int, list[tuple[date, Decimal]]] = {}
    for day, absence in ordered:
        if absence > 0:
            by_year.setdefault(day.year, []).append((day, absence))
    for year, absences in sorted(by_year.items()):
        total = ZERO
        for index, (_, absence) in enumerate(absences):
            total += absence
            if cumulative_days > 0 and total >= cumulative_days:
                findings.append(DismissalFinding(CUMULATIVE, str(year),
                                                 tuple(day for day, _ in absences[: index + 1])))
                break
    return findings
