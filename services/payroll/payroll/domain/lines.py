"""A payslip line: an amount together with the rule, formula and inputs that produced it (P8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class PayslipLine:
    rule: str  # the business rule that produced it, e.g. "P2.performance_pay"
    kind: str  # base_salary, performance_pay, bonus, commission, adjustment
    amount: Decimal  # rounded to cents: the gross is the sum of these
    formula: str  # the rule in words: "performance_standard × score ÷ full_score_at"
    calculation: str  # the formula with this employee's numbers, before and after rounding
    inputs: dict[str, Any] = field(default_factory=dict)  # decimals as strings, ids as strings
