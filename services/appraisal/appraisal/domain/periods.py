"""Monthly appraisal periods ("YYYY-MM", A1): which period an input belongs to, and its neighbours.

Which month an instant falls in, and whether a month has ended, is the company clock's to say
(:class:`shared.clock.Clock`), on the company's calendar, never UTC's."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from shared.clock import MONTH_PATTERN
from shared.errors import InvalidInput

PERIOD_PATTERN = MONTH_PATTERN
_PERIOD = re.compile(PERIOD_PATTERN)


class PeriodStatus:
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str, *, field: str = "period") -> Period:
        if not _PERIOD.match(text):
            raise InvalidInput(field, "must be a month written YYYY-MM, from 1900-01 to 2999-12")
        return cls(int(text[:4]), int(text[5:]))

    @classmethod
    def of_day(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.next().first_day.toordinal() - 1)

    def next(self) -> Period:
        return Period(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Period:
        return Period(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class PeriodRecord:
    period: str
    status: str
    closed_at: datetime | None = None
    closed_by: uuid.UUID | None = None
    employee_count: int | None = None
    # How many times the period has been closed: 0 while never closed, then 1, 2… after each
    # close that follows a reopen. The results of a close carry its revision.
    revision: int = 0
    reopened_at: datetime | None = None
    reopened_by: uuid.UUID | None = None
    reopen_reason: str | None = None

    @property
    def is_closed(self) -> bool:
        return self.status == PeriodStatus.CLOSED

    @property
    def is_reopened(self) -> bool:
        """Open again after a close: every change is audited until it closes again."""
        return self.status == PeriodStatus.OPEN and self.revision > 0


class AuditAction:
    REOPENED = "reopened"
    LATE_INPUTS_COUNTED = "late_inputs_counted"
    REVIEW_SUBMITTED = "review_submitted"
    RESULT_REVISED = "result_revised"
    CLOSED_AGAIN = "closed_again"


@dataclass(frozen=True)
class AuditEntry:
    """One change to a period after it was first closed (issue 10 item 4)."""

    period: str
    action: str
    at: datetime
    by: uuid.UUID | None
    employee_id: uuid.UUID | None
    details: dict
