"""The year-end performance bonus (A1 + P3 + A5) and the plan-execution adjustment of base income (A8).

**Annual bonus.** appraisal computes each employee's annual score in January for the past year
(``appraisal.annual_result.finalized.v1``, with the A5 coefficient of that score: the same bands
appraisal applies to the monthly coefficient payroll already pays P3 with). A plan paying the
``annual_bonus`` part pays ``annual_bonus_base × coefficient`` once per year, in the run of the
setting ``annual_bonus_run_month`` of the following year (January by default: the first run after
the annual score exists; the commission's ``commission_year_end_month`` is another rule, P4).
Someone on that run without an annual result yet is not paid the line; the run records them as
owed, with the reason, and the first later run after the result arrives pays it from the base the
owing run's plan stated (nothing lost, nobody silently dropped). A revised annual result after the
bonus was paid is paid as the difference by the next run.

**Plan execution (A8, seed 002: 每月末依据计划的执行情况,对业务员工作评分,该评分成为业务员基本收入的
调节系数; and 80分即可享受全额工资,超过80分按比例增发,低于80分相应扣发).** The month's plan-execution
score is the adjustment coefficient of base income, on the scale P2 uses: full base at the full
score (80 by default), in proportion above and below, capped at a configurable factor. A plan opts
in (``base_follows_plan_execution``, off by default); the adjustment is its own line beside the base
line, so the base line still says what the plan states.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents
from payroll.domain.plans import ANNUAL_BONUS, CompensationPlan

ANNUAL_RULE = "P3.annual_bonus"
ANNUAL_FORMULA = "annual_bonus_base × coefficient (A5 band of the annual score, A1)"
ANNUAL_REVISION_RULE = "P3.annual_bonus.revision"
ANNUAL_REVISION_FORMULA = "annual_bonus_base × revised coefficient − paid so far"
PLAN_EXECUTION_RULE = "A8.plan_execution"
PLAN_EXECUTION_FORMULA = "base paid × (min(plan_execution ÷ full_score_at, max_factor) − 1)"
NO_ANNUAL_RESULT = ("no annual appraisal result for {year} yet; the annual bonus is owed and the first run "
                    "after the result arrives pays it")


@dataclass(frozen=True)
class AnnualPolicy:
    # The month of the following year whose run pays the year's annual bonus (1: the January run).
    run_month: int = 1
    # A8: the plan-execution score that keeps base income whole, and the highest factor it may reach.
    plan_execution_full_score: Decimal = Decimal(80)
    plan_execution_max_factor: Decimal = Decimal("1.25")


@dataclass(frozen=True)
class AnnualResult:
    """appraisal.annual_result.finalized.v1 as payroll keeps it: the highest revision received."""

    year: int
    employee_id: uuid.UUID
    score: Decimal
    coefficient: Decimal
    months_scored: tuple[str, ...]
    months_missing: tuple[str, ...]
    missing_months_rule: str
    revision: int
    computed_at: datetime
    employee_name: str | None = None
    department_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Owed:
    """An annual bonus a run could not pay, and the base it is owed at."""

    year: int
    employee_id: uuid.UUID
    run_id: uuid.UUID
    period: str
    annual_bonus_base: Decimal
    plan_version: int
    reason: str


@dataclass(frozen=True)
class Paid:
    """What the runs so far paid of one person's annual bonus for one year."""

    year: int
    employee_id: uuid.UUID
    annual_bonus_base: Decimal
    plan_version: int
    revision: int
    amount: Decimal


def payout_year(period: str, run_month: int) -> int | None:
    """The year whose annual bonus the run of ``period`` pays: the previous one in the run month."""
    year, month = int(period[:4]), int(period[5:7])
    return year - 1 if month == run_month else None


def annual_bonus_line(base: Decimal, result: AnnualResult, *, plan_version: int) -> PayslipLine:
    exact = base * result.coefficient
    amount = to_cents(exact)
    return PayslipLine(
        rule=ANNUAL_RULE, kind="annual_bonus", amount=amount, formula=ANNUAL_FORMULA,
        calculation=f"{text(base)} × {text(result.coefficient)} = {text(exact)} → {text(amount)}",
        inputs=_annual_inputs(base, result, plan_version),
    )


def annual_revision_line(paid: Paid, result: AnnualResult) -> PayslipLine | None:
    """The difference a revised annual result makes to what was paid; None when it makes none."""
    exact = paid.annual_bonus_base * result.coefficient
    due = to_cents(exact)
    amount = due - paid.amount
    if amount == 0:
        return None
    return PayslipLine(
        rule=ANNUAL_REVISION_RULE, kind="annual_bonus", amount=amount, formula=ANNUAL_REVISION_FORMULA,
        calculation=(f"{text(paid.annual_bonus_base)} × {text(result.coefficient)} = {text(exact)} → {text(due)}; "
                     f"{text(due)} − {text(paid.amount)} = {text(amount)}"),
        inputs={**_annual_inputs(paid.annual_bonus_base, result, paid.plan_version),
                "paid_before": text(paid.amount), "paid_revision": paid.revision},
    )


