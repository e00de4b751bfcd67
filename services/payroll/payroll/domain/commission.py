"""Commission settled by collection (业务提成 按回款, P4/C8): a rate on the money received in the
period, never on money merely signed. Payments that reach payroll after their period's run
are paid in a later run as adjustments (P8, see :mod:`payroll.domain.adjustments`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents

RULE = "P4.commission"
FORMULA = "commission_rate × Σ payments received in the period"


@dataclass(frozen=True)
class Collection:
    """Money received (回款) against a deal, credited to the signing rep."""

    payment_id: uuid.UUID
    deal_id: uuid.UUID
    rep_id: uuid.UUID
    amount: Decimal
    received_on: date
    period: str


def commission(rate: Decimal, amounts: Sequence[Decimal]) -> Decimal:
    """The rate applies to the sum: one rounding per line, not one per payment."""
    return rate * sum(amounts, Decimal(0))


def describe(collections: Sequence[Collection]) -> list[dict[str, str]]:
    ordered = sorted(collections, key=lambda c: (c.received_on, str(c.payment_id)))
    return [{"payment_id": str(c.payment_id), "deal_id": str(c.deal_id), "amount": text(c.amount),
             "received_on": c.received_on.isoformat()} for c in ordered]


def commission_line(rate: Decimal, collections: Sequence[Collection], *, period: str, plan_version: int
                    ) -> PayslipLine:
    collected = sum((c.amount for c in collections), Decimal(0))
    exact = commission(rate, [c.amount for c in collections])
    amount = to_cents(exact)
    return PayslipLine(
        rule=RULE, kind="commission", amount=amount, formula=FORMULA,
        calculation=f"{text(rate)} × {text(collected)} = {text(exact)} → {text(amount)}",
        inputs={"commission_rate": text(rate), "collected": text(collected), "period": period,
                "plan_version": plan_version, "payments": describe(collections)},
    )
