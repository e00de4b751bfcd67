"""The working calendar as HR edits it (O6): one year's weekend days, public holidays, make-up
working days and working hours, with a revision that grows at each save. Which date is a working
day is :mod:`shared.calendar`'s one rule; this module checks what HR may save."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from shared.calendar import WorkingCalendar
from shared.errors import InvalidInput


@dataclass(frozen=True)
class CalendarYear:
    year: int
    weekend: frozenset[int]
    holidays: frozenset[date]
    makeup_working_days: frozenset[date]
    work_starts_at: time
    work_ends_at: time
    # 0 for a year nobody has set: the default, never announced.
    revision: int = 0

    @property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(year=self.year, weekend=self.weekend, holidays=self.holidays,
                               makeup_working_days=self.makeup_working_days)


def default_year(year: int, work_starts_at: time, work_ends_at: time) -> CalendarYear:
    default = WorkingCalendar(year=year)
    return CalendarYear(year=year, weekend=default.weekend, holidays=default.holidays,
                        makeup_working_days=default.makeup_working_days, work_starts_at=work_starts_at,
                        work_ends_at=work_ends_at)


def checked_year(year: int, weekend: list[int], holidays: list[date], makeup_working_days: list[date],
                 work_starts_at: time, work_ends_at: time) -> CalendarYear:
    """The year as HR asked for it, or InvalidInput naming the first field that makes no sense."""
    for day in weekend:
        if not 1 <= day <= 7:
            raise InvalidInput("weekend", f"{day} is not an ISO weekday (Monday 1 … Sunday 7)")
    for name, days in (("holidays", holidays), ("makeup_working_days", makeup_working_days)):
        for day in days:
            if day.year != year:
                raise InvalidInput(name, f"{day.isoformat()} is not in {year}")
    both = sorted(set(holidays) & set(makeup_working_days))
    if both:
        raise InvalidInput("makeup_working_days", f"{both[0].isoformat()} is also a holiday; a date is one or "
                                                  "the other")
    if work_starts_at >= work_ends_at:
        raise InvalidInput("work_ends_at", "must be later than work_starts_at (night shifts are not supported)")
    return CalendarYear(year=year, weekend=frozenset(weekend), holidays=frozenset(holidays),
                        makeup_working_days=frozenset(makeup_working_days), work_starts_at=work_starts_at,
                        work_ends_at=work_ends_at)
