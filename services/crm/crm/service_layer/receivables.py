"""A deal's money after signing (C8): refunds (退款), cancellation (退单), payment plans and the cost
that makes its profit. Each change and its event commit together (outbox); the deal's row lock
serialises everything that touches one deal's money.

Who: refunds move money out, so finance and admins record them. Cancelling a deal is also open to
the department manager of the deal's department (who answers for its signing). Payment plans are
set by those who book collections (finance, management); the cost by finance, admins and the
department's management, never by the rep whose commission it changes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from crm.domain.deals import Deal, Instalment, Payment, Refund, plan_instalments, require_reason
from crm.domain.money import money, positive_money
from crm.service_layer import receivable_commands as commands
from crm.service_layer.access import require, scope_in
from crm.service_layer.aftersales import deal_cancelled
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.auth import Principal, Role
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import InvalidInput, NotFound
from shared.events.crm import DealCancelled, DealCostSet, PaymentRefunded

REFUNDERS = (Role.FINANCE, Role.ADMIN)
CANCELLERS = (Role.FINANCE, Role.ADMIN, Role.DEPARTMENT_MANAGER)
PLAN_SETTERS = (Role.FINANCE, Role.ADMIN, Role.SALES_DIRECTOR, *Role.DEPARTMENT_WIDE)
COST_SETTERS = (Role.FINANCE, Role.ADMIN, *Role.DEPARTMENT_WIDE)


@dataclass(frozen=True)
class RefundOutcome:
    refund: Refund
    deal: Deal


@dataclass(frozen=True)
class CancellationOutcome:
    deal: Deal
    refunds: list[Refund]


async def record_refund(command: commands.RecordRefund, bus: CrmBus) -> RefundOutcome:
    by = command.by
    require(by, REFUNDERS, "recording a refund")
    amount = positive_money(command.amount, field="amount")
    reason = require_reason(command.reason)
    refunded_on = command.refunded_on or bus.clock.today()
    if refunded_on > bus.clock.today():
        raise InvalidInput("refunded_on", "a refund is recorded once made, not before")
    async with bus.uow() as uow:
        deal = await _deal_in_scope(uow, by, command.deal_id)
        payment = next((p for p in await uow.deals.payments(deal.id) if p.id == command.payment_id), None)
        if payment is None:
            raise NotFound("no such payment on this deal", field="payment_id", payment_id=str(command.payment_id))
        if refunded_on < payment.received_on:
            raise InvalidInput("refunded_on", "money cannot be given back before it was received")
        refund = await _refund(uow, bus, deal, payment, amount, reason=reason, on=refunded_on, by=by)
        await uow.commit()
    return RefundOutcome(refund=refund, deal=deal)


async def cancel_deal(command: commands.CancelDeal, bus: CrmBus) -> CancellationOutcome:
    by = command.by
    require(by, CANCELLERS, "cancelling a deal")
    reason = require_reason(command.reason)
    today = bus.clock.today()
    cancelled_on = command.cancelled_on or today
    if cancelled_on > today:
        raise InvalidInput("cancelled_on", "a deal is cancelled once it is, not before")
    async with bus.uow() as uow:
        deal = await _deal_in_scope(uow, by, command.deal_id)
        deal.cancel(on=cancelled_on, reason=reason, by=by.employee_id)
        # The cancellation first, then the money back: a subscriber reading the partition in order
        # knows the deal is void before it sees the refunds.
        await uow.deals.save_cancellation(deal, bus.clock.now())
        await deal_cancelled(uow, deal)
        cancelled = DealCancelled(
            deal_id=deal.id, rep_id=deal.rep_id, group_id=deal.group_id, department_id=deal.department_id,
            amount=deal.amount, units=deal.units, cancelled_on=cancelled_on, reason=reason,
            cancelled_by=by.employee_id, collected=deal.net_collected, refunded=deal.refunded)
        uow.emit(cancelled)
        made: list[Refund] = []
        if command.refund_collected:
            for payment in await uow.deals.payments(deal.id):
                if payment.refundable > 0:
                    made.append(await _refund(uow, bus, deal, payment, payment.refundable, reason=reason,
                                              on=max(cancelled_on, payment.received_on), by=by))
        await uow.commit()
    return CancellationOutcome(deal=deal, refunds=made)


async def set_payment_plan(command: commands.SetPaymentPlan, bus: CrmBus) -> tuple[Deal, list[Instalment]]:
    by = command.by
    require(by, PLAN_SETTERS, "setting a payment plan")
    async with bus.uow() as uow:
        deal = await _deal_in_scope(uow, by, command.deal_id)
        plan = plan_instalments(deal, [(item.due_on, money(item.amount, field="instalments.amount"))
                                       for item in command.instalments])
        await uow.deals.replace_plan(deal.id, plan)
        await uow.commit()
    return deal, plan


async def set_deal_cost(command: commands.SetDealCost, bus: CrmBus) -> Deal:
    by = command.by
    require(by, COST_SETTERS, "setting a deal's cost")
    cost = money(command.cost, field="cost")
    async with bus.uow() as uow:
        deal = await _deal_in_scope(uow, by, command.deal_id)
        previous = deal.set_cost(cost)
        await uow.deals.save_cost(deal)
        assert deal.profit is not None
        uow.emit(DealCostSet(deal_id=deal.id, rep_id=deal.rep_id, group_id=deal.group_id,
                             department_id=deal.department_id, amount=deal.amount, cost=cost, profit=deal.profit,
                             previous_cost=previous, currency=deal.currency, revision=deal.revision,
                             set_by=by.employee_id, set_at=bus.clock.now()))
        await uow.commit()
    return deal


async def _refund(uow: CrmUnitOfWork, bus: CrmBus, deal: Deal, payment: Payment, amount, *, reason: str, on,
                  by: Principal) -> Refund:
    deal.give_back(payment, amount)
    refund = Refund(id=new_id(), payment_id=payment.id, deal_id=deal.id, amount=amount, refunded_on=on,
                    reason=reason, recorded_by=by.employee_id, recorded_at=bus.clock.now())
    await uow.deals.add_refund(refund)
    uow.emit(PaymentRefunded(refund_id=refund.id, payment_id=payment.id, deal_id=deal.id, rep_id=deal.rep_id,
                             group_id=deal.group_id, department_id=deal.department_id, amount=amount,
                             currency=deal.currency, refunded_on=on, reason=reason, recorded_by=by.employee_id))
    return refund


async def _deal_in_scope(uow: CrmUnitOfWork, by: Principal, deal_id: uuid.UUID) -> Deal:
    scope = await scope_in(uow, by)
    deal = await uow.deals.get(deal_id, for_update=True)
    if deal is None or not scope.sees(owner_id=deal.rep_id, group_id=deal.group_id,
                                      department_id=deal.department_id):
        raise NotFound("no such deal", deal_id=str(deal_id))
    return deal


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.RecordRefund: record_refund,
    commands.CancelDeal: cancel_deal,
    commands.SetPaymentPlan: set_payment_plan,
    commands.SetDealCost: set_deal_cost,
}
