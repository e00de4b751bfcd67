"""The annual score (A1): the year's score is the mean of its monthly scores, computed in January
for the past year (年度得分 = 12个月度得分之和 ÷ 12).

Months without a result (not yet hired, left, or in a role nobody appraises) follow the company's
stated rule, recorded on every annual result:

- ``employed_months`` (default): the mean of the months that have a result, so a newcomer hired in
  July is scored on July to December rather than dragged down by months they never worked;
- ``zero``: A1 to the letter, the twelve months summed and divided by 12, a missing month as 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from appraisal.domain.periods import Period
from appraisal.domain.scoring import quantize
from shared.errors import InvalidInput

MONTHS = 12


class MissingMonths:
    EMPLOYED_MONTHS = "employed_months"
    ZERO = "zero"

    ALL = (EMPLOYED_MONTHS, ZERO)


@dataclass(frozen=True)
class AnnualResult:
    year: int
    employee_id: uuid.UUID
    score: Decimal
    coefficient: Decimal
    months_scored: tuple[str, ...]
    months_missing: tuple[str, ...]
    missing_months_rule: str
    computed_at: datetime
    revision: int = 1

    def same_outcome(self, other: AnnualResult) -> bool:
        return (self.score, self.coefficient, self.months_scored, self.missing_months_rule) == (
            other.score, other.coefficient, other.months_scored, other.missing_months_rule)


def months_of(year: int) -> list[str]:
    return [str(Period(year, month)) for month in range(1, MONTHS + 1)]


def parse_year(year: int) -> int:
    if not 1900 <= year <= 2999:
        raise InvalidInput("year", "must be a year from 1900 to 2999")
    return year


def annual_score(monthly: Mapping[str, Decimal], year: int, rule: str) -> tuple[Decimal, list[str], list[str]]:
    """(score, months scored, months missing) from the frozen monthly scores of ``year``."""
    months = months_of(year)
    scored = [month for month in months if month in monthly]
    missing = [month for month in months if month not in monthly]
    if not scored:
        raise ValueError("an annual score needs at least one monthly result")
    total = sum((monthly[month] for month in scored), Decimal(0))
    if rule == MissingMonths.ZERO:
        divisor = MONTHS
    elif rule == MissingMonths.EMPLOYED_MONTHS:
        divisor = len(scored)
    else:
        raise ValueError(f"unknown rule for missing months {rule!r}")
    # One rounding, of the mean itself (half-up, cents), never of partial sums.
    return quantize(total / Decimal(divisor)), scored, missing
