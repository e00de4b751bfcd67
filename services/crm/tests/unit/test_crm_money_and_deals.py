"""Money, profit and collections against a deal (C8, P9)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from crm.domain.deals import Deal
from crm.domain.money import money, positive_money, profit
from shared.errors import InvalidInput, RuleViolation
from shared.testing import QUIET_INSTANT


def deal(amount: str = "100.00", cost: str | None = None) -> Deal:
    return Deal(id=uuid.uuid4(), customer_id=uuid.uuid4(), lead_id=None, rep_id=uuid.uuid4(), group_id=None,
                department_id=None, amount=Decimal(amount), cost=Decimal(cost) if cost else None, currency="CNY",
                signed_on=QUIET_INSTANT.date(), created_by=uuid.uuid4(), created_at=QUIET_INSTANT)


def test_profit_is_amount_less_cost_and_unknown_without_a_cost() -> None:
    assert profit(Decimal("10000.00"), Decimal("6500.50")) == Decimal("3499.50")
    assert profit(Decimal("100.00"), Decimal("120.00")) == Decimal("-20.00")
    assert profit(Decimal("100.00"), None) is None
    assert deal("10000.00", "6500.50").profit == Decimal("3499.50")


def test_money_rounds_half_up_to_the_cent() -> None:
    assert money("2.345", field="amount") == Decimal("2.35")
    assert money("2.344", field="amount") == Decimal("2.34")
    assert str(money(5, field="amount")) == "5.00"


@pytest.mark.parametrize("value", ["0", "-1", "0.004", "NaN", "Infinity", "x"])
def test_amounts_must_be_positive_finite_numbers(value: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        positive_money(value, field="amount")
    assert refused.value.extra["errors"][0]["field"] == "amount"


def test_collections_add_up_to_the_amount_and_no_further() -> None:
    signed = deal("100.00")
    signed.collect(Decimal("60.00"))
    signed.collect(Decimal("40.00"))
    assert (signed.collected, signed.outstanding) == (Decimal("100.00"), Decimal("0.00"))


def test_a_payment_above_what_is_outstanding_is_refused_saying_how_much_is() -> None:
    signed = deal("100.00")
    signed.collect(Decimal("70.00"))
    with pytest.raises(RuleViolation) as refused:
        signed.collect(Decimal("30.01"))
    assert refused.value.status == 409
    assert refused.value.extra["outstanding"] == "30.00"
    assert signed.collected == Decimal("70.00"), "a refused payment changes nothing"
