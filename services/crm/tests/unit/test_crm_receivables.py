"""Refunds, cancellation and payment plans as domain rules (C8): no database."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm.domain.deals import Deal, DealStatus, Payment, instalment_states, plan_instalments, require_reason
from shared.errors import InvalidInput, RuleViolation
from shared.testing import QUIET_INSTANT

SIGNED = QUIET_INSTANT.date()


def deal(amount: str = "1000.00", cost: str | None = None) -> Deal:
    return Deal(id=uuid.uuid4(), customer_id=uuid.uuid4(), lead_id=None, rep_id=uuid.uuid4(), group_id=None,
                department_id=None, amount=Decimal(amount), cost=Decimal(cost) if cost else None, currency="CNY",
                signed_on=SIGNED, created_by=uuid.uuid4(), created_at=QUIET_INSTANT)


def paid(on: Deal, amount: str) -> Payment:
    on.collect(Decimal(amount))
    return Payment(id=uuid.uuid4(), deal_id=on.id, amount=Decimal(amount), received_on=SIGNED,
                   recorded_by=uuid.uuid4(), recorded_at=QUIET_INSTANT)


class TestRefunds:
    def test_a_refund_reopens_what_the_customer_owes_and_never_exceeds_the_payment(self) -> None:
        d = deal()
        payment = paid(d, "600.00")
        d.give_back(payment, Decimal("200.00"))
        assert (d.collected, d.refunded, d.net_collected, d.outstanding) == (
            Decimal("600.00"), Decimal("200.00"), Decimal("400.00"), Decimal("600.00"))
        with pytest.raises(RuleViolation) as refused:
            d.give_back(payment, Decimal("400.01"))
        assert refused.value.extra["refundable"] == "400.00"
        d.give_back(payment, Decimal("400.00"))
        assert payment.refundable == Decimal("0.00")

    def test_a_refund_of_another_deals_payment_is_refused(self) -> None:
        one, other = deal(), deal()
        with pytest.raises(RuleViolation):
            one.give_back(paid(other, "10.00"), Decimal("1.00"))

    def test_a_reason_is_required(self) -> None:
        for blank in (None, "", "   "):
            with pytest.raises(InvalidInput):
                require_reason(blank)
        assert require_reason("  defective  ") == "defective"


class TestCancellation:
    def test_a_cancelled_deal_owes_nothing_and_takes_no_payment(self) -> None:
        d = deal()
        paid(d, "300.00")
        d.cancel(on=SIGNED + timedelta(days=3), reason="customer withdrew", by=uuid.uuid4())
        assert (d.status, d.outstanding, d.net_collected) == (DealStatus.CANCELLED, Decimal("0.00"),
                                                               Decimal("300.00"))
        with pytest.raises(RuleViolation):
            d.collect(Decimal("1.00"))
        with pytest.raises(RuleViolation):
            d.cancel(on=SIGNED + timedelta(days=3), reason="again", by=uuid.uuid4())

    def test_a_deal_cannot_be_cancelled_before_it_was_signed(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            deal().cancel(on=SIGNED - timedelta(days=1), reason="x", by=uuid.uuid4())
        assert refused.value.extra["errors"][0]["field"] == "cancelled_on"

    def test_setting_the_cost_bumps_the_revision_and_changes_the_profit(self) -> None:
        d = deal("1000.00")
        assert d.set_cost(Decimal("650.50")) is None
        assert (d.profit, d.revision) == (Decimal("349.50"), 2)
        assert d.set_cost(Decimal("700.00")) == Decimal("650.50")
        with pytest.raises(RuleViolation):
            d.set_cost(Decimal("700.00"))


class TestPlans:
    def test_instalments_must_increase_and_add_up_to_the_amount(self) -> None:
        d = deal("1000.00")
        later = SIGNED + timedelta(days=30)
        plan = plan_instalments(d, [(SIGNED, Decimal("400.00")), (later, Decimal("600.00"))])
        assert [(i.seq, i.amount) for i in plan] == [(1, Decimal("400.00")), (2, Decimal("600.00"))]
        cases = {
            "instalments": [(SIGNED, Decimal("400.00")), (later, Decimal("599.99"))],
            "instalments[1].due_on": [(later, Decimal("400.00")), (later, Decimal("600.00"))],
            "instalments[0].due_on": [(SIGNED - timedelta(days=1), Decimal("1000.00"))],
            "instalments[0].amount": [(SIGNED, Decimal("0.00")), (later, Decimal("1000.00"))],
        }
        for field, items in cases.items():
            with pytest.raises(InvalidInput) as refused:
                plan_instalments(d, items)
            assert refused.value.extra["errors"][0]["field"] == field

    def test_money_pays_the_earliest_instalment_first_and_the_rest_is_overdue_by_date(self) -> None:
        d = deal("1000.00")
        first, second, third = (SIGNED + timedelta(days=n) for n in (10, 40, 70))
        plan = plan_instalments(d, [(first, Decimal("300.00")), (second, Decimal("300.00")),
                                    (third, Decimal("400.00"))])
        today = SIGNED + timedelta(days=45)
        states = instalment_states(plan, Decimal("450.00"), today)
        assert [(s.paid, s.outstanding, s.days_overdue) for s in states] == [
            (Decimal("300.00"), Decimal("0.00"), 0),
            (Decimal("150.00"), Decimal("150.00"), 5),
            (Decimal("0.00"), Decimal("400.00"), 0),
        ]
        # Due today is not yet overdue.
        assert not instalment_states(plan, Decimal("0.00"), first)[0].overdue

    def test_a_cancelled_deal_gets_no_plan(self) -> None:
        d = deal()
        d.cancel(on=SIGNED, reason="x", by=uuid.uuid4())
        with pytest.raises(RuleViolation):
            plan_instalments(d, [(date(2030, 1, 1), Decimal("1000.00"))])
