"""Customer credit (C11): rate, flag or clear with a reason; the flagged list for the weekly report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field, StringConstraints

from crm.domain.credit import Credit
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import Reason, _Read, _Request
from crm.service_layer import credit

router = APIRouter(tags=["credit"])

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class CreditSet(_Request):
    rating: Code | None = Field(None, description="one of CRM_CREDIT_RATINGS (A, B, C, D)")
    flag: Code | None = Field(None, description="one of CRM_CREDIT_FLAGS (bad_credit, abnormal)")
    clear_flag: bool = False
    reason: Reason = Field(description="why; required")


class CreditRead(BaseModel):
    rating: str | None
    flag: str | None
    reason: str | None
    changed_by: uuid.UUID | None
    changed_at: datetime | None

    @classmethod
    def of(cls, value: Credit) -> CreditRead:
        return cls(rating=value.rating, flag=value.flag, reason=value.reason, changed_by=value.changed_by,
                   changed_at=value.changed_at)


class CreditChangeRead(_Read):
    rating: str | None
    flag: str | None
    reason: str
    changed_by: uuid.UUID
    changed_at: datetime


class CustomerCreditRead(CreditRead):
    customer_id: uuid.UUID
    history: list[CreditChangeRead]


class FlaggedCustomerRead(BaseModel):
    customer_id: uuid.UUID
    name: str
    company: str | None
    credit: CreditRead


@router.put("/customers/{customer_id}/credit")
async def set_credit(customer_id: uuid.UUID, body: CreditSet, bus: BusDep, user: CurrentUser) -> CustomerCreditRead:
    """Rate a customer, or flag it bad_credit/abnormal, or clear the flag, with a reason (leaders, managers,
    finance, admins; a customer of whom the caller sees a lead)."""
    await bus.handle(credit.SetCustomerCredit(by=user, customer_id=customer_id, reason=body.reason, rating=body.rating,
                                              flag=body.flag, clear_flag=body.clear_flag))
    return await get_credit(customer_id, bus, user)


@router.get("/customers/{customer_id}/credit")
async def get_credit(customer_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> CustomerCreditRead:
    current, history = await credit.customer_credit(bus, user, customer_id)
    return CustomerCreditRead(customer_id=customer_id, **CreditRead.of(current).model_dump(),
                              history=[CreditChangeRead.model_validate(change) for change in history])


@router.get("/customers/flagged")
async def flagged(bus: BusDep, user: CurrentUser) -> list[FlaggedCustomerRead]:
    """Flagged customers of whom the caller sees a lead, latest flagged first (the weekly report's list)."""
    items = await credit.flagged_customers(bus, user)
    return [FlaggedCustomerRead(customer_id=item.customer_id, name=item.name, company=item.company,
                                credit=CreditRead.of(item.credit)) for item in items]
