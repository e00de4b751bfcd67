"""Attendance deductions (考勤扣款, P6, seed 003 考勤制度), one payslip line per kind naming the days.

org classifies each working day (O6) and publishes it as ``org.attendance.day_classified.v1``;
payroll keeps the latest revision of each (employee, date) and turns a period's days into lines:

- ``P6.absence_wage``: a day's wage per day of absence (旷工), half of it for a half day;
- ``P6.absence_fixed``: a fixed amount per full-day and per half-day absence, from the month's
  performance bonus;
- ``P6.minor_lateness``: a fixed amount per late arrival or early departure within the tolerance,
  from the month's performance bonus;
- ``P6.unpaid_leave``: a day's wage per day of unpaid leave, with no fixed amount.

A day's wage is the monthly base ÷ 21.75 (the statutory paid days of a month; configurable),
taken on the full monthly base even when the base is prorated: it is the price of a day. The
amounts come from the event's ``absence_days``, ``minor_latenesses``, ``leave_days`` and
``leave_paid``, not from the class name, because one day can hold a half-day absence and a minor
lateness together.

Caps, so that attendance never turns a part of pay negative:

- the fixed amounts together are taken from performance pay + bonus of the same payslip (the seed
  takes them "from the month's performance bonus"; performance pay is the appraisal-linked part
  too): never more than those two lines hold;
- the wage deductions (absence and unpaid leave) never exceed the base income they reduce: the
  base salary line plus A8's plan-execution adjustment when the plan has one (base × factor), so
  that a base adjusted down is not taken below zero, and one adjusted up is deductible in full.

Each line states its cap. Amounts are exact until the line, rounded half-up to cents there (P9),
and negative on the payslip.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents

KIND = "attendance_deduction"
ABSENCE_WAGE = "P6.absence_wage"
ABSENCE_FIXED = "P6.absence_fixed"
MINOR_LATENESS = "P6.minor_lateness"
UNPAID_LEAVE = "P6.unpaid_leave"
ADJUSTMENT = "P6.adjustment"
RULES = (ABSENCE_WAGE, ABSENCE_FIXED, MINOR_LATENESS, UNPAID_LEAVE)

ZERO = Decimal("0.00")
HALF = Decimal("0.5")
ONE = Decimal(1)
DAY_FRACTIONS = (Decimal(0), HALF, ONE)


@dataclass(frozen=True)
class AttendancePolicy:
    """P6 as company settings (``PAYROLL_ATTENDANCE_…``)."""

    day_wage_divisor: Decimal = Decimal("21.75")
    full_day_absence_amount: Decimal = Decimal("200.00")
    half_day_absence_amount: Decimal = Decimal("100.00")
    minor_lateness_amount: Decimal = Decimal("50.00")

    def __post_init__(self) -> None:
        if self.day_wage_divisor <= 0:
            raise ValueError("the day-wage divisor must be positive")
        if min(self.full_day_absence_amount, self.half_day_absence_amount, self.minor_lateness_amount) < 0:
            raise ValueError("attendance deduction amounts may not be negative")

    def as_inputs(self) -> dict[str, str]:
        return {"day_wage_divisor": text(self.day_wage_divisor),
                "full_day_absence_amount": text(self.full_day_absence_amount),
                "half_day_absence_amount": text(self.half_day_absence_amount),
                "minor_lateness_amount": text(self.minor_lateness_amount)}

    @classmethod
    def from_inputs(cls, values: dict[str, str]) -> AttendancePolicy:
        return cls(**{key: Decimal(value) for key, value in values.items()})


@dataclass(frozen=True)
class AttendanceDay:
    """The latest classification of one employee's working day, as org sent it."""

    work_date: date
    revision: int
    classification: str
    absence_days: Decimal = Decimal(0)
    minor_latenesses: int = 0
    leave_days: Decimal = Decimal(0)
    leave_type: str | None = None
    leave_paid: bool | None = None

    def __post_init__(self) -> None:
        # The contract says 0, ½ or 1 day: anything else is a producer's bug to dead-letter (the
        # consumer fails loudly), never a figure to pay on.
        if self.absence_days not in DAY_FRACTIONS:
            raise ValueError(f"absence_days must be 0, 0.5 or 1, not {self.absence_days}")
        if self.leave_days not in DAY_FRACTIONS:
            raise ValueError(f"leave_days must be 0, 0.5 or 1, not {self.leave_days}")
        if self.minor_latenesses < 0:
            raise ValueError("minor_latenesses may not be negative")

    @property
    def counts(self) -> bool:
        """A void day is no longer a working day of the employee: an earlier revision no longer counts."""
        return self.classification != "void"

    @property
    def full_day_absence(self) -> bool:
        return self.counts and self.absence_days >= ONE

    @property
    def half_day_absence(self) -> bool:
        return self.counts and ZERO < self.absence_days < ONE

    @property
    def unpaid_leave_days(self) -> Decimal:
        # Only leave known to be unpaid is deducted: leave whose pay is unknown is not taken from anyone.
        return self.leave_days if self.counts and self.leave_paid is False else Decimal(0)


