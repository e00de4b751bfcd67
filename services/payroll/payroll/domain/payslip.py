"""A payslip (工资条): the parts of pay its plan applies (P1) as lines, each rounded to cents (P9), and
a gross that is the sum of the rounded lines, so that every line on paper adds up to the total."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from payroll.domain.adjustments import late_commission_line
from payroll.domain.annual import AnnualPolicy, plan_execution_line
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
from payroll.domain.commission_plans import CommissionPolicy
from payroll.domain.expenses import ExpensePolicy
from payroll.domain.incentives import SpecialIncentive, incentive_line
from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents
from payroll.domain.performance_pay import performance_pay_line
from payroll.domain.plans import BASE, BONUS, COMMISSION, PERFORMANCE_PAY, CompensationPlan
from payroll.domain.profit_share import ProfitSharePolicy
from payroll.domain.proration import Employment, prorated_base_line

BASE_RULE = "P1.base_salary"
FIXED_PERFORMANCE_RULE = "P2.performance_fixed"


@dataclass(frozen=True)
class PayPolicy:
    """Company settings the formulas read (BUSINESS_RULES: every default is configuration)."""

    full_score_at: Decimal = Decimal(80)
    attendance: AttendancePolicy = field(default_factory=AttendancePolicy)
    expenses: ExpensePolicy = field(default_factory=ExpensePolicy)
    commission: CommissionPolicy = field(default_factory=CommissionPolicy)
    profit_share: ProfitSharePolicy = field(default_factory=ProfitSharePolicy)
    annual: AnnualPolicy = field(default_factory=AnnualPolicy)


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
    # Each close after a reopen sends the period's results again with the next revision (P8 revisions).
    revision: int = 1
    # A8: the month's plan-execution score, when the template scores it (adjusts base income if the plan says so).
    plan_execution: Decimal | None = None


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
    score: Decimal | None
    coefficient: Decimal | None
    lines: tuple[PayslipLine, ...]
    # What this slip paid for attendance, per period, for later corrections to be paid as a difference.
    attendance_settlements: tuple[AttendanceSettlement, ...] = ()
    override_version: int | None = None
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


def fixed_performance_line(plan: CompensationPlan) -> PayslipLine:
    """Performance pay of a role that is not appraised: the plan's fixed amount (see plans.py)."""
    assert plan.performance_fixed is not None
    amount = to_cents(plan.performance_fixed)
    return PayslipLine(
        rule=FIXED_PERFORMANCE_RULE, kind="performance_pay", amount=amount,
        formula="performance_fixed (the role is not appraised)",
        calculation=f"{text(plan.performance_fixed)} → {text(amount)}",
        inputs={"performance_fixed": text(plan.performance_fixed), "plan_version": plan.version},
    )


def compute_payslip(result: FinalResult | None, role: str, plan: CompensationPlan, policy: PayPolicy, *,
                    employee_id: uuid.UUID | None = None, period: str | None = None,
                    collections: Sequence[Collection] = (), late: Sequence[LateCollections] = (),
                    employment: Employment | None = None, working_days: Sequence[date] = (),
                    attendance: Sequence[AttendanceDay] = (),
                    corrections: Sequence[AttendanceCorrection] = (),
                    incentives: Sequence[SpecialIncentive] = (),
                    extra_lines: Sequence[PayslipLine] = (),
                    commission_lines: Sequence[PayslipLine] | None = None) -> Payslip:
    """The parts the (resolved) plan pays, then attendance, adjustments and one-off incentives.
    ``result`` may be None only for a plan that does not need one (the roster sees to it); the
    employee and period then come from the keywords. ``commission_lines``: the commission a named
    commission plan worked out (commission_plans.py), in place of the flat rate on ``collections``."""
    if plan.needs_result and result is None:
        raise ValueError(f"the plan for {role} needs an appraisal result")
    employee_id = result.employee_id if result is not None else employee_id
    period = result.period if result is not None else period
    if employee_id is None or period is None:
        raise ValueError("a payslip without an appraisal result names its employee and period")
    zero = Decimal("0.00")
    lines: list[PayslipLine] = []
    base = base_income = performance = bonus = zero
    if plan.pays(BASE):
        line = (prorated_base_line(plan, period, employment, working_days) if employment is not None else None
                ) or base_salary_line(plan)
        lines.append(line)
        base = base_income = line.amount
        # A8: only when the plan opts in and the month has a plan-execution score; otherwise base stands.
        if plan.base_follows_plan_execution and result is not None and result.plan_execution is not None:
            adjustment = plan_execution_line(base, result.plan_execution, policy.annual, plan_version=plan.version)
            lines.append(adjustment)
            base_income += adjustment.amount
    if plan.pays(PERFORMANCE_PAY):
        if plan.performance_fixed is not None:
            line = fixed_performance_line(plan)
        else:
            assert result is not None
            line = performance_pay_line(plan.performance_standard, result.score, policy.full_score_at,
                                        plan_version=plan.version)
        lines.append(line)
        performance = line.amount
    if plan.pays(BONUS):
        assert result is not None
        line = bonus_line(plan.bonus_base, result.coefficient, score=result.score, plan_version=plan.version)
        lines.append(line)
        bonus = line.amount
    if plan.pays(COMMISSION) and commission_lines is not None:
        lines.extend(commission_lines)
    elif plan.pays(COMMISSION):
        lines.append(commission_line(plan.commission_rate, collections, period=period, plan_version=plan.version))
    # P6 is taken from the lines above: the wage part from the base income paid, which is the base
    # after A8's plan-execution adjustment (A8 adjusts base income, and a cap on the base line alone
    # would let an adjusted-down base go negative); the fixed amounts from performance pay + bonus
    # (a part the plan does not pay leaves nothing to take from).
    basis = DeductionBasis(monthly_base=plan.monthly_base, wage_cap=base_income, fixed_cap=performance + bonus,
                           policy=policy.attendance)
    deductions = deduction_lines(attendance, basis)
    lines.extend(deductions)
    settlements = [AttendanceSettlement(period=period, basis=basis,
                                        amount=sum((line.amount for line in deductions), zero))]
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
    for incentive in sorted(incentives, key=lambda i: (i.period, i.entered_at, str(i.id))):
        lines.append(incentive_line(incentive))
    return Payslip(employee_id=employee_id, role=role, plan_version=plan.version,
                   score=result.score if result else None, coefficient=result.coefficient if result else None,
                   lines=tuple(lines), attendance_settlements=tuple(settlements),
                   override_version=plan.override_version)
