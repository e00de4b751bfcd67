"""Deals (orders/contracts) and payments received against them (回款, C8)."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from crm.adapters.repositories import DealQuery
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import (
    DealCreate,
    DealDetailRead,
    DealPageRead,
    DealRead,
    DealRecordedRead,
    InstalmentRead,
    PaymentCreate,
    PaymentRead,
    PaymentRecordedRead,
    RefundRead,
)
from crm.service_layer import commands, credit, views

router = APIRouter(tags=["deals"])


@router.post("/deals", status_code=201)
async def record_deal(body: DealCreate, bus: BusDep, user: CurrentUser) -> DealRecordedRead:
    """Record a signed deal on a lead or a known customer; its rep's group and department come from org.
    ``warnings`` says when the customer is flagged for credit (C11): recorded all the same."""
    deal = await bus.handle(commands.RecordDeal(
        by=user, lead_id=body.lead_id, customer_id=body.customer_id, amount=body.amount, cost=body.cost,
        signed_on=body.signed_on, rep_id=body.rep_id, units=body.units))
    return DealRecordedRead.of(deal, warnings=await credit.warnings_for_deal(bus, deal.customer_id))


@router.get("/deals")
async def list_deals(
    bus: BusDep,
    user: CurrentUser,
    rep_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    lead_id: uuid.UUID | None = None,
    status: Literal["active", "cancelled"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> DealPageRead:
    """List the deals the caller may see, latest signed first, with what is collected and outstanding."""
    query = DealQuery(rep_id=rep_id, customer_id=customer_id, lead_id=lead_id, status=status)
    page = await views.deals(bus, user, query, limit=limit, offset=offset)
    return DealPageRead(items=[DealRead.of(deal) for deal in page.items], total=page.total, limit=limit,
                        offset=offset)


@router.get("/deals/{deal_id}")
async def get_deal(deal_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> DealDetailRead:
    """Read one deal within the caller's scope, with its payments."""
    view = await views.deal(bus, user, deal_id)
    return DealDetailRead.of(view.deal, payments=[PaymentRead.model_validate(p) for p in view.payments],
                             refunds=[RefundRead.model_validate(r) for r in view.refunds],
                             plan=[InstalmentRead.of(state) for state in view.plan])


@router.post("/deals/{deal_id}/payments", status_code=201)
async def record_payment(deal_id: uuid.UUID, body: PaymentCreate, bus: BusDep,
                         user: CurrentUser) -> PaymentRecordedRead:
    """Record money received against a deal; collections never exceed the deal's amount."""
    outcome = await bus.handle(commands.RecordPayment(by=user, deal_id=deal_id, amount=body.amount,
                                                      received_on=body.received_on))
    return PaymentRecordedRead.of(outcome)