@dataclass(frozen=True)
class ClassifiedDay:
    """A day as org classified it, with what payroll keeps beside the figures it pays on."""

    employee_id: uuid.UUID
    day: AttendanceDay
    late_minutes: int
    early_minutes: int
    event_id: uuid.UUID


@dataclass(frozen=True)
class DeductionBasis:
    """What a period's deductions are computed against, kept with the run that paid them, so that a
    later correction is recomputed on the same basis and only the attendance difference is paid."""

    monthly_base: Decimal
    wage_cap: Decimal  # the base salary line (prorated or not) plus its A8 plan-execution adjustment
    fixed_cap: Decimal  # performance pay + bonus lines of the same payslip
    policy: AttendancePolicy

    def as_inputs(self) -> dict[str, object]:
        return {"monthly_base": text(self.monthly_base), "wage_cap": text(self.wage_cap),
                "fixed_cap": text(self.fixed_cap), "policy": self.policy.as_inputs()}

    @classmethod
    def from_inputs(cls, values: dict) -> DeductionBasis:
        return cls(monthly_base=Decimal(values["monthly_base"]), wage_cap=Decimal(values["wage_cap"]),
                   fixed_cap=Decimal(values["fixed_cap"]), policy=AttendancePolicy.from_inputs(values["policy"]))


def day_wage(monthly_base: Decimal, policy: AttendancePolicy) -> Decimal:
    """Exact, unrounded: a day's wage is never rounded on its own, only the line that uses it."""
    return monthly_base / policy.day_wage_divisor


def _dates(days: Iterable[AttendanceDay]) -> list[str]:
    return [day.work_date.isoformat() for day in sorted(days, key=lambda d: d.work_date)]


def _listed(days: Iterable[AttendanceDay], amount_of) -> str:
    """Dates as a reader checks them against a calendar: a fraction or a count when it is not one."""
    parts = []
    for day in sorted(days, key=lambda d: d.work_date):
        amount = Decimal(amount_of(day))
        parts.append(day.work_date.isoformat() if amount == 1 else f"{day.work_date.isoformat()} ×{text(amount)}")
    return ", ".join(parts)


def _capped(exact_cents: Decimal, remaining: Decimal) -> Decimal:
    return min(exact_cents, max(remaining, ZERO))


def _wage_line(rule: str, what: str, days: Sequence[AttendanceDay], count_of, basis: DeductionBasis,
               remaining_cap: Decimal) -> tuple[PayslipLine, Decimal]:
    counted = sum((Decimal(count_of(day)) for day in days), Decimal(0))
    exact = basis.monthly_base * counted / basis.policy.day_wage_divisor
    rounded = to_cents(exact)
    taken = _capped(rounded, remaining_cap)
    cap_text = "" if taken == rounded else f"; capped at the base income still deductible {text(remaining_cap)}"
    line = PayslipLine(
        rule=rule, kind=KIND, amount=-taken,
        formula=f"−(monthly_base ÷ day_wage_divisor × {what}), at most the base income (base salary + A8 adjustment)",
        calculation=(f"{text(basis.monthly_base)} ÷ {text(basis.policy.day_wage_divisor)} × {text(counted)} "
                     f"({_listed(days, count_of)}) = {text(exact)} → {text(rounded)}{cap_text} → −{text(taken)}"),
        inputs={"dates": _dates(days), "days": text(counted), "monthly_base": text(basis.monthly_base),
                "day_wage_divisor": text(basis.policy.day_wage_divisor), "wage_cap": text(basis.wage_cap)},
    )
    return line, remaining_cap - taken


