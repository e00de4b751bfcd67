"""Revised appraisal results (P8, issue 10 item 4): appraisal may reopen a closed period, and its next
close sends every result again with a higher revision, which replaces the earlier one.

A draft run of the period waits for the revised results (it is not approved or locked meanwhile) and is
then recomputed. A locked run never changes: the next run pays, per person, the difference between
performance pay and bonus recomputed with the revised score and coefficient under the plan that paid
the locked run (and A8's plan-execution adjustment of the base paid, where the plan opts in), and what
was paid for them before (the locked payslip, plus any earlier revision's difference), on a
``P8.revision`` line naming the period, the revisions and both figures.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from payroll.domain.annual import AnnualPolicy, plan_execution_line
from payroll.domain.bonus import bonus_line
from payroll.domain.lines import PayslipLine
from payroll.domain.money import text
from payroll.domain.payslip import FinalResult, fixed_performance_line
from payroll.domain.performance_pay import performance_pay_line
from payroll.domain.plans import BONUS, PERFORMANCE_PAY, CompensationPlan

RULE = "P8.revision"
FORMULA = ("(performance pay + bonus with the revised score and coefficient, under the plan that paid the "
           "locked run) − (what was paid for them before)")
# The kinds of line a score or coefficient drives; every other line of a locked payslip stands.
DRIVEN_BY_RESULT = ("performance_pay", "bonus", "plan_execution")
BASE_KIND = "base_salary"


@dataclass(frozen=True)
class Reopening:
    """appraisal.period.reopened.v1: the results of ``revision`` no longer stand."""

    period: str
    revision: int
    reason: str
    reopened_at: datetime
    reopened_by: uuid.UUID


@dataclass(frozen=True)
class Figures:
    """What a result pays: performance pay and bonus, each rounded at its line."""

    revision: int
    score: Decimal | None
    coefficient: Decimal | None
    performance_pay: Decimal
    bonus: Decimal
    # A8: the plan-execution adjustment of base income (0 where the plan does not opt in).
    plan_execution: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.performance_pay + self.bonus + self.plan_execution

    def as_json(self) -> dict:
        return {"revision": self.revision, "score": _text(self.score), "coefficient": _text(self.coefficient),
                "performance_pay": text(self.performance_pay), "bonus": text(self.bonus),
                "plan_execution": text(self.plan_execution), "total": text(self.total)}

    @classmethod
    def from_json(cls, value: Mapping) -> Figures:
        return cls(revision=value["revision"], score=_decimal(value["score"]),
                   coefficient=_decimal(value["coefficient"]), performance_pay=Decimal(value["performance_pay"]),
                   bonus=Decimal(value["bonus"]), plan_execution=Decimal(value.get("plan_execution", "0.00")))


@dataclass(frozen=True)
class RevisionAdjustment:
    """The difference one revision makes to what a locked run paid one person; paid once, by ``run_id``."""

    period: str
    employee_id: uuid.UUID
    locked_run_id: uuid.UUID
    plan_version: int
    before: Figures
    after: Figures
    run_id: uuid.UUID | None = None

    @property
    def amount(self) -> Decimal:
        # Both sides are sums of lines already rounded to cents: the difference is exact.
        return self.after.total - self.before.total


def paid_figures(lines: Iterable[Mapping], *, revision: int, score: Decimal | None,
                 coefficient: Decimal | None) -> Figures:
    """What a stored payslip paid for its result (its lines as JSON)."""
    amounts = {kind: Decimal("0.00") for kind in DRIVEN_BY_RESULT}
    for line in lines:
        if line["kind"] in amounts:
            amounts[line["kind"]] += Decimal(line["amount"])
    return Figures(revision=revision, score=score, coefficient=coefficient,
                   performance_pay=amounts["performance_pay"], bonus=amounts["bonus"],
                   plan_execution=amounts["plan_execution"])


def base_paid(lines: Iterable[Mapping]) -> Decimal:
    """The base a stored payslip paid (before A8's adjustment), which the adjustment scales."""
    return sum((Decimal(line["amount"]) for line in lines if line["kind"] == BASE_KIND), Decimal("0.00"))


def revised_figures(plan: CompensationPlan, result: FinalResult, full_score_at: Decimal, *, revision: int,
                    base: Decimal = Decimal("0.00"), annual: AnnualPolicy | None = None) -> Figures:
    """Performance pay and bonus as :func:`payroll.domain.payslip.compute_payslip` pays them, with the
    revised result; a fixed performance amount does not depend on the score and stays as paid."""
    performance = bonus = Decimal("0.00")
    if plan.pays(PERFORMANCE_PAY):
        performance = (fixed_performance_line(plan) if plan.performance_fixed is not None else performance_pay_line(
            plan.performance_standard, result.score, full_score_at, plan_version=plan.version)).amount
    if plan.pays(BONUS):
        bonus = bonus_line(plan.bonus_base, result.coefficient, score=result.score,
                           plan_version=plan.version).amount
    adjusted = Decimal("0.00")
    if plan.base_follows_plan_execution and result.plan_execution is not None:
        adjusted = plan_execution_line(base, result.plan_execution, annual or AnnualPolicy(),
                                       plan_version=plan.version).amount
    return Figures(revision=revision, score=result.score, coefficient=result.coefficient,
                   performance_pay=performance, bonus=bonus, plan_execution=adjusted)


def difference(before: Figures, plan: CompensationPlan, result: FinalResult, full_score_at: Decimal, *,
               period: str, locked_run_id: uuid.UUID, revision: int, base: Decimal = Decimal("0.00"),
               annual: AnnualPolicy | None = None) -> RevisionAdjustment | None:
    """The adjustment a revised result makes, or None when it changes nothing paid. ``base``: the base the
    locked payslip paid, which A8's plan-execution adjustment scales."""
    after = revised_figures(plan, result, full_score_at, revision=revision, base=base, annual=annual)
    if after.total == before.total:
        return None
    return RevisionAdjustment(period=period, employee_id=result.employee_id, locked_run_id=locked_run_id,
                              plan_version=plan.version, before=before, after=after)


def revision_line(adjustment: RevisionAdjustment) -> PayslipLine:
    before, after = adjustment.before, adjustment.after
    return PayslipLine(
        rule=RULE, kind="adjustment", amount=adjustment.amount, formula=FORMULA,
        calculation=f"{text(after.total)} − {text(before.total)} = {text(adjustment.amount)}",
        inputs={"reason": (f"appraisal revised the results of {adjustment.period} (revision {before.revision} → "
                           f"{after.revision}) after its pay run was locked"),
                "from_period": adjustment.period, "from_run_id": str(adjustment.locked_run_id),
                "from_revision": before.revision, "to_revision": after.revision,
                "plan_version": adjustment.plan_version, "before": before.as_json(), "after": after.as_json()},
    )


def _text(value: Decimal | None) -> str | None:
    return text(value) if value is not None else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None
