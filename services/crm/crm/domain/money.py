"""Money (P9): exact decimals, two places, half-up rounding, applied explicitly."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shared.errors import InvalidInput

CENT = Decimal("0.01")


def money(value: Decimal | str | int, *, field: str) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise InvalidInput(field, "not a decimal amount") from error
    if not amount.is_finite():
        raise InvalidInput(field, "not a finite amount")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def positive_money(value: Decimal | str | int, *, field: str) -> Decimal:
    amount = money(value, field=field)
    if amount <= 0:
        raise InvalidInput(field, "must be greater than 0")
    return amount


def profit(amount: Decimal, cost: Decimal | None) -> Decimal | None:
    """Sales profit of a deal (C8): amount less cost, when the cost is known; it may be negative."""
    if cost is None:
        return None
    return (amount - cost).quantize(CENT, rounding=ROUND_HALF_UP)
