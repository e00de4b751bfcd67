"""Pay periods: calendar months named ``YYYY-MM``, as appraisal names its periods (A1)."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from shared.clock import MONTH_PATTERN
from shared.errors import InvalidInput

PERIOD_PATTERN = MONTH_PATTERN
_PERIOD = re.compile(PERIOD_PATTERN)


def ensure_period(value: str, *, field: str = "period") -> str:
    if not _PERIOD.match(value):
        raise InvalidInput(field, "must be a month written YYYY-MM, from 1900-01 to 2999-12")
    return value


def period_of(moment: date | datetime, company_timezone: tzinfo) -> str:
    """The period a moment falls in. An instant is read on the company's clock (a payment at
    23:30 UTC on 31 October is a November payment in Shanghai); a plain date is already a
    calendar date of the company."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise ValueError("an instant without a timezone cannot be placed in a period")
        moment = moment.astimezone(company_timezone).date()
    return f"{moment.year:04d}-{moment.month:02d}"


def first_day(period: str) -> date:
    ensure_period(period)
    return date(int(period[:4]), int(period[5:]), 1)
