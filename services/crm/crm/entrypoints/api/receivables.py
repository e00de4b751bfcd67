"""Refunds, cancellations, payment plans, costs and overdue receivables (C8)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import APIRouter

from crm.domain.deals import instalment_states
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.receivable_schemas import (
    DealCancel,
    DealCancelledRead,
    DealCostSet,
    OverdueReceivableRead,
    OverdueReceivablesRead,
    PaymentPlanRead,
    PaymentPlanSet,
    RefundCreate,
    RefundRecordedRead,
)
from crm.entrypoints.api.schemas import DealRead, InstalmentRead, RefundRead
from crm.service_layer import receivable_commands as commands
from crm.service_layer import receivable_views

router = APIRouter(tags=["receivables"])


@router.post("/deals/{deal_id}/refunds", status_code=201)
async def record_refund(deal_id: uuid.UUID, body: RefundCreate, bus: BusDep, user: CurrentUser) -> RefundRecordedRead:
    """Give money back against one payment (finance, admin): never more than that payment kept; a reason
    is required. Emits ``crm.payment.refunded.v1``."""
    outcome = await bus.handle(commands.RecordRefund(by=user, deal_id=deal_id, payment_id=body.payment_id,
                                                     amount=body.amount, reason=body.reason,
                                                     refunded_on=body.refunded_on))
    return RefundRecordedRead(**RefundRead.model_validate(outcome.refund).model_dump(),
                              deal=DealRead.of(outcome.deal))


@router.post("/deals/{deal_id}/cancel")
async def cancel_deal(deal_id: uuid.UUID, body: DealCancel, bus: BusDep, user: CurrentUser) -> DealCancelledRead:
    """Cancel a deal (finance, admin, the department's manager): it takes no more payments and owes
    nothing. Collected money stays recorded until refunded, here with ``refund_collected`` or later
    one refund at a time. Emits ``crm.deal.cancelled.v1`` (then a refund event per payment given back)."""
    outcome = await bus.handle(commands.CancelDeal(by=user, deal_id=deal_id, reason=body.reason,
                                                   cancelled_on=body.cancelled_on,
                                                   refund_collected=body.refund_collected))
    return DealCancelledRead(deal=DealRead.of(outcome.deal),
                             refunds=[RefundRead.model_validate(refund) for refund in outcome.refunds])


@router.put("/deals/{deal_id}/plan")
async def set_payment_plan(deal_id: uuid.UUID, body: PaymentPlanSet, bus: BusDep, user: CurrentUser
                           ) -> PaymentPlanRead:
    """Set (replace) the deal's payment plan: instalments in increasing due order adding up to its amount."""
    deal, plan = await bus.handle(commands.SetPaymentPlan(
        by=user, deal_id=deal_id,
        instalments=[commands.PlannedInstalment(due_on=item.due_on, amount=item.amount) for item in body.instalments]))
    states = instalment_states(plan, deal.net_collected, bus.clock.today())
    return PaymentPlanRead(deal_id=deal.id, instalments=[InstalmentRead.of(state) for state in states])


@router.put("/deals/{deal_id}/cost")
async def set_deal_cost(deal_id: uuid.UUID, body: DealCostSet, bus: BusDep, user: CurrentUser) -> DealRead:
    """Set or correct the deal's cost after signing (finance, admin, the department's management), so that
    its profit is known. Emits ``crm.deal.cost_set.v1`` with the deal's new revision."""
    return DealRead.of(await bus.handle(commands.SetDealCost(by=user, deal_id=deal_id, cost=body.cost)))


@router.get("/receivables/overdue")
async def overdue_receivables(bus: BusDep, user: CurrentUser, rep_id: uuid.UUID | None = None
                              ) -> OverdueReceivablesRead:
    """Instalments past due and not covered by the money received, within the caller's scope, longest
    overdue first (by the company's today)."""
    items = await receivable_views.overdue_receivables(bus, user, rep_id=rep_id)
    return OverdueReceivablesRead(items=[OverdueReceivableRead.of(item) for item in items],
                                  total_outstanding=sum((item.state.outstanding for item in items), Decimal("0.00")),
                                  as_of=bus.clock.today())
