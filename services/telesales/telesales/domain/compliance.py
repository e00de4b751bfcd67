"""Compliance of a call (T6): the do-not-call list, the permitted calling hours per day of week in
the company's time zone, and a cap of calls to one number per day and per week. A call that breaks
any of them still happened: it is stored and counted, and flagged with what it broke."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A cap beyond this is no cap at all; bounded so that it stays an ordinary number in every query.
MAX_CAP = 10_000


class Violation(StrEnum):
    DO_NOT_CALL = "do_not_call"
    OUTSIDE_HOURS = "outside_hours"
    DAILY_CAP = "daily_cap"
    WEEKLY_CAP = "weekly_cap"


class DncSource(StrEnum):
    """How a number came onto the do-not-call list."""

    OUTCOME = "outcome"  # a call ended with the do_not_call disposition
    CUSTOMER_REQUEST = "customer_request"  # the customer asked, recorded by a rep (crm)
    IMPORT = "import"
    MANUAL = "manual"


@dataclass(frozen=True)
class Window:
    """A permitted stretch of a day, start included, end excluded."""

    start: time
    end: time

    def holds(self, moment: time) -> bool:
        return self.start <= moment < self.end


class RulesError(ValueError):
    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class CallingRules:
    """``hours`` by weekday (0 = Monday); a day without windows permits no calls. A cap of None
    means no cap. A call is over a cap when that many calls to the number of the same company day
    (week, from Monday) were stored before it."""

    hours: Mapping[int, tuple[Window, ...]] = field(default_factory=dict)
    daily_cap: int | None = None
    weekly_cap: int | None = None

    def permits(self, local: datetime) -> bool:
        moment = local.time()
        return any(window.holds(moment) for window in self.hours.get(local.weekday(), ()))

    def as_config(self) -> dict:
        return {"hours": {WEEKDAYS[day]: [[_written(w.start), _written(w.end)] for w in self.hours.get(day, ())]
                          for day in range(7)},
                "daily_cap": self.daily_cap, "weekly_cap": self.weekly_cap}

    @classmethod
    def parse(cls, hours: Mapping[str, Iterable[Iterable[str]]], daily_cap: int | None,
              weekly_cap: int | None) -> CallingRules:
        """From ``{"mon": [["09:00", "12:00"], ["13:30", "20:00"]], ...}``; RulesError naming the
        field when a window is malformed, ends before it starts, or overlaps another of its day."""
        parsed: dict[int, tuple[Window, ...]] = {}
        for name, windows in hours.items():
            if name not in WEEKDAYS:
                raise RulesError(f"hours.{name}", f"not a day of the week; use one of {', '.join(WEEKDAYS)}")
            day: list[Window] = []
            for index, pair in enumerate(windows):
                where = f"hours.{name}[{index}]"
                pair = list(pair)
                if len(pair) != 2:
                    raise RulesError(where, "a window is [start, end], e.g. [\"09:00\", \"20:00\"]")
                start, end = (_clock_time(value, where) for value in pair)
                if end <= start:
                    raise RulesError(where, f"ends at {pair[1]}, not after it starts at {pair[0]}")
                day.append(Window(start, end))
            day.sort(key=lambda window: window.start)
            for earlier, later in pairwise(day):
                if later.start < earlier.end:
                    raise RulesError(f"hours.{name}", f"windows overlap: {later.start:%H:%M} starts before "
                                                      f"{earlier.end:%H:%M}, the end of the one before")
            parsed[WEEKDAYS.index(name)] = tuple(day)
        for cap_name, cap in (("daily_cap", daily_cap), ("weekly_cap", weekly_cap)):
            if cap is not None and not 1 <= cap <= MAX_CAP:
                raise RulesError(cap_name, f"a cap is 1 to {MAX_CAP} calls, or null for none")
        if daily_cap is not None and weekly_cap is not None and weekly_cap < daily_cap:
            raise RulesError("weekly_cap", "is below the daily cap")
        return cls(hours=parsed, daily_cap=daily_cap, weekly_cap=weekly_cap)


def _written(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def _clock_time(value: object, where: str) -> time:
    if not isinstance(value, str):
        raise RulesError(where, "times are written HH:MM")
    if value == "24:00":  # the end of the day, so that a window may run to midnight
        return time.max
    try:
        return time.fromisoformat(value)
    except ValueError as error:
        raise RulesError(where, f"'{value}' is not a time of day HH:MM") from error


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class NumberHistory:
    """What the store knows of a number when a call to it is judged."""

    listed: bool
    earlier_today: int
    earlier_this_week: int


def violations(rules: CallingRules, local_start: datetime, history: NumberHistory) -> tuple[Violation, ...]:
    found = []
    if history.listed:
        found.append(Violation.DO_NOT_CALL)
    if not rules.permits(local_start):
        found.append(Violation.OUTSIDE_HOURS)
    if rules.daily_cap is not None and history.earlier_today >= rules.daily_cap:
        found.append(Violation.DAILY_CAP)
    if rules.weekly_cap is not None and history.earlier_this_week >= rules.weekly_cap:
        found.append(Violation.WEEKLY_CAP)
    return tuple(found)
