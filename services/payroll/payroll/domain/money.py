"""Money (P9): exact decimals, rounded half-up to cents, once per payslip line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """Round to two places, half away from zero: 0.005 becomes 0.01."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def text(amount: Decimal) -> str:
    """A decimal as it travels on the wire and in a payslip's inputs: a string, never a float."""
    return format(amount, "f")