def deduction_lines(days: Iterable[AttendanceDay], basis: DeductionBasis) -> list[PayslipLine]:
    """The period's attendance lines for one employee; a kind with no day gives no line."""
    days = [day for day in days if day.counts]
    policy = basis.policy
    lines: list[PayslipLine] = []

    wage_cap = basis.wage_cap
    absent = [day for day in days if day.absence_days > 0]
    if absent:
        line, wage_cap = _wage_line(ABSENCE_WAGE, "absence days", absent, lambda d: d.absence_days, basis, wage_cap)
        lines.append(line)
    unpaid = [day for day in days if day.unpaid_leave_days > 0]
    if unpaid:
        line, wage_cap = _wage_line(UNPAID_LEAVE, "unpaid leave days", unpaid, lambda d: d.unpaid_leave_days, basis,
                                    wage_cap)
        lines.append(line)

    # The fixed amounts come out of performance pay + bonus, absences first: they weigh most.
    fixed_cap = basis.fixed_cap
    full = [day for day in days if day.full_day_absence]
    half = [day for day in days if day.half_day_absence]
    if full or half:
        exact = len(full) * policy.full_day_absence_amount + len(half) * policy.half_day_absence_amount
        taken = _capped(to_cents(exact), fixed_cap)
        lines.append(PayslipLine(
            rule=ABSENCE_FIXED, kind=KIND, amount=-taken,
            formula=("−(full_day_absence_amount × full-day absences + half_day_absence_amount × half-day absences), "
                     "at most performance pay + bonus"),
            calculation=(f"{len(full)} × {text(policy.full_day_absence_amount)} ({_listed(full, lambda d: 1) or '-'})"
                         f" + {len(half)} × {text(policy.half_day_absence_amount)} "
                         f"({_listed(half, lambda d: 1) or '-'}) = {text(to_cents(exact))}; "
                         f"cap: performance pay + bonus left {text(fixed_cap)} → −{text(taken)}"),
            inputs={"full_day_dates": _dates(full), "half_day_dates": _dates(half),
                    "full_day_absence_amount": text(policy.full_day_absence_amount),
                    "half_day_absence_amount": text(policy.half_day_absence_amount),
                    "fixed_cap": text(basis.fixed_cap), "cap_left": text(fixed_cap)},
        ))
        fixed_cap -= taken
    late = [day for day in days if day.minor_latenesses > 0]
    if late:
        occurrences = sum(day.minor_latenesses for day in late)
        exact = occurrences * policy.minor_lateness_amount
        taken = _capped(to_cents(exact), fixed_cap)
        lines.append(PayslipLine(
            rule=MINOR_LATENESS, kind=KIND, amount=-taken,
            formula="−(minor_lateness_amount × minor latenesses), at most performance pay + bonus",
            calculation=(f"{occurrences} × {text(policy.minor_lateness_amount)} "
                         f"({_listed(late, lambda d: d.minor_latenesses)}) = {text(to_cents(exact))}; "
                         f"cap: performance pay + bonus left {text(fixed_cap)} → −{text(taken)}"),
            inputs={"dates": _dates(late), "occurrences": occurrences,
                    "minor_lateness_amount": text(policy.minor_lateness_amount),
                    "fixed_cap": text(basis.fixed_cap), "cap_left": text(fixed_cap)},
        ))
    return lines


@dataclass(frozen=True)
class AttendanceSettlement:
    """What one payslip paid for one period's attendance (its own lines, or a correction's difference),
    on which basis: the sum over runs is what the period's attendance has cost so far."""

    period: str
    basis: DeductionBasis
    amount: Decimal


def total(lines: Iterable[PayslipLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


@dataclass(frozen=True)
class AttendanceCorrection:
    """A period already paid whose days changed after its run: recompute it on the basis it was paid
    on and pay the difference with what all runs have paid for it so far."""

    period: str
    run_id: uuid.UUID  # the period's own run, named on the line
    basis: DeductionBasis
    days: Sequence[AttendanceDay]  # every current day of the period
    changed: Sequence[AttendanceDay]  # the days that changed since they were last paid
    paid_so_far: Decimal  # Σ attendance amounts of the period in earlier runs (≤ 0)


def adjustment_line(correction: AttendanceCorrection) -> PayslipLine | None:
    """The difference as one line (positive when less is deducted now, negative when more); ``None``
    when the correction changes nothing payable."""
    recomputed = total(deduction_lines(correction.days, correction.basis))
    difference = recomputed - correction.paid_so_far
    if difference == 0:
        return None
    return PayslipLine(
        rule=ADJUSTMENT, kind="adjustment", amount=difference,
        formula="attendance deductions of the period recomputed − attendance deductions already paid for it",
        calculation=(f"{text(recomputed)} − ({text(correction.paid_so_far)}) = {text(difference)} "
                     f"for {correction.period}, days changed: {', '.join(_dates(correction.changed))}"),
        inputs={"reason": f"attendance of {correction.period} corrected after its pay run",
                "from_period": correction.period, "from_run_id": str(correction.run_id),
                "dates": _dates(correction.changed), "recomputed": text(recomputed),
                "paid_so_far": text(correction.paid_so_far), **correction.basis.as_inputs()},
    )
