"""A payslip (工资条): the four parts of sales pay (P1) as lines, each rounded to cents (P9), and
a gross that is the sum of the rounded lines, so that every line on paper adds up to the total."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from payroll.domain.adjustments import late_commission_line
from payroll.domain.bonus import bonus_line
from payroll.domain.commission import Collection, commission_line
from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents
from payroll.domain.performance_pay import performance_pay_line
from payroll.domain.plans import CompensationPlan

BASE_RULE = "P1.base_salary"


@dataclass(frozen=True)
class PayPolicy:
    """Company settings the formulas read (BUSINESS_RULES: every default is configuration)."""

    full_score_at: Decimal = Decimal(80)


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
                    collections: Sequence[Collection] = (), late: Sequence[LateCollections] = ()) -> Payslip:
    lines = [
        base_salary_line(plan),
        performance_pay_line(plan.performance_standard, result.score, policy.full_score_at,
                             plan_version=plan.version),
        bonus_line(plan.bonus_base, result.coefficient, score=result.score, plan_version=plan.version),
        commission_line(plan.commission_rate, collections, period=result.period, plan_version=plan.version),
    ]
    for group in sorted(late, key=lambda g: g.period):
        lines.append(late_commission_line(group.plan.commission_rate, group.collections, from_period=group.period,
                                          from_run_id=group.run_id, plan_version=group.plan.version))
    return Payslip(employee_id=result.employee_id, role=role, plan_version=plan.version, score=result.score,
                   coefficient=result.coefficient, lines=tuple(lines))
