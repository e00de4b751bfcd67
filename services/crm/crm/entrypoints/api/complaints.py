"""Complaints (投诉, C9): record with the apology, forward, answer, close with the customer's
satisfaction, the list, and the monthly cause analysis."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from crm.domain.complaints import CauseAnalysis
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import _Read, _Request
from crm.service_layer import complaint_commands as commands
from crm.service_layer import complaint_views
from crm.service_layer.access import require
from crm.service_layer.complaints import COMPLAINT_HANDLERS
from shared.auth import Role
from shared.clock import MONTH_PATTERN

router = APIRouter(tags=["complaints"])

_NO_NUL = r"^[^\x00]*$"
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=_NO_NUL)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=_NO_NUL)]
Month = Annotated[str, Query(pattern=MONTH_PATTERN, description="The month, YYYY-MM", examples=["2026-11"])]


class ComplaintCreate(_Request):
    lead_id: uuid.UUID
    cause: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)] = Field(
        description="one of CRM_COMPLAINT_CAUSES")
    content: LongText
    apology: ShortText = Field(description="the apology made to the customer, recorded with the complaint")


class ComplaintForward(_Request):
    department_id: uuid.UUID


class ComplaintResolve(_Request):
    resolution: LongText


class ComplaintClose(_Request):
    satisfaction: Literal["satisfied", "neutral", "unsatisfied"] = Field(
        description="unsatisfied sends the complaint back to be answered again")


class ComplaintRead(_Read):
    id: uuid.UUID
    lead_id: uuid.UUID
    customer_id: uuid.UUID
    rep_id: uuid.UUID | None
    group_id: uuid.UUID | None
    department_id: uuid.UUID
    cause: str
    content: str
    apology: str
    status: Literal["open", "forwarded", "resolved", "closed"]
    recorded_by: uuid.UUID
    recorded_at: datetime
    responsible_department_id: uuid.UUID | None
    forwarded_at: datetime | None
    escalated_at: datetime | None
    escalated_to: uuid.UUID | None
    resolution: str | None
    resolved_by: uuid.UUID | None
    resolved_at: datetime | None
    satisfaction: str | None
    closed_at: datetime | None
    reopened: int


class CauseAnalysisRead(BaseModel):
    month: str
    total: int
    by_cause: dict[str, int]
    by_department: dict[uuid.UUID, int] = Field(description="by the department answerable for them")
    escalated: int
    resolved: int
    closed: int
    average_hours_to_resolve: Decimal | None

    @classmethod
    def of(cls, analysis: CauseAnalysis) -> CauseAnalysisRead:
        return cls(month=analysis.month, total=analysis.total, by_cause=analysis.by_cause,
                   by_department=analysis.by_department, escalated=analysis.escalated, resolved=analysis.resolved,
                   closed=analysis.closed, average_hours_to_resolve=analysis.average_hours_to_resolve)


class EscalationRead(BaseModel):
    escalated: list[uuid.UUID]


@router.post("/complaints", status_code=201)
async def record(body: ComplaintCreate, bus: BusDep, user: CurrentUser) -> ComplaintRead:
    """Record a complaint on a lead the caller can see, with the apology made. Emits ``crm.complaint.recorded.v1``."""
    return ComplaintRead.model_validate(await bus.handle(commands.RecordComplaint(
        by=user, lead_id=body.lead_id, cause=body.cause, content=body.content, apology=body.apology)))


@router.get("/complaints")
async def listed(bus: BusDep, user: CurrentUser,
                 status: Literal["open", "forwarded", "resolved", "closed"] | None = None) -> list[ComplaintRead]:
    """Complaints in the caller's scope (and, for a department's management, those forwarded to it), oldest first."""
    return [ComplaintRead.model_validate(c) for c in await complaint_views.complaints(bus, user, status=status)]


@router.get("/complaints/analysis")
async def analysis(month: Month, bus: BusDep, user: CurrentUser) -> CauseAnalysisRead:
    """The month's complaints by cause and department, escalations, and the average hours to an answer."""
    require(user, (*COMPLAINT_HANDLERS, Role.ADMIN), "reading the complaint analysis")
    return CauseAnalysisRead.of(await complaint_views.analysis(bus, user, month))


@router.post("/complaints/escalate")
async def escalate_now(bus: BusDep, user: CurrentUser) -> EscalationRead:
    """Run the schedule's escalation sweep now (admins)."""
    require(user, (Role.ADMIN,), "running the complaint escalation")
    return EscalationRead(escalated=await bus.handle(commands.EscalateOverdueComplaints()))


@router.get("/complaints/{complaint_id}")
async def one(complaint_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> ComplaintRead:
    return ComplaintRead.model_validate(await complaint_views.complaint(bus, user, complaint_id))


@router.post("/complaints/{complaint_id}/forward")
async def forward(complaint_id: uuid.UUID, body: ComplaintForward, bus: BusDep, user: CurrentUser) -> ComplaintRead:
    """Forward to the department answerable for it (the lead's leader or managers)."""
    return ComplaintRead.model_validate(await bus.handle(commands.ForwardComplaint(
        by=user, complaint_id=complaint_id, department_id=body.department_id)))


@router.post("/complaints/{complaint_id}/resolve")
async def resolve(complaint_id: uuid.UUID, body: ComplaintResolve, bus: BusDep, user: CurrentUser) -> ComplaintRead:
    """Record the answer given to the customer."""
    return ComplaintRead.model_validate(await bus.handle(commands.ResolveComplaint(
        by=user, complaint_id=complaint_id, resolution=body.resolution)))


@router.post("/complaints/{complaint_id}/close")
async def close(complaint_id: uuid.UUID, body: ComplaintClose, bus: BusDep, user: CurrentUser) -> ComplaintRead:
    """Close an answered complaint with the customer's satisfaction (emits ``crm.complaint.closed.v1``);
    unsatisfied reopens it."""
    return ComplaintRead.model_validate(await bus.handle(commands.CloseComplaint(
        by=user, complaint_id=complaint_id, satisfaction=body.satisfaction)))
