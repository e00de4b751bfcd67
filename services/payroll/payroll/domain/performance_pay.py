"""Performance pay (绩效工资, P2): the full standard at the full score, in proportion above and below.

performance pay = standard × score ÷ full score (the full score is a setting, 80 by default).
"""

from __future__ import annotations

from decimal import Decimal

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents

RULE = "P2.performance_pay"
FORMULA = "performance_standard × score ÷ full_score_at"


def performance_pay(standard: Decimal, score: Decimal, full_score_at: Decimal) -> Decimal:
    """Exact, unrounded: rounding belongs to the line."""
    if full_score_at <= 0:
        raise ValueError("the full score must be positive")
    return standard * score / full_score_at


def performance_pay_line(standard: Decimal, score: Decimal, full_score_at: Decimal, *, plan_version: int
                         ) -> PayslipLine:
    exact = performance_pay(standard, score, full_score_at)
    amount = to_cents(exact)
    return PayslipLine(
        rule=RULE, kind="performance_pay", amount=amount, formula=FORMULA,
        calculation=f"{text(standard)} × {text(score)} ÷ {text(full_score_at)} = {text(exact)} → {text(amount)}",
        inputs={"performance_standard": text(standard), "score": text(score),
                "full_score_at": text(full_score_at), "plan_version": plan_version},
    )
