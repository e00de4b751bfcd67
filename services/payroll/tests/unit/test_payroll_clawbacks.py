"""Refunds and cancellations reverse exactly what was earned; what the month cannot absorb is carried (P4)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from payroll.domain.clawbacks import Accrual, clawback_lines, reversals, settle_balance
from payroll.domain.deals import DealCancellation, Refund

D = Decimal
REP, RUN = uuid.uuid4(), uuid.uuid4()


def accrual(kind: str, money: str, earned: str, *, deal_id: uuid.UUID | None = None, reversed_: str = "0") -> Accrual:
    source = uuid.uuid4()
    return Accrual(id=uuid.uuid4(), run_id=RUN, period="2026-10", employee_id=REP, kind=kind, source_id=source,
                   deal_id=deal_id or (source if kind == "deal" else uuid.uuid4()), money=D(money), earned=D(earned),
                   plan="seed@1", reversed=D(reversed_))


def refund(payment: Accrual, amount: str) -> Refund:
    return Refund(refund_id=uuid.uuid4(), payment_id=payment.source_id, deal_id=payment.deal_id, rep_id=REP,
                  amount=D(amount), refunded_on=date(2026, 11, 3), period="2026-11", reason="returned",
                  recorded_by=uuid.uuid4())


def cancel(deal_id: uuid.UUID) -> DealCancellation:
    return DealCancellation(deal_id=deal_id, rep_id=REP, amount=D(1), units=None, cancelled_on=date(2026, 11, 4),
                            period="2026-11", reason="withdrawn", cancelled_by=uuid.uuid4())


def test_a_refund_reverses_its_share_of_what_the_payment_earned():
    payment = accrual("payment", "3000.00", "60.00")
    back = refund(payment, "1000.00")
    (reversal,) = reversals([back], [], [payment])
    assert reversal.amount == D(20)  # 60 × 1000 ÷ 3000
    (line,) = clawback_lines([reversal], [back], [])
    assert (line.rule, line.amount) == ("P4.clawback", D("-20.00"))
    assert line.inputs["refund_id"] == str(back.refund_id)
    assert line.inputs["paid_by"][0]["run_id"] == str(RUN)


def test_a_refund_of_money_that_never_earned_reverses_nothing():
    payment = accrual("payment", "3000.00", "60.00")
    stranger = Refund(refund_id=uuid.uuid4(), payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=REP,
                      amount=D(500), refunded_on=date(2026, 11, 1), period="2026-11", reason="x",
                      recorded_by=uuid.uuid4())
    assert reversals([stranger], [], [payment]) == []


def test_refund_and_cancellation_of_one_deal_reverse_it_once():
    deal_id = uuid.uuid4()
    payment = accrual("payment", "3000.00", "60.00", deal_id=deal_id)
    done = reversals([refund(payment, "3000.00")], [cancel(deal_id)], [payment])
    assert [r.amount for r in done] == [D(60)]
    # An accrual already partly reversed by an earlier run gives back only the rest.
    half = accrual("payment", "3000.00", "60.00", deal_id=deal_id, reversed_="45")
    assert [r.amount for r in reversals([], [cancel(deal_id)], [half])] == [D(15)]


def test_a_cancelled_signing_deal_reverses_all_it_earned():
    deal = accrual("deal", "10000.00", "425.00")
    (line,) = clawback_lines(reversals([], [cancel(deal.deal_id)], [deal]), [], [cancel(deal.deal_id)])
    assert line.amount == D("-425.00")


def test_balance_beyond_the_months_commission_is_carried_then_taken():
    # Month 1: 300 clawed, 100 of commission: 100 taken, 200 carried; the carry line adds 200 back.
    first = settle_balance(D("100.00"), D("300.00"), D("0.00"))
    assert (first.carried, first.line.amount if first.line else None) == (D("200.00"), D("200.00"))
    # Month 2: nothing new, 500 of commission: the 200 brought is taken.
    second = settle_balance(D("500.00"), D("0.00"), first.carried)
    assert (second.carried, second.line.amount if second.line else None) == (D("0.00"), D("-200.00"))
    # Nothing owed, nothing clawed: no line.
    assert settle_balance(D("500.00"), D("0.00"), D("0.00")).line is None
