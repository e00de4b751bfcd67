"""Weekly plans and reports (A8, seed 004; issue 10 item 8, in part).

A weekly plan is submitted by the employee to their manager, who approves or returns it; a
returned plan is submitted again, an approved one is final. The weekly report carries A8's
fields, the system's own figures pre-filled (sales volume and collections of the week, from the
stored facts). Each is due on a configurable day counted from the week's Monday (plan: that
Monday; report: the Monday after); one submitted later is marked late, which HR sees."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from appraisal.domain.prefill import PREFILLED_SOURCES
from shared.errors import Conflict, InvalidInput

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


class PlanStatus:
    SUBMITTED = "submitted"
    APPROVED = "approved"
    RETURNED = "returned"


class Decision:
    APPROVE = "approve"
    RETURN = "return"

    ALL = (APPROVE, RETURN)


# A8's weekly report fields; those in PREFILLED the system pre-fills from its own facts (domain.prefill).
REPORT_FIELDS = ("sales_volume", "collections", "customer_visits", "expenses", "promotion_results",
                 "key_customers", "new_customers", "bad_credit_customers", "prospects", "competitor_moves",
                 "local_policy_changes")
PREFILLED = tuple(PREFILLED_SOURCES)


def parse_week(text: str, *, field: str = "week") -> date:
    """The Monday of an ISO week written YYYY-Www."""
    match = _WEEK.match(text)
    if not match:
        raise InvalidInput(field, "must be an ISO week written YYYY-Www, e.g. 2026-W42")
    try:
        return date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError as error:
        raise InvalidInput(field, f"{text} is not a week of that year") from error


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def due_on(monday: date, offset_days: int) -> date:
    return monday + timedelta(days=offset_days)


@dataclass(frozen=True)
class WeeklyPlan:
    employee_id: uuid.UUID
    week: str
    content: Mapping[str, str]
    status: str
    submitted_at: datetime
    late: bool
    decided_by: uuid.UUID | None = None
    decided_at: datetime | None = None
    decision_note: str | None = None


@dataclass(frozen=True)
class WeeklyReport:
    employee_id: uuid.UUID
    week: str
    fields: Mapping[str, str]
    prefilled: Mapping[str, Decimal]
    submitted_at: datetime | None
    late: bool


def ensure_plan_may_be_submitted(current: WeeklyPlan | None) -> None:
    if current is not None and current.status == PlanStatus.APPROVED:
        raise Conflict(f"the plan for {current.week} is approved; it is final", week=current.week,
                       plan_status=current.status)


def ensure_plan_may_be_decided(current: WeeklyPlan | None, week: str) -> WeeklyPlan:
    if current is None:
        raise Conflict(f"no plan was submitted for {week}", week=week)
    if current.status != PlanStatus.SUBMITTED:
        raise Conflict(f"the plan for {week} is {current.status}; only a submitted plan is decided", week=week,
                       plan_status=current.status)
    return current
