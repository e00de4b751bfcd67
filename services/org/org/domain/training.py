"""Training (O7, O5, A6): sessions with their attendance sheet and assessments, a new hire's
first-week onboarding, the regional managers' monthly minimum, and retraining assignments.

A session may be planned ahead; its sheet takes attendance and assessments only from its date
on. It counts as *held* once it has taken place and every attendee is marked present or absent.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from shared.errors import Conflict, InvalidInput

# Assessments are scored out of 100.
MAX_SCORE = Decimal(100)
# appraisal's A6 flags that ask for retraining all start so (AppraisalResultFinalized.flags).
RETRAINING_FLAG_PREFIX = "retraining:"


class SessionKind(StrEnum):
    ONBOARDING = "onboarding"  # a new hire's first-week training (O5)
    REGULAR = "regular"
    RETRAINING = "retraining"  # 转岗再培训 (A6)


class SessionStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"


class Attendance(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"


class Assessment(StrEnum):
    PASS = "pass"
    FAIL = "fail"


class OnboardingStatus(StrEnum):
    ATTENDED = "attended"
    PENDING = "pending"  # the first week is not over yet
    MISSING = "missing"


class AssignmentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class TrainingPolicy:
    """The settings' training rules (``ORG_TRAINING_…``)."""

    # O7: a regional manager holds at least this many sessions a month.
    minimum_sessions_per_month: int = 1
    # O5: a new hire's onboarding falls within this many days from the hire date (7: hire date .. +6).
    onboarding_window_days: int = 7


@dataclass(frozen=True)
class AttendeeRecord:
    """One line of a session's sheet. Attendance is None while the session is only planned."""

    employee_id: uuid.UUID
    attendance: Attendance | None = None
    result: Assessment | None = None
    score: Decimal | None = None


@dataclass
class TrainingSession:
    id: uuid.UUID
    topic: str
    kind: SessionKind
    trainer_id: uuid.UUID
    held_on: date
    duration_minutes: int
    recorded_by: uuid.UUID
    department_id: uuid.UUID | None = None
    attendees: list[AttendeeRecord] = field(default_factory=list)
    status: SessionStatus = SessionStatus.PLANNED

    @property
    def present_ids(self) -> list[uuid.UUID]:
        return [line.employee_id for line in self.attendees if line.attendance == Attendance.PRESENT]

    def line_of(self, employee_id: uuid.UUID) -> AttendeeRecord | None:
        return next((line for line in self.attendees if line.employee_id == employee_id), None)

    def take_sheet(self, attendees: Sequence[AttendeeRecord], today: date) -> bool:
        """Replace the sheet after checking it; True when the change is news for subscribers: the
        session has just become held, or the people present at a held session changed."""
        check_sheet(attendees, trainer_id=self.trainer_id, held_on=self.held_on, today=today)
        before_status, before_present = self.status, set(self.present_ids)
        self.attendees = list(attendees)
        self.status = status_of(self.held_on, today, self.attendees)
        if self.status != SessionStatus.HELD:
            return False
        return before_status != SessionStatus.HELD or before_present != set(self.present_ids)


def check_duration(minutes: int) -> None:
    if minutes <= 0:
        raise InvalidInput("duration_minutes", "must be more than 0 minutes")


def check_sheet(attendees: Sequence[AttendeeRecord], *, trainer_id: uuid.UUID, held_on: date, today: date) -> None:
    """A sheet names each person once, never the trainer, and marks attendance and results only
    from the session's date on; only someone present can be assessed, and a score needs a result."""
    seen: set[uuid.UUID] = set()
    for index, line in enumerate(attendees):
        where = f"attendees[{index}]"
        if line.employee_id in seen:
            raise InvalidInput(f"{where}.employee_id", f"{line.employee_id} appears more than once")
        seen.add(line.employee_id)
        if line.employee_id == trainer_id:
            raise InvalidInput(f"{where}.employee_id", "is the trainer, who cannot attend their own session")
        if held_on > today and (line.attendance is not None or line.result is not None or line.score is not None):
            raise InvalidInput(f"{where}.attendance", f"can be recorded only once the session is held "
                                                      f"(on or after {held_on.isoformat()}, today is "
                                                      f"{today.isoformat()})")
        if line.result is not None and line.attendance != Attendance.PRESENT:
            raise InvalidInput(f"{where}.result", "only an attendee marked present can be assessed")
        if line.score is not None:
            if line.result is None:
                raise InvalidInput(f"{where}.score", "needs a result (pass or fail)")
            if not Decimal(0) <= line.score <= MAX_SCORE:
                raise InvalidInput(f"{where}.score", "must be between 0 and 100")


def status_of(held_on: date, today: date, attendees: Sequence[AttendeeRecord]) -> SessionStatus:
    if held_on <= today and attendees and all(line.attendance is not None for line in attendees):
        return SessionStatus.HELD
    return SessionStatus.PLANNED


