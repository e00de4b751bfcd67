"""Base salary of a month worked in part (P1, issue 8): someone hired or leaving mid-month earns
the base for the working days employed ÷ the working days of the month.

Working days come from the company's calendar for the year (``shared.calendar``: weekends, public
holidays, make-up working days as org publishes them; a year never published is Monday to
Friday); the service layer hands the month's working days in, so the rule here stays plain.
``hired_on`` is the first day employed and ``left_on`` the last (org records the day the employee
left; they worked it). Only the base is prorated: performance pay and the bonus follow the
month's appraisal score, which already reflects a short month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents
from payroll.domain.plans import CompensationPlan
from shared.clock import first_day, last_day

BASE_RULE = "P1.base_salary"
FORMULA = "monthly_base × working days employed ÷ working days of the month"


@dataclass(frozen=True)
class Employment:
    """When the employee was employed, from the directory replica; ``None`` where it is not known."""

    hired_on: date | None = None
    left_on: date | None = None


@dataclass(frozen=True)
class EmployedDays:
    counted: int
    in_month: int
    first: date
    last: date

    @property
    def whole_month(self) -> bool:
        return self.counted == self.in_month


def employed_days(period: str, employment: Employment, working_days: Sequence[date]) -> EmployedDays:
    """``working_days``: the working days of the period's month on the company's calendar."""
    start, end = first_day(period), last_day(period)
    first = max(start, employment.hired_on) if employment.hired_on else start
    last = min(end, employment.left_on) if employment.left_on else end
    in_month = [day for day in working_days if start <= day <= end]
    counted = sum(1 for day in in_month if first <= day <= last)
    return EmployedDays(counted=counted, in_month=len(in_month), first=first, last=last)


def prorated_base(monthly_base: Decimal, days: EmployedDays) -> Decimal:
    """Exact; a month without a working day (a calendar of holidays only) pays the base as it is."""
    if days.in_month == 0 or days.whole_month:
        return monthly_base
    return monthly_base * days.counted / days.in_month


def prorated_base_line(plan: CompensationPlan, period: str, employment: Employment, working_days: Sequence[date]
                       ) -> PayslipLine | None:
    """The base line of a partial month, or ``None`` for a whole month (the plain base line applies)."""
    days = employed_days(period, employment, working_days)
    if days.whole_month or days.in_month == 0:
        return None
    exact = prorated_base(plan.monthly_base, days)
    amount = to_cents(exact)
    return PayslipLine(
        rule=BASE_RULE, kind="base_salary", amount=amount, formula=FORMULA,
        calculation=(f"{text(plan.monthly_base)} × {days.counted} ÷ {days.in_month} "
                     f"({days.first.isoformat()}…{days.last.isoformat()}) = {text(exact)} → {text(amount)}"),
        inputs={"monthly_base": text(plan.monthly_base), "plan_version": plan.version,
                "working_days_counted": days.counted, "working_days_in_month": days.in_month,
                "hired_on": employment.hired_on.isoformat() if employment.hired_on else None,
                "left_on": employment.left_on.isoformat() if employment.left_on else None},
    )
