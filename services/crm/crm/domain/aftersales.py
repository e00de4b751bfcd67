"""After-sales follow-ups (售后回访, C7): the first 3–7 days after the sale, the second within 7 days
after the first. Both are planned when the deal is signed, as ordinary follow-up plans (C6), so that
they land in the rep's and the leader's overdue lists; each is due at the end of its window's last
company day, and the second is re-timed when the first is done: within N days of *it*, early or late.
Neither is done before the first window opens (day 3 by default): the rule fixes the first visit there, and
a second cannot come before the first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.errors import InvalidInput, RuleViolation


@dataclass(frozen=True)
class AfterSalesPolicy:
    first_from_days: int = 3
    first_within_days: int = 7
    second_within_days: int = 7
    method: str = "visit"

    def __post_init__(self) -> None:
        if not 0 <= self.first_from_days <= self.first_within_days:
            raise InvalidInput("after_sales_first_from_days", "between 0 and after_sales_first_within_days")
        if self.second_within_days < 1:
            raise InvalidInput("after_sales_second_within_days", "at least 1")


def end_of_day(day: date, timezone: ZoneInfo) -> datetime:
    """The last second of the company day: a plan due then is on time all that day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=timezone)


@dataclass(frozen=True)
class AfterSalesPlan:
    first_from: date
    first_due: datetime
    second_due: datetime


def after_sales_plan(signed_on: date, policy: AfterSalesPolicy, timezone: ZoneInfo) -> AfterSalesPlan:
    first_by = signed_on + timedelta(days=policy.first_within_days)
    return AfterSalesPlan(first_from=signed_on + timedelta(days=policy.first_from_days),
                          first_due=end_of_day(first_by, timezone),
                          second_due=end_of_day(first_by + timedelta(days=policy.second_within_days), timezone))


def second_due_after_first(first_done_on: date, policy: AfterSalesPolicy, timezone: ZoneInfo) -> datetime:
    """Within N days after the first was actually done, early or late."""
    return end_of_day(first_done_on + timedelta(days=policy.second_within_days), timezone)


def require_window_open(done_on: date, signed_on: date, policy: AfterSalesPolicy) -> None:
    """An after-sales follow-up done before the first window opens would be a first visit too early (C7):
    refused, naming the earliest company day it may be done on."""
    earliest = signed_on + timedelta(days=policy.first_from_days)
    if done_on < earliest:
        raise RuleViolation(
            f"after-sales follow-ups of a deal are done from day {policy.first_from_days} after the sale: "
            f"not before {earliest.isoformat()}", field="done_on", done_on=done_on.isoformat(),
            signed_on=signed_on.isoformat(), earliest_on=earliest.isoformat())