def employed_on(hired_on: date, left_on: date | None, day: date) -> bool:
    """Employment is half-open like the assignment history: from the hire date up to, not including,
    the leaving date."""
    return hired_on <= day and (left_on is None or day < left_on)


# --- new hires (O5) -------------------------------------------------------------------------------


def onboarding_window(hired_on: date, policy: TrainingPolicy) -> tuple[date, date]:
    """The first week: the hire date and the days after it, both ends included."""
    return hired_on, hired_on + timedelta(days=policy.onboarding_window_days - 1)


def onboarding_status(hired_on: date, attended_on: Iterable[date], today: date,
                      policy: TrainingPolicy) -> OnboardingStatus:
    """Whether a hire attended an onboarding session (``attended_on``: the dates of the held
    onboarding sessions they were present at) within their first week."""
    start, end = onboarding_window(hired_on, policy)
    if any(start <= day <= end for day in attended_on):
        return OnboardingStatus.ATTENDED
    return OnboardingStatus.PENDING if today <= end else OnboardingStatus.MISSING


# --- regional managers' minimum (O7) --------------------------------------------------------------


def below_minimum(sessions_held: int, policy: TrainingPolicy) -> bool:
    return sessions_held < policy.minimum_sessions_per_month


# --- retraining assignments (A6) ------------------------------------------------------------------


def retraining_flags(flags: Iterable[str]) -> list[str]:
    return sorted({flag for flag in flags if flag.startswith(RETRAINING_FLAG_PREFIX)})


@dataclass(frozen=True)
class DismissalCase:
    """appraisal's dismissal case (A6: still failing after retraining), as retraining needs it."""

    case_id: uuid.UUID
    employee_id: uuid.UUID
    retraining_period: str
    failing_periods: tuple[str, ...]
    opened_at: datetime
    source_event_id: uuid.UUID | None = None

    def covers(self, period: str) -> bool:
        """A month up to the last failing one belongs to the case's story: its flag asks for the
        retraining that already failed. A later month's flag is a new story (as appraisal opens a
        new retraining case for it)."""
        return bool(self.failing_periods) and period <= max(self.failing_periods)


def retraining_refusal(period: str, *, open_assignment: RetrainingAssignment | None,
                       dismissal_cases: Iterable[DismissalCase]) -> str | None:
    """Why a retraining flag for ``period`` opens no assignment, or None when it opens one (A6).

    One retraining at a time: while an assignment is open (not closed by HR), a later or repeated
    flag is the same need, already being dealt with. And a month whose failing result opened a
    dismissal case gets no retraining: A6's next step after a failed retraining is HR's decision on
    the case, not another round."""
    if open_assignment is not None:
        return f"the retraining assignment opened for {open_assignment.period} is still open"
    case = next((case for case in dismissal_cases if case.covers(period)), None)
    if case is not None:
        return (f"dismissal case {case.case_id} was opened on the results of {', '.join(case.failing_periods)} "
                f"after the retraining for {case.retraining_period}")
    return None


@dataclass
class RetrainingAssignment:
    """appraisal flagged an employee for retraining for a period; HR closes it once dealt with.
    At most one open per employee (retraining_refusal), and one per employee and period, however
    often the flag arrives."""

    id: uuid.UUID
    employee_id: uuid.UUID
    period: str
    flags: list[str]
    opened_at: datetime
    source_event_id: uuid.UUID | None = None
    status: AssignmentStatus = AssignmentStatus.OPEN
    closed_at: datetime | None = None
    closed_by: uuid.UUID | None = None
    note: str | None = None
    session_id: uuid.UUID | None = None

    def close(self, *, note: str, by: uuid.UUID, at: datetime, session: TrainingSession | None) -> None:
        if self.status == AssignmentStatus.CLOSED:
            raise Conflict("this retraining assignment is already closed",
                           closed_at=self.closed_at.isoformat() if self.closed_at else None)
        if session is not None:
            line = session.line_of(self.employee_id)
            if session.status != SessionStatus.HELD or line is None or line.attendance != Attendance.PRESENT:
                raise InvalidInput("session_id", "the employee was not present at this session, or it is not held")
        self.status = AssignmentStatus.CLOSED
        self.note = note
        self.closed_by = by
        self.closed_at = at
        self.session_id = session.id if session is not None else None

    def withdraw(self, case: DismissalCase, at: datetime) -> None:
        """Closed by org itself, not by HR (``closed_by`` stays empty): a dismissal case that arrived
        after this month's flag (events of one employee may be reordered) covers the month."""
        self.status = AssignmentStatus.CLOSED
        self.closed_at = at
        self.note = (f"withdrawn: appraisal opened dismissal case {case.case_id} on the results of "
                     f"{', '.join(case.failing_periods)}; no retraining for this month")
