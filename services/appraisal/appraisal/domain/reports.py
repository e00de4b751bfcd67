"""Daily work logs, monthly reports and spot checks (A8, seed 004; issue 10 item 8, the rest).

Seed 004: every day the rep writes a work log (what was done, progress, the problems met and how
they were solved) for their direct superior. One log per person per day, for today or a day past,
editable until a configurable cut-off (the next morning by default); a log first written after the
cut-off is accepted as late and is final. A log is owed on each working day of the company's
calendar (org's: weekend, public holidays, make-up working days 调休); one without a log is missing
once its cut-off has passed.

The monthly report carries A8's weekly fields for the month plus A4's summary, plan and local
sales proposal, the system's own figures pre-filled; it is due on a configurable day of the month
(A4: in by the 30th), submitted to the manager, approved or returned like the weekly plan.

A spot check (A8: managers may check reported visits by phone) records whether an item of a daily
log or a weekly report was verified. It counts in the month of what it checked."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from appraisal.domain.plans import REPORT_FIELDS, PlanStatus
from shared.errors import Conflict, InvalidInput

# A8's weekly fields for the month, and A4's regional report items (summary, plan, local proposal).
MONTHLY_REPORT_FIELDS = (*REPORT_FIELDS, "summary", "next_month_plan", "local_sales_proposal")


class SubmissionKind:
    DAILY_LOG = "daily_log"
    WEEKLY_PLAN = "weekly_plan"
    WEEKLY_REPORT = "weekly_report"
    MONTHLY_REPORT = "monthly_report"

    ALL = (DAILY_LOG, WEEKLY_PLAN, WEEKLY_REPORT, MONTHLY_REPORT)


class SpotCheckSubject:
    DAILY_LOG = "daily_log"  # a visit or contact reported in a day's log; ref: the day
    WEEKLY_REPORT = "weekly_report"  # one field of a weekly report; ref: the week

    ALL = (DAILY_LOG, WEEKLY_REPORT)


class SpotCheckResult:
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"

    ALL = (VERIFIED, NOT_VERIFIED)


@dataclass(frozen=True)
class ReportPolicy:
    """A8's numbers, from settings (APPRAISAL_DAILY_LOG_*, APPRAISAL_MONTHLY_REPORT_*, …)."""

    # A day's log is editable, and on time, until this many days later at this company time.
    daily_log_cutoff_days: int = 1
    daily_log_cutoff_time: time = time(10, 0)
    # The roles that owe a daily log (seed 004: the field staff).
    daily_log_roles: frozenset[str] = frozenset({"sales_rep", "telesales_agent", "group_leader"})
    # The day of the month the month's report is due by (A4: by the 30th; the last day if shorter).
    monthly_report_due_day: int = 30


@dataclass(frozen=True)
class DailyLog:
    employee_id: uuid.UUID
    day: date
    work_done: str
    customers_contacted: tuple[str, ...]
    visits: int
    problems: str
    submitted_at: datetime  # first written
    updated_at: datetime
    late: bool  # first written after the cut-off


@dataclass(frozen=True)
class MonthlyReport:
    employee_id: uuid.UUID
    period: str
    fields: Mapping[str, str]
    prefilled: Mapping[str, Decimal]
    status: str  # PlanStatus: submitted, approved, returned
    first_submitted_at: datetime | None  # lateness is the first submission's; None: a draft
    submitted_at: datetime | None
    late: bool
    decided_by: uuid.UUID | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None


@dataclass(frozen=True)
class Decision:
    """One approve or return of a weekly plan or a monthly report, kept for the approval outcomes
    (a returned plan is submitted again over itself, so its row alone would forget the return)."""

    kind: str  # SubmissionKind.WEEKLY_PLAN or MONTHLY_REPORT
    employee_id: uuid.UUID
    ref: str  # the week or the month
    decision: str  # plans.Decision
    decided_by: uuid.UUID
    decided_at: datetime


@dataclass(frozen=True)
class SpotCheck:
    id: uuid.UUID
    employee_id: uuid.UUID
    period: str
    subject: str
    ref: str  # the day (YYYY-MM-DD) or the week (YYYY-Www)
    item: str
    result: str
    note: str | None
    checked_by: uuid.UUID
    checked_at: datetime

    @property
    def verified(self) -> bool:
        return self.result == SpotCheckResult.VERIFIED


def daily_log_cutoff(day: date, policy: ReportPolicy) -> tuple[date, time]:
    """The company-calendar day and time until which the day's log is on time and editable."""
    return day + timedelta(days=policy.daily_log_cutoff_days), policy.daily_log_cutoff_time


def past_cutoff(day: date, local_now: datetime, policy: ReportPolicy) -> bool:
    cutoff_day, cutoff_time = daily_log_cutoff(day, policy)
    return (local_now.date(), local_now.time()) > (cutoff_day, cutoff_time)


def ensure_log_day(day: date, today: date) -> None:
    if day > today:
        raise InvalidInput("day", f"{day.isoformat()} has not come yet; a log is written on the day or after it")


