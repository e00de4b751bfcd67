"""The company's working calendar (O6, P6): which dates are working days.

HR keeps it per year in org (weekend days, public holidays, make-up working days 调休上班) and
org publishes each year's calendar as ``org.calendar.year_set.v1``. Every service that counts
working days (org to classify attendance, payroll to prorate base pay) reads the same rule from
here, so that "a working day" means one thing everywhere. A year nobody has set is the default:
Monday to Friday, no holidays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from shared.clock import first_day, last_day

# ISO weekdays: Monday 1 … Sunday 7.
DEFAULT_WEEKEND: frozenset[int] = frozenset({6, 7})


@dataclass(frozen=True)
class WorkingCalendar:
    """One year's calendar. A holiday wins over the weekday rule; a make-up working day is worked
    although it falls on a weekend day. A date may not be both (org refuses it)."""

    year: int
    weekend: frozenset[int] = DEFAULT_WEEKEND
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_working_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day.year != self.year:
            raise ValueError(f"{day} is not in the calendar of {self.year}")
        if day in self.holidays:
            return False
        if day in self.makeup_working_days:
            return True
        return day.isoweekday() not in self.weekend


class Calendars:
    """Calendars of several years, the default for any year not given."""

    def __init__(self, calendars: dict[int, WorkingCalendar] | None = None) -> None:
        self._calendars = dict(calendars or {})

    def of(self, year: int) -> WorkingCalendar:
        return self._calendars.get(year) or WorkingCalendar(year=year)

    def is_working_day(self, day: date) -> bool:
        return self.of(day.year).is_working_day(day)

    def working_days(self, start: date, end: date) -> list[date]:
        """Working days from ``start`` to ``end``, both included."""
        return [day for day in _days(start, end) if self.is_working_day(day)]

    def working_days_of_month(self, month: str) -> list[date]:
        return self.working_days(first_day(month), last_day(month))


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
