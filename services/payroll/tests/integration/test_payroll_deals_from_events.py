"""Deals, cancellations and refunds from crm: stored once whatever the redelivery, and kept when
they arrive before what they refer to."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from payroll_world import SALES, PayrollWorld, day

from shared.auth import Role
from shared.clock import shift_month
from shared.events.crm import DealCancelled, DealCostSet, DealWon, PaymentRefunded

D = Decimal
ANN = uuid.UUID(int=0xA)


def won(period: str, amount: str = "10000.00", *, cost: str | None = "6000.00", units: int | None = 3,
        deal_id: uuid.UUID | None = None, signed: int = 10) -> DealWon:
    return DealWon(deal_id=deal_id or uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=ANN, department_id=SALES,
                   amount=D(amount), cost=D(cost) if cost else None, units=units, signed_on=day(period, signed))


def cancelled(deal: DealWon, period: str) -> DealCancelled:
    return DealCancelled(deal_id=deal.deal_id, rep_id=deal.rep_id, department_id=deal.department_id,
                         amount=deal.amount, units=deal.units, cancelled_on=day(period, 20), reason="customer withdrew",
                         cancelled_by=uuid.uuid4())


async def test_a_deal_redelivered_or_resent_is_stored_once(world: PayrollWorld, period: str) -> None:
    deal = won(period)
    envelope = await world.deliver(deal)
    await world.deliver(envelope)
    await world.deliver(deal)  # the same fact under a new event id
    resent = deal.model_copy(update={"amount": D("99999.00")})
    await world.deliver(resent)  # a signed deal's figures are facts: the first one stays
    assert world.duplicates == 1
    async with world.uow() as uow:
        stored = await uow.deals.get(deal.deal_id)
    assert stored is not None
    assert (stored.amount, stored.profit, stored.units, stored.period) == (D("10000.00"), D("4000.00"), 3, period)


async def test_a_cancellation_before_its_deal_is_kept_and_applies(world: PayrollWorld, period: str) -> None:
    deal, other = won(period), won(period, "5000.00", cost=None, units=None)
    await world.deliver(cancelled(deal, period))
    await world.deliver(deal)
    await world.deliver(other)
    async with world.uow() as uow:
        stored = await uow.deals.get(deal.deal_id)
        signed = await uow.deals.signed(period=period, rep_ids=[ANN])
        everything = await uow.deals.signed(period=period, include_cancelled=True)
        profit = await uow.deals.department_profit(SALES, period)
    assert stored is not None and stored.cancelled and stored.cancel_reason == "customer withdrew"
    assert [each.deal_id for each in signed] == [other.deal_id]
    assert len(everything) == 2
    # The cancelled deal's profit no longer counts; a deal without a cost has no profit to count.
    assert (profit.profit, profit.deals, [d.deal_id for d in profit.without_profit]) == (D(0), (), [other.deal_id])


async def test_a_refund_before_its_payment_is_kept(world: PayrollWorld, period: str) -> None:
    payment_id, deal_id = uuid.uuid4(), uuid.uuid4()
    refund = PaymentRefunded(refund_id=uuid.uuid4(), payment_id=payment_id, deal_id=deal_id, rep_id=ANN,
                             amount=D("300.00"), refunded_on=day(period, 25), reason="returned goods",
                             recorded_by=uuid.uuid4())
    envelope = await world.deliver(refund)
    await world.deliver(envelope)
    await world.deliver(refund)
    async with world.uow() as uow:
        refunded = await uow.deals.refunded([payment_id])
        (stored,) = await uow.deals.refunds(rep_ids=[ANN])
    assert refunded == {payment_id: D("300.00")}
    assert (stored.refund_id, stored.period, stored.reason) == (refund.refund_id, period, "returned goods")


async def test_department_profit_sums_the_periods_deals(world: PayrollWorld, period: str) -> None:
    await world.deliver(won(period, "10000.00", cost="6000.00"))
    await world.deliver(won(period, "8000.00", cost="7500.50"))
    await world.deliver(DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=ANN, department_id=SALES,
                                amount=D("100.00"), profit=D("40.00"), signed_on=day(period, 3)))
    async with world.uow() as uow:
        profit = await uow.deals.department_profit(SALES, period)
        elsewhere = await uow.deals.department_profit(uuid.uuid4(), period)
    assert profit.profit == D("4539.50")
    assert len(profit.deals) == 3
    assert elsewhere.profit == D(0)


def cost_set(deal: DealWon, cost: str, revision: int) -> DealCostSet:
    return DealCostSet(deal_id=deal.deal_id, rep_id=deal.rep_id, department_id=deal.department_id,
                       amount=deal.amount, cost=D(cost), profit=deal.amount - D(cost), revision=revision,
                       set_by=uuid.uuid4(), set_at=datetime(2026, 1, 1, tzinfo=UTC))


async def test_a_corrected_cost_changes_the_profit_whatever_the_order(world: PayrollWorld, period: str) -> None:
    late, early = won(period, "10000.00", cost=None), won(period, "5000.00", cost="1000.00")
    await world.deliver(cost_set(late, "7000.00", revision=3))  # before its deal
    await world.deliver(late)
    await world.deliver(early)
    await world.deliver(cost_set(early, "2500.00", revision=2))
    await world.deliver(cost_set(early, "4000.00", revision=1))  # older, arriving late: ignored
    async with world.uow() as uow:
        profit = await uow.deals.department_profit(SALES, period)
        found = await uow.deals.get(early.deal_id)
    assert (found.cost, found.profit) == (D("2500.00"), D("2500.00"))
    assert profit.profit == D("3000.00") + D("2500.00")
    assert profit.without_profit == ()


async def test_finance_reads_the_deals_payroll_holds_for_a_period(world: PayrollWorld, period: str, client,
                                                                  tokens) -> None:
    kept, dropped = won(period, "10000.00", cost="6000.00"), won(period, "3000.00", cost=None, units=None)
    for event in (kept, dropped, cancelled(dropped, period), won(shift_month(period, 1))):
        await world.deliver(event)
    await world.deliver(PaymentRefunded(refund_id=uuid.uuid4(), payment_id=uuid.uuid4(), deal_id=kept.deal_id,
                                        rep_id=ANN, amount=D("1200.00"), refunded_on=day(period, 25),
                                        reason="returned", recorded_by=uuid.uuid4()))
    answer = await client.get("/deals", params={"period": period}, headers=tokens.headers(Role.FINANCE))
    assert answer.status_code == 200, answer.text
    found = {deal["deal_id"]: deal for deal in answer.json()}
    assert found.keys() == {str(kept.deal_id), str(dropped.deal_id)}
    assert (found[str(kept.deal_id)]["profit"], found[str(kept.deal_id)]["units"],
            found[str(kept.deal_id)]["refunded"]) == ("4000.00", 3, "1200.00")
    assert found[str(dropped.deal_id)]["cancelled_on"] == day(period, 20).isoformat()
    for roles in ((Role.SALES_REP,), (Role.DEPARTMENT_MANAGER,)):
        assert (await client.get("/deals", params={"period": period},
                                 headers=tokens.headers(*roles))).status_code == 403
    assert (await client.get("/deals", params={"period": "2026-13"},
                             headers=tokens.headers(Role.FINANCE))).status_code == 422