def ensure_log_may_be_written(current: DailyLog | None, day: date, is_past_cutoff: bool) -> None:
    if current is not None and is_past_cutoff:
        raise Conflict(f"the log of {day.isoformat()} is past its cut-off; it is final", day=day.isoformat())


def ensure_report_may_be_submitted(current: MonthlyReport | None) -> None:
    if current is not None and current.status == PlanStatus.APPROVED:
        raise Conflict(f"the monthly report of {current.period} is approved; it is final", period=current.period,
                       report_status=current.status)


def ensure_report_may_be_decided(current: MonthlyReport | None, period: str) -> MonthlyReport:
    if current is None or current.submitted_at is None:
        raise Conflict(f"no monthly report was submitted for {period}", period=period)
    if current.status != PlanStatus.SUBMITTED:
        raise Conflict(f"the monthly report of {period} is {current.status}; only a submitted one is decided",
                       period=period, report_status=current.status)
    return current


def check_report_fields(fields: Mapping[str, str], allowed: Sequence[str], kind: str) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise InvalidInput(f"fields.{unknown[0]}", f"is not a {kind} field; expected {', '.join(allowed)}")


def monthly_report_due_on(last: date, policy: ReportPolicy) -> date:
    """The due day of the month ending on ``last``; a month shorter than it is due on its last day."""
    return last.replace(day=min(policy.monthly_report_due_day, last.day))


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


# --- what was owed in a month, and how it was delivered ------------------------------------------


class Delivery:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


@dataclass(frozen=True)
class Submission:
    """One thing owed: a day's log, a week's plan or report, the month's report."""

    kind: str  # SubmissionKind
    ref: str  # the day, the week or the month
    due_on: date
    delivery: str  # Delivery


@dataclass(frozen=True)
class Owed:
    """Everything the month's owed items are read from, for one employee."""

    period: str
    first: date
    last: date
    hired_on: date | None
    left_on: date | None
    owes_daily_logs: bool
    # The company's working days of the month (shared.calendar on org's calendar): a daily log is
    # owed on each, so a public holiday owes none and a make-up working Saturday (调休) owes one.
    working_days: Collection[date]
    logs: Mapping[date, DailyLog]
    plans: Mapping[str, bool]  # week → submitted late
    reports: Mapping[str, bool]  # week → submitted late
    monthly: MonthlyReport | None


def weeks_due_in(first: date, last: date, offset_days: int) -> list[tuple[str, date]]:
    """The weeks whose item (due ``offset_days`` after the Monday) falls due in the month, with that day."""
    monday = first - timedelta(days=first.weekday() + 21)
    found = []
    while monday <= last:
        due = monday + timedelta(days=offset_days)
        if first <= due <= last:
            year, week, _ = monday.isocalendar()
            found.append((f"{year}-W{week:02d}", due))
        monday += timedelta(days=7)
    return found


def submissions_of(owed: Owed, *, today: date, local_now: datetime, policy: ReportPolicy, plan_offset_days: int,
                   report_offset_days: int) -> list[Submission]:
    """What the employee owed in the month and how it came: submitted items count on time or late
    whenever they came; one never submitted is missing once its day (a log: its cut-off) has passed,
    and not counted before. Nothing is owed for a day outside the employment."""

    def employed(day: date) -> bool:
        return (owed.hired_on is None or owed.hired_on <= day) and (owed.left_on is None or day <= owed.left_on)

    def delivery(late: bool | None, overdue: bool) -> str | None:
        if late is not None:
            return Delivery.LATE if late else Delivery.ON_TIME
        return Delivery.MISSING if overdue else None

    items: list[Submission] = []

    def add(kind: str, ref: str, due: date, late: bool | None, overdue: bool) -> None:
        outcome = delivery(late, overdue)
        if outcome is not None:
            items.append(Submission(kind, ref, due, outcome))

    if owed.owes_daily_logs:
        for day in sorted(owed.working_days):
            if owed.first <= day <= owed.last and employed(day):
                log = owed.logs.get(day)
                add(SubmissionKind.DAILY_LOG, day.isoformat(), day, log.late if log is not None else None,
                    past_cutoff(day, local_now, policy))
    def in_week(due: date, offset_days: int) -> bool:
        # Employed on the due day, and for some of the week: a report of the week before the hire is not owed.
        sunday = due - timedelta(days=offset_days) + timedelta(days=6)
        return employed(due) and (owed.hired_on is None or owed.hired_on <= sunday)

    for week, due in weeks_due_in(owed.first, owed.last, plan_offset_days):
        if in_week(due, plan_offset_days):
            add(SubmissionKind.WEEKLY_PLAN, week, due, owed.plans.get(week), due < today)
    for week, due in weeks_due_in(owed.first, owed.last, report_offset_days):
        if in_week(due, report_offset_days):
            add(SubmissionKind.WEEKLY_REPORT, week, due, owed.reports.get(week), due < today)
    due = monthly_report_due_on(owed.last, policy)
    if employed(due):
        submitted = owed.monthly is not None and owed.monthly.first_submitted_at is not None
        add(SubmissionKind.MONTHLY_REPORT, owed.period, due, owed.monthly.late if submitted and owed.monthly else None,
            due < today)
    return items
