"""Payslip disputes (P8): the employee disputes a line of their own locked payslip; finance
answers and resolves; an accepted resolution is paid as a ``P8.dispute`` line of the next run."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from payroll.domain.disputes import Dispute, DisputeStatus, Outcome
from payroll.entrypoints.api.deps import BusDep, CurrentUser, PayrollOfficer
from payroll.service_layer import expenses
from shared.auth import Principal, Role, require_roles

router = APIRouter(tags=["disputes"])

# Finance answers for pay; HR reads but does not decide.
Finance = Annotated[Principal, require_roles(Role.FINANCE)]
LineIndex = Annotated[int, Path(ge=0, le=1000, description="the line's position on the payslip, from 0")]


class Said(BaseModel):
    model_config = ConfigDict(extra="forbid")
    comment: str = Field(min_length=1, max_length=4000)


class Resolution(Said):
    outcome: Outcome
    amount: Decimal | None = Field(None, gt=0, max_digits=14, decimal_places=2,
                                   description="paid in the next run; required when accepted, absent when refused")


class EntryRead(BaseModel):
    at: datetime
    by: uuid.UUID
    author: str
    kind: str
    text: str
    status: DisputeStatus
    amount: Decimal | None


class DisputeRead(BaseModel):
    id: uuid.UUID
    payslip_id: uuid.UUID
    line: int
    line_rule: str
    line_amount: Decimal
    employee_id: uuid.UUID
    run_id: uuid.UUID
    period: str
    status: DisputeStatus
    opened_at: datetime
    resolution_amount: Decimal | None
    paid_run_id: uuid.UUID | None = Field(description="the run that paid the accepted resolution")
    paid_period: str | None
    history: list[EntryRead]

    @classmethod
    def of(cls, dispute: Dispute) -> DisputeRead:
        return cls(
            id=dispute.id, payslip_id=dispute.payslip_id, line=dispute.line_index, line_rule=dispute.line_rule,
            line_amount=dispute.line_amount, employee_id=dispute.employee_id, run_id=dispute.run_id,
            period=dispute.period, status=dispute.status, opened_at=dispute.opened_at,
            resolution_amount=dispute.resolution_amount, paid_run_id=dispute.paid_run_id,
            paid_period=dispute.paid_period,
            history=[EntryRead(at=e.at, by=e.by, author=e.author, kind=e.kind, text=e.text, status=e.status,
                               amount=e.amount) for e in dispute.history])


@router.post("/payslips/{payslip_id}/lines/{line}/disputes", status_code=201)
async def open_dispute(payslip_id: uuid.UUID, line: LineIndex, body: Said, bus: BusDep,
                       user: CurrentUser) -> DisputeRead:
    """Dispute a line of one's own payslip of a locked run (draft run 409; someone else's 404;
    a second open dispute on the line 409)."""
    return DisputeRead.of(await bus.handle(expenses.OpenDispute(payslip_id=payslip_id, line_index=line, by=user,
                                                                comment=body.comment)))


@router.get("/payslips/{payslip_id}/disputes")
async def payslip_disputes(payslip_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> list[DisputeRead]:
    """Every dispute of the payslip, by line, each with its history: for whoever may read the payslip."""
    return [DisputeRead.of(d) for d in await expenses.payslip_disputes(bus, user, payslip_id)]


@router.get("/disputes")
async def list_disputes(bus: BusDep, user: PayrollOfficer, status: DisputeStatus | None = None) -> list[DisputeRead]:
    return [DisputeRead.of(d) for d in await expenses.disputes(bus, status)]


@router.get("/disputes/{dispute_id}")
async def get_dispute(dispute_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> DisputeRead:
    return DisputeRead.of(await expenses.dispute(bus, user, dispute_id))


@router.post("/disputes/{dispute_id}/comments")
async def comment_on_dispute(dispute_id: uuid.UUID, body: Said, bus: BusDep, user: CurrentUser) -> DisputeRead:
    """The employee adds to their open dispute."""
    return DisputeRead.of(await bus.handle(expenses.CommentOnDispute(dispute_id=dispute_id, by=user,
                                                                     comment=body.comment)))


@router.post("/disputes/{dispute_id}/answers")
async def answer_dispute(dispute_id: uuid.UUID, body: Said, bus: BusDep, user: Finance) -> DisputeRead:
    return DisputeRead.of(await bus.handle(expenses.AnswerDispute(dispute_id=dispute_id, by=user,
                                                                  comment=body.comment)))


@router.post("/disputes/{dispute_id}/resolve")
async def resolve_dispute(dispute_id: uuid.UUID, body: Resolution, bus: BusDep, user: Finance) -> DisputeRead:
    """Accept with an amount (paid once, in the next computed run) or refuse (kept on record)."""
    return DisputeRead.of(await bus.handle(expenses.ResolveDispute(
        dispute_id=dispute_id, by=user, outcome=body.outcome, comment=body.comment, amount=body.amount)))
