"""A payslip (工资条): the four parts of sales pay (P1) as lines, each rounded to cents (P9), and
a gross that is the sum of the rounded lines, so that every line on paper adds up to the total."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from payroll.domain.adjustments import late_commission_line
from payroll.domain.attendance import (
    AttendanceCorrection,
    AttendanceDay,
    AttendancePolicy,
    AttendanceSettlement,
    DeductionBasis,
    adjustment_line,
    deduction_lines,
)
from payroll.domain.bonus import bonus_line
from payroll.domain.commission import Collection, commission_line
from payroll.domain.expenses import ExpensePolicy
from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents
from payroll.domain.performance_pay import performance_pay_line
from payroll.domain.plans import CompensationPlan
from payroll.domain.proration import Employment, prorated_base_line

BASE_RULE = "P1.base_salary"


@dataclass(frozen=True)
class PayPolicy:
    """Company settings the formulas read (BUSINESS_RULES: every default is configuration)."""

    full_score_at: Decimal = Decimal(80)
    attendance: AttendancePolicy = field(default_factory=AttendancePolicy)
    expenses: ExpensePolicy = field(default_factory=ExpensePolicy)


@dataclass(frozen=True)
class FinalResult:
    """An employee's frozen appraisal result for a closed period (appraisal.result.finalized.v1)."""

    period: str
    employee_id: uuid.UUID
    score: Decimal
    coefficient: Decimal
    role: str | None = None
    rank: int | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class LateCollections:
    """Payments of an earlier period that arrived after that period's run, and the plan that
    would have paid them then."""

    period: str
    run_id: uuid.UUID | None
    plan: CompensationPlan
    collections: Sequence[Collection]


@dataclass(frozen=True)
class Payslip:
    employee_id: uuid.UUID
    role: str
    plan_version: int
    score: Decimal
    coefficient: Decimal
    lines: tuple[PayslipLine, ...]
    # What this slip paid for attendance, per period, for later corrections to be paid as a difference.
    attendance_settlements: tuple[AttendanceSettlement, ...] = ()
    gross: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gross", gross(self.lines))


def gross(lines: Sequence[PayslipLine]) -> Decimal:
    """The sum of the lines as rounded: never a rounding of the exact total."""
    return sum((line.amount for line in lines), Decimal("0.00"))


def base_salary_line(plan: CompensationPlan) -> PayslipLine:
    amount = to_cents(plan.monthly_base)
    return PayslipLine(
        rule=BASE_RULE, kind="base_salary", amount=amount, formula="monthly_base",
        calculation=f"{text(plan.monthly_base)} → {text(amount)}",
        inputs={"monthly_base": text(plan.monthly_base), "plan_version": plan.version},
    )


def compute_payslip(result: FinalResult, role: str, plan: CompensationPlan, policy: PayPolicy, *,
                    collections: Sequence[Collection] = (), late: Sequence[LateCollections] = (),
                    employment: Employment | None = None, working_days: Sequence[date] = (),
                    attendance: Sequence[AttendanceDay] = (),
                    corrections: Sequence[AttendanceCorrection] = (),
                    extra_lines: Sequence[PayslipLine] = ()) -> Payslip:
    base = None
    if employment is not None:
        base = prorated_base_line(plan, result.period, employment, working_days)
    lines = [
        base or base_salary_line(plan),
        performance_pay_line(plan.performance_standard, result.score, policy.full_score_at,
                             plan_version=plan.version),
        bonus_line(plan.bonus_base, result.coefficient, score=result.score, plan_version=plan.version),
        commission_line(plan.commission_rate, collections, period=result.period, plan_version=plan.version),
    ]
    # P6 is taken from the lines above: the wage part from the base paid, the fixed amounts from
    # performance pay + bonus.
    basis = DeductionBasis(monthly_base=plan.monthly_base, wage_cap=lines[0].amount,
                           fixed_cap=lines[1].amount + lines[2].amount, policy=policy.attendance)
    deductions = deduction_lines(attendance, basis)
    lines.extend(deductions)
    settlements = [AttendanceSettlement(period=result.period, basis=basis,
                                        amount=sum((line.amount for line in deductions), Decimal("0.00")))]
    for group in sorted(late, key=lambda g: g.period):
        lines.append(late_commission_line(group.plan.commission_rate, group.collections, from_period=group.period,
                                          from_run_id=group.run_id, plan_version=group.plan.version))
    for correction in sorted(corrections, key=lambda c: c.period):
        adjusted = adjustment_line(correction)
        if adjusted is not None:
            lines.append(adjusted)
            settlements.append(AttendanceSettlement(period=correction.period, basis=correction.basis,
                                                    amount=adjusted.amount))
    # Reimbursed expense claims (P7) and accepted disputes (P8), each already its own rounded line.
    lines.extend(extra_lines)
    return Payslip(employee_id=result.employee_id, role=role, plan_version=plan.version, score=result.score,
                   coefficient=result.coefficient, lines=tuple(lines), attendance_settlements=tuple(settlements))
