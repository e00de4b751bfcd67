"""Request and response bodies of refunds, cancellations, payment plans, costs and receivables."""

from __future__ import annotations

import uuid
from decimal import Decimal

from pydantic import BaseModel, Field

from crm.entrypoints.api.schemas import Cost, DealRead, InstalmentRead, Money, Reason, RefundRead, _Request
from crm.service_layer.receivable_views import OverdueReceivable
from shared.fields import IsoDate


class RefundCreate(_Request):
    payment_id: uuid.UUID = Field(description="the payment the money is given back from")
    amount: Money
    reason: Reason = Field(description="why the money goes back; required")
    refunded_on: IsoDate | None = Field(None, description="defaults to the company's today")


class RefundRecordedRead(RefundRead):
    deal: DealRead


class DealCancel(_Request):
    reason: Reason = Field(description="why the deal is cancelled; required")
    cancelled_on: IsoDate | None = Field(None, description="defaults to the company's today")
    refund_collected: bool = Field(False, description="also give back, now, every payment's part not yet refunded "
                                                      "(one crm.payment.refunded.v1 each)")


class DealCancelledRead(BaseModel):
    deal: DealRead
    refunds: list[RefundRead]


class InstalmentCreate(_Request):
    due_on: IsoDate
    amount: Money


class PaymentPlanSet(_Request):
    instalments: list[InstalmentCreate] = Field(min_length=1, max_length=120)


class PaymentPlanRead(BaseModel):
    deal_id: uuid.UUID
    instalments: list[InstalmentRead]


class DealCostSet(_Request):
    cost: Cost


class OverdueReceivableRead(BaseModel):
    deal_id: uuid.UUID
    customer_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    seq: int
    due_on: IsoDate
    amount: Decimal
    paid: Decimal
    outstanding: Decimal
    days_overdue: int
    currency: str

    @classmethod
    def of(cls, item: OverdueReceivable) -> OverdueReceivableRead:
        deal, state = item.deal, item.state
        return cls(deal_id=deal.id, customer_id=deal.customer_id, rep_id=deal.rep_id, group_id=deal.group_id,
                   department_id=deal.department_id, seq=state.instalment.seq, due_on=state.instalment.due_on,
                   amount=state.instalment.amount, paid=state.paid, outstanding=state.outstanding,
                   days_overdue=state.days_overdue, currency=deal.currency)


class OverdueReceivablesRead(BaseModel):
    items: list[OverdueReceivableRead]
    total_outstanding: Decimal
    as_of: IsoDate
