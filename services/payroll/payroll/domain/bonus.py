"""Performance bonus (绩效奖金, P3): bonus base × the appraisal's coefficient (A5, computed by appraisal)."""

from __future__ import annotations

from decimal import Decimal

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents

RULE = "P3.bonus"
FORMULA = "bonus_base × coefficient"


def bonus(bonus_base: Decimal, coefficient: Decimal) -> Decimal:
    return bonus_base * coefficient


def bonus_line(bonus_base: Decimal, coefficient: Decimal, *, score: Decimal, plan_version: int) -> PayslipLine:
    exact = bonus(bonus_base, coefficient)
    amount = to_cents(exact)
    return PayslipLine(
        rule=RULE, kind="bonus", amount=amount, formula=FORMULA,
        calculation=f"{text(bonus_base)} × {text(coefficient)} = {text(exact)} → {text(amount)}",
        inputs={"bonus_base": text(bonus_base), "coefficient": text(coefficient), "score": text(score),
                "plan_version": plan_version},
    )