def _annual_inputs(base: Decimal, result: AnnualResult, plan_version: int) -> dict:
    return {"year": result.year, "annual_score": text(result.score), "coefficient": text(result.coefficient),
            "annual_bonus_base": text(base), "months_scored": list(result.months_scored),
            "months_counted": len(result.months_scored), "months_missing": list(result.months_missing),
            "missing_months_rule": result.missing_months_rule, "annual_revision": result.revision,
            "plan_version": plan_version}


def plan_execution_factor(score: Decimal, policy: AnnualPolicy) -> Decimal:
    if policy.plan_execution_full_score <= 0:
        raise ValueError("the plan-execution full score must be positive")
    return min(score / policy.plan_execution_full_score, policy.plan_execution_max_factor)


def plan_execution_line(base_paid: Decimal, score: Decimal, policy: AnnualPolicy, *, plan_version: int
                        ) -> PayslipLine:
    """The adjustment of the base paid this month (after proration): negative below the full score."""
    factor = plan_execution_factor(score, policy)
    exact = base_paid * (factor - 1)
    amount = to_cents(exact)
    return PayslipLine(
        rule=PLAN_EXECUTION_RULE, kind="plan_execution", amount=amount, formula=PLAN_EXECUTION_FORMULA,
        calculation=(f"{text(base_paid)} × (min({text(score)} ÷ {text(policy.plan_execution_full_score)}, "
                     f"{text(policy.plan_execution_max_factor)}) − 1) = {text(exact)} → {text(amount)}"),
        inputs={"base_paid": text(base_paid), "plan_execution": text(score),
                "full_score_at": text(policy.plan_execution_full_score),
                "max_factor": text(policy.plan_execution_max_factor), "factor": text(factor),
                "plan_version": plan_version},
    )


@dataclass(frozen=True)
class Settlement:
    """What one run does about annual bonuses: the lines it pays, and what it records as paid or owed."""

    lines: dict[uuid.UUID, list[PayslipLine]]
    paid: list[Paid]
    owed: list[Owed]


def settle(run_id: uuid.UUID, period: str, policy: AnnualPolicy, on_run: Mapping[uuid.UUID, CompensationPlan],
           results: Mapping[tuple[int, uuid.UUID], AnnualResult], paid_before: Mapping[tuple[int, uuid.UUID], Paid],
           owed_before: Iterable[Owed]) -> Settlement:
    """``on_run``: each person the run pays, with their resolved plan. In the payout month, everyone whose
    plan pays the annual bonus is paid it or owed it; in any run, an earlier owed bonus whose result has
    arrived is paid, and a paid one whose result was revised is paid the difference."""
    lines: dict[uuid.UUID, list[PayslipLine]] = {}
    paid: list[Paid] = []
    owed: list[Owed] = []
    handled: set[tuple[int, uuid.UUID]] = set()

    def pay(year: int, employee_id: uuid.UUID, base: Decimal, plan_version: int, result: AnnualResult) -> None:
        line = annual_bonus_line(base, result, plan_version=plan_version)
        lines.setdefault(employee_id, []).append(line)
        paid.append(Paid(year=year, employee_id=employee_id, annual_bonus_base=base, plan_version=plan_version,
                         revision=result.revision, amount=line.amount))
        handled.add((year, employee_id))

    year = payout_year(period, policy.run_month)
    for employee_id, plan in sorted(on_run.items(), key=lambda item: str(item[0])):
        key = (year, employee_id) if year is not None else None
        if key is None or not plan.pays(ANNUAL_BONUS) or key in paid_before:
            continue
        result = results.get(key)
        if result is not None:
            pay(key[0], employee_id, plan.annual_bonus_base, plan.version, result)
        else:
            owed.append(Owed(year=key[0], employee_id=employee_id, run_id=run_id, period=period,
                             annual_bonus_base=plan.annual_bonus_base, plan_version=plan.version,
                             reason=NO_ANNUAL_RESULT.format(year=key[0])))
            handled.add(key)
    for each in sorted(owed_before, key=lambda o: (o.year, str(o.employee_id))):
        key = (each.year, each.employee_id)
        if each.employee_id not in on_run or key in handled or key in paid_before:
            continue
        result = results.get(key)
        if result is not None:
            pay(each.year, each.employee_id, each.annual_bonus_base, each.plan_version, result)
    for key, before in sorted(paid_before.items(), key=lambda item: (item[0][0], str(item[0][1]))):
        result = results.get(key)
        if before.employee_id not in on_run or result is None or result.revision <= before.revision:
            continue
        line = annual_revision_line(before, result)
        # Recorded even when it changes nothing, so that the revision is not looked at again.
        if line is not None:
            lines.setdefault(before.employee_id, []).append(line)
        paid.append(Paid(year=before.year, employee_id=before.employee_id, annual_bonus_base=before.annual_bonus_base,
                         plan_version=before.plan_version, revision=result.revision,
                         amount=line.amount if line is not None else Decimal("0.00")))
    return Settlement(lines=lines, paid=paid, owed=owed)
