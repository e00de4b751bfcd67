"""Adjustments (P8): a locked run never changes, so money that reaches payroll after its period's
run was computed is paid in the next run, on a line saying where it came from."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from payroll.domain.commission import Collection, commission, describe
from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents

RULE = "P8.adjustment"
FORMULA = "commission_rate of the payments' period × Σ payments that arrived after that period's run"


def late_commission_line(rate: Decimal, collections: Sequence[Collection], *, from_period: str,
                         from_run_id: uuid.UUID | None, plan_version: int) -> PayslipLine:
    collected = sum((c.amount for c in collections), Decimal(0))
    exact = commission(rate, [c.amount for c in collections])
    amount = to_cents(exact)
    return PayslipLine(
        rule=RULE, kind="adjustment", amount=amount, formula=FORMULA,
        calculation=f"{text(rate)} × {text(collected)} = {text(exact)} → {text(amount)}",
        inputs={"reason": (f"commission on payments received in {from_period} that arrived after its pay run"
                           if from_run_id else f"commission on payments received in {from_period}, "
                           "a period with no pay run of its own"),
                "from_period": from_period, "from_run_id": str(from_run_id) if from_run_id else None,
                "commission_rate": text(rate), "collected": text(collected), "plan_version": plan_version,
                "payments": describe(collections)},
    )
