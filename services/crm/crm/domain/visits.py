"""Field visits (拜访, C12): a rep logs each visit to a customer — when, where, with what result —
and is measured weekly against a target (default 20 visits a week). A visit is logged once it
happened: never in the future, and not longer ago than the company allows (a week's figures are
read by the leader and appraisal, so they must not keep changing long after)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.errors import InvalidInput

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Visit:
    id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    project_id: uuid.UUID | None
    visited_at: datetime
    visited_on: date  # the company's date of ``visited_at``: weeks are counted on it
    place: str
    result: str
    logged_at: datetime


def visit_time(visited_at: datetime, *, now: datetime, max_age_days: int) -> datetime:
    if visited_at.tzinfo is None:
        raise InvalidInput("visited_at", "give a time with its offset, e.g. 2026-12-05T10:00:00+08:00")
    if visited_at > now:
        raise InvalidInput("visited_at", "a visit is logged once it happened, not before")
    if visited_at < now - timedelta(days=max_age_days):
        raise InvalidInput("visited_at", f"at most {max_age_days} days ago")
    return visited_at


def required_text(value: str | None, *, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, what)
    return text


@dataclass(frozen=True)
class Week:
    """An ISO week (Monday to Sunday) on the company's calendar."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str, *, field: str = "week") -> Week:
        match = _ISO_WEEK.match(text.strip())
        if match is None:
            raise InvalidInput(field, "an ISO week, e.g. 2026-W49")
        year, number = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, number, 1)
        except ValueError:
            raise InvalidInput(field, f"{year} has no week {number}") from None
        return cls(year, number)

    @classmethod
    def of(cls, day: date) -> Week:
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @property
    def first_day(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def last_day(self) -> date:
        return self.first_day + timedelta(days=6)

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"


@dataclass(frozen=True)
class WeeklyVisits:
    rep_id: uuid.UUID
    name: str | None
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    visits: int
    target: int

    @property
    def met(self) -> bool:
        return self.visits >= self.target

    @property
    def short_by(self) -> int:
        return max(self.target - self.visits, 0)
