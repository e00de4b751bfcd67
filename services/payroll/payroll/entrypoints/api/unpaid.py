"""Money never lost (issue 9, item 7): the payments no run has paid yet, each with the reason."""

from __future__ import annotations

import uuid
from decimal import Decimal

from fastapi import APIRouter
from pydantic import BaseModel

from payroll.domain.unpaid import UnpaidCollection, UnpaidReason, total
from payroll.entrypoints.api.deps import BusDep, PayrollOfficer
from payroll.service_layer.unpaid import unpaid_collections
from shared.fields import IsoDate

router = APIRouter(tags=["runs"])


class UnpaidCollectionRead(BaseModel):
    payment_id: uuid.UUID
    deal_id: uuid.UUID
    rep_id: uuid.UUID
    rep_name: str | None
    amount: Decimal
    received_on: IsoDate
    period: str
    reason: UnpaidReason
    explanation: str

    @classmethod
    def of(cls, item: UnpaidCollection) -> UnpaidCollectionRead:
        c = item.collection
        return cls(payment_id=c.payment_id, deal_id=c.deal_id, rep_id=c.rep_id, rep_name=item.rep_name,
                   amount=c.amount, received_on=c.received_on, period=c.period, reason=item.reason,
                   explanation=item.explanation)


class UnpaidCollectionsRead(BaseModel):
    total: Decimal
    count: int
    payments: list[UnpaidCollectionRead]


@router.get("/collections/unpaid")
async def list_unpaid_collections(bus: BusDep, user: PayrollOfficer) -> UnpaidCollectionsRead:
    """Every payment collected that no pay run has paid commission on yet, with the reason and what
    pays it (its period's run, the next run, or someone's action). Nothing collected is missing from
    both the runs and this list."""
    unpaid = await unpaid_collections(bus)
    return UnpaidCollectionsRead(total=total(unpaid), count=len(unpaid),
                                 payments=[UnpaidCollectionRead.of(item) for item in unpaid])
