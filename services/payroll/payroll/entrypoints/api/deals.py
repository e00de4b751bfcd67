"""What payroll holds of crm's deals (P4, P5): the deals of a period with their cost, units,
cancellation and refunds, as commission plans, clawbacks and the profit share will read them. Lets
finance check that crm's facts have reached payroll before a period is closed."""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel

from payroll.domain.deals import Deal
from payroll.entrypoints.api.deps import BusDep, PayrollOfficer
from payroll.entrypoints.api.schemas import Period
from payroll.service_layer.unit_of_work import PayrollBus
from shared.fields import IsoDate

router = APIRouter(tags=["deals"])


class DealRead(BaseModel):
    deal_id: uuid.UUID
    rep_id: uuid.UUID
    department_id: uuid.UUID | None
    amount: Decimal
    cost: Decimal | None
    profit: Decimal | None
    units: int | None
    signed_on: IsoDate
    period: str
    cancelled_on: IsoDate | None
    refunded: Decimal

    @classmethod
    def of(cls, deal: Deal, refunded: Decimal) -> DealRead:
        return cls(deal_id=deal.deal_id, rep_id=deal.rep_id, department_id=deal.department_id, amount=deal.amount,
                   cost=deal.cost, profit=deal.profit, units=deal.units, signed_on=deal.signed_on, period=deal.period,
                   cancelled_on=deal.cancelled_on, refunded=refunded)


async def deals_of(bus: PayrollBus, period: str) -> list[tuple[Deal, Decimal]]:
    async with bus.uow() as uow:
        signed = await uow.deals.signed(period=period, include_cancelled=True)
        refunds = await uow.deals.refunds(deal_ids=[deal.deal_id for deal in signed]) if signed else []
    refunded: dict[uuid.UUID, Decimal] = defaultdict(lambda: Decimal("0.00"))
    for refund in refunds:
        refunded[refund.deal_id] += refund.amount
    return [(deal, refunded[deal.deal_id]) for deal in signed]


@router.get("/deals")
async def list_deals(period: Period, bus: BusDep, user: PayrollOfficer) -> list[DealRead]:
    """The deals signed in ``period`` that payroll has received, cancelled ones included (with the day),
    and the money refunded on each so far."""
    return [DealRead.of(deal, refunded) for deal, refunded in await deals_of(bus, period)]
