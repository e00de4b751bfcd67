"""The one clock every service reads: the instant (UTC) and the company's business date and month.

Business dates are the company's, in its configured time zone (default Asia/Shanghai), never the
server's: a call at 00:30 Beijing time on the 1st belongs to the new month although UTC still
says the day before. Each service builds one clock in its bootstrap and hands it to handlers,
consumers and routes; nothing else reads the wall clock for a business decision (an architecture
test keeps it so).

- :class:`SystemClock` is production's.
- :class:`ShiftedClock` runs at the wall clock's pace from another instant: the dev stack's test
  clock (``DEV_CLOCK_AT``), refused by the settings in production.
- :class:`FixedClock` stands still until a test sets or advances it.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_COMPANY_TIMEZONE = "Asia/Shanghai"

# A month the company can have business in: 1900-01 to 2999-12. Wider years are not business
# months, and the calendar arithmetic around them (year 0, the month after 9999-12) fails.
MONTH_PATTERN = r"^(19\d{2}|2\d{3})-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)


def company_timezone(name: str) -> ZoneInfo:
    """The zone named ``name``; ValueError naming it when it is not a known zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {name!r}") from error


def month_of_date(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def shift_month(month: str, months: int) -> str:
    """``shift_month("2027-01", -1) == "2026-12"``."""
    match = _MONTH.match(month)
    if match is None:
        raise ValueError(f"{month!r} is not a month (YYYY-MM, 1900-01 to 2999-12)")
    index = int(match.group(1)) * 12 + int(match.group(2)) - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def first_day(month: str) -> date:
    shift_month(month, 0)  # validates
    return date(int(month[:4]), int(month[5:7]), 1)


def last_day(month: str) -> date:
    return first_day(shift_month(month, 1)) - timedelta(days=1)


def as_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("an instant must carry its time zone")
    return instant.astimezone(UTC)


class Clock(ABC):
    """The instant, and the company's calendar seen from it."""

    def __init__(self, timezone: ZoneInfo | str = DEFAULT_COMPANY_TIMEZONE) -> None:
        self.timezone = timezone if isinstance(timezone, ZoneInfo) else company_timezone(timezone)

    @abstractmethod
    def now(self) -> datetime:
        """The current instant, in UTC."""

    def local_now(self) -> datetime:
        """The current instant on the company's wall clock."""
        return self.now().astimezone(self.timezone)

    def today(self) -> date:
        """The company's business date."""
        return self.local_now().date()

    def month(self) -> str:
        """The company's current month, ``YYYY-MM``."""
        return month_of_date(self.today())

    def date_of(self, instant: datetime) -> date:
        """The company's business date of ``instant``."""
        return as_utc(instant).astimezone(self.timezone).date()

    def month_of(self, instant: datetime) -> str:
        return month_of_date(self.date_of(instant))

    def has_ended(self, month: str) -> bool:
        """Whether the whole of ``month`` lies before the company's today."""
        return last_day(month) < self.today()


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class ShiftedClock(Clock):
    """The wall clock moved by a fixed offset: time passes, from another starting instant."""

    def __init__(self, offset: timedelta, timezone: ZoneInfo | str = DEFAULT_COMPANY_TIMEZONE) -> None:
        super().__init__(timezone)
        self.offset = offset

    @classmethod
    def starting_at(cls, instant: datetime, timezone: ZoneInfo | str = DEFAULT_COMPANY_TIMEZONE) -> ShiftedClock:
        return cls(as_utc(instant) - datetime.now(UTC), timezone)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class FixedClock(Clock):
    """Stands at one instant until told otherwise: for tests."""

    def __init__(self, instant: datetime, timezone: ZoneInfo | str = DEFAULT_COMPANY_TIMEZONE) -> None:
        super().__init__(timezone)
        self._instant = as_utc(instant)

    @classmethod
    def at_local(cls, text: str, timezone: ZoneInfo | str = DEFAULT_COMPANY_TIMEZONE) -> FixedClock:
        """``FixedClock.at_local("2027-01-31 23:50")``: that moment on the company's wall clock."""
        zone = timezone if isinstance(timezone, ZoneInfo) else company_timezone(timezone)
        return cls(datetime.fromisoformat(text).replace(tzinfo=zone), zone)

    def now(self) -> datetime:
        return self._instant

    def set(self, instant: datetime) -> None:
        self._instant = as_utc(instant)

    def advance(self, delta: timedelta = timedelta(seconds=1)) -> datetime:
        self._instant += delta
        return self._instant


# The wall clock itself, for what is not a business decision and must agree with other systems'
# clocks: token lifetimes (PyJWT checks them against the wall clock) and transport timestamps.
WALL_CLOCK: Clock = SystemClock()
