"""Expense claims (P7): an employee claims, the department (branch) manager or HR/finance approve
or refuse; approved claims are reimbursed on the next computed run, one line each."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from payroll.adapters.expenses import ClaimFilter
from payroll.domain.expenses import ClaimStatus, ExpenseClaim, Receipt
from payroll.entrypoints.api.deps import BusDep, CurrentUser
from payroll.service_layer import expenses
from shared.fields import IsoDate

router = APIRouter(tags=["expenses"])

PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]


class ReceiptWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: PositiveMoney
    note: str = Field("", max_length=500)


class ClaimWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")
    category: str = Field(max_length=40, description="one of the configured categories: travel, living, "
                                                     "communication by default (GET /expense-standards)")
    incurred_on: IsoDate
    amount: PositiveMoney = Field(description="must equal the sum of the receipts")
    receipts: list[ReceiptWrite] = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)


class Refusal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


class ReceiptRead(BaseModel):
    amount: Decimal
    note: str


class ClaimRead(BaseModel):
    id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID | None
    category: str
    incurred_on: str
    amount: Decimal
    receipts: list[ReceiptRead]
    description: str
    status: ClaimStatus
    submitted_at: datetime
    approved_amount: Decimal | None
    refused_amount: Decimal | None
    reason: str | None = Field(description="why a claim or its part over the standard was refused")
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    paid_run_id: uuid.UUID | None = Field(description="the pay run that reimbursed it")
    paid_period: str | None

    @classmethod
    def of(cls, claim: ExpenseClaim) -> ClaimRead:
        return cls(
            id=claim.id, employee_id=claim.employee_id, department_id=claim.department_id, category=claim.category,
            incurred_on=claim.incurred_on.isoformat(), amount=claim.amount,
            receipts=[ReceiptRead(amount=r.amount, note=r.note) for r in claim.receipts],
            description=claim.description, status=claim.status, submitted_at=claim.submitted_at,
            approved_amount=claim.approved_amount, refused_amount=claim.refused_amount, reason=claim.reason,
            decided_by=claim.decided_by, decided_at=claim.decided_at, paid_run_id=claim.paid_run_id,
            paid_period=claim.paid_period)


class StandardRead(BaseModel):
    category: str
    per: str = Field(description="day: the cap counts one day's approved claims; month: a calendar month's")
    cap: Decimal


@router.get("/expense-standards")
async def expense_standards(bus: BusDep, user: CurrentUser) -> list[StandardRead]:
    """The categories a claim may name and the company's standard for each (configuration)."""
    return [StandardRead(category=category, per=standard.window.value, cap=standard.cap)
            for category, standard in sorted(bus.policy.expenses.standards.items())]


@router.post("/expenses", status_code=201)
async def submit_claim(body: ClaimWrite, bus: BusDep, user: CurrentUser) -> ClaimRead:
    """Claim one's own expense with its receipts; it waits for the department manager's decision."""
    return ClaimRead.of(await bus.handle(expenses.SubmitExpenseClaim(
        by=user, category=body.category, incurred_on=body.incurred_on, amount=body.amount,
        receipts=tuple(Receipt(amount=r.amount, note=r.note) for r in body.receipts), description=body.description)))


@router.get("/expenses")
async def list_claims(bus: BusDep, user: CurrentUser, status: ClaimStatus | None = None,
                      employee_id: uuid.UUID | None = None) -> list[ClaimRead]:
    """The claims the caller may read: their own, their department's (manager), all (HR, finance)."""
    found = await expenses.claims(bus, user, ClaimFilter(status=status, employee_id=employee_id))
    return [ClaimRead.of(claim) for claim in found]


@router.get("/expenses/{claim_id}")
async def get_claim(claim_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> ClaimRead:
    return ClaimRead.of(await expenses.claim(bus, user, claim_id))


@router.post("/expenses/{claim_id}/approve")
async def approve_claim(claim_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> ClaimRead:
    """Approve against the standard: the part over the cap or monthly limit is refused with the
    reason (approved = min(claimed, what is left)). Own claim 403; decided claim 409."""
    return ClaimRead.of(await bus.handle(expenses.ApproveExpenseClaim(claim_id=claim_id, by=user)))


@router.post("/expenses/{claim_id}/refuse")
async def refuse_claim(claim_id: uuid.UUID, body: Refusal, bus: BusDep, user: CurrentUser) -> ClaimRead:
    return ClaimRead.of(await bus.handle(expenses.RefuseExpenseClaim(claim_id=claim_id, by=user,
                                                                     reason=body.reason)))
