"""A lead's life (C2) and the pool (公海, C5): stages, release, claims, what is about to return to
the pool, the life log; and the sweep, on demand, for admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints

from crm.domain.model import LeadStatus
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import LeadPageRead, LeadRead, Reason, _Read, _Request
from crm.service_layer import pool_commands as commands
from crm.service_layer import pool_views, views
from crm.service_layer.access import require
from shared.auth import Role
from shared.fields import IsoDate

router = APIRouter(tags=["pool"])


class StatusChange(_Request):
    status: Literal["contacted", "intent", "negotiating", "lost"]
    reason: Reason | None = Field(None, description="required for lost and for a move back to an earlier stage")


IntentLevel = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[^\x00]*$")]
Needs = Annotated[str, StringConstraints(max_length=1000, pattern=r"^[^\x00]*$")]


class ArchiveUpdate(_Request):
    intent_level: IntentLevel | None = Field(None, description="one of CRM_INTENT_LEVELS; empty clears it")
    needs: Needs | None = Field(None, description="what the customer wants; empty clears it")


class Release(_Request):
    reason: Reason


class LeadMoveRead(_Read):
    id: uuid.UUID
    lead_id: uuid.UUID
    kind: Literal["status", "returned", "claimed"]
    from_status: str
    to_status: str
    owner_id: uuid.UUID | None
    previous_owner_id: uuid.UUID | None
    group_id: uuid.UUID | None
    reason: str | None
    by: uuid.UUID | None = Field(description="absent when the schedule or org's event moved it")
    at: datetime
    on_day: IsoDate


class UpcomingReturnRead(BaseModel):
    lead: LeadRead
    due_at: datetime
    rule: Literal["no_follow_up", "no_deal"]


class ReclaimRead(BaseModel):
    returned: list[uuid.UUID]


@router.post("/leads/{lead_id}/status")
async def change_status(lead_id: uuid.UUID, body: StatusChange, bus: BusDep, user: CurrentUser) -> LeadRead:
    """The holder (or their leader) moves the lead: contacted → intent → negotiating, or lost with a reason;
    back to an earlier stage with a reason. Emits ``crm.lead.status_changed.v1``."""
    lead = await bus.handle(commands.ChangeLeadStatus(by=user, lead_id=lead_id, status=LeadStatus(body.status),
                                                      reason=body.reason))
    return LeadRead.from_view(await views.lead(bus, user, lead.id))


@router.patch("/leads/{lead_id}")
async def update_archive(lead_id: uuid.UUID, body: ArchiveUpdate, bus: BusDep, user: CurrentUser) -> LeadRead:
    """The holder (or their leader) updates the lead's intent level (which picks its pool periods) and needs."""
    lead = await bus.handle(commands.UpdateLeadArchive(by=user, lead_id=lead_id, intent_level=body.intent_level,
                                                       needs=body.needs))
    return LeadRead.from_view(await views.lead(bus, user, lead.id))


@router.post("/leads/{lead_id}/release")
async def release(lead_id: uuid.UUID, body: Release, bus: BusDep, user: CurrentUser) -> LeadRead:
    """The holder (or their leader) gives the lead back to its group's pool, with a reason.
    Emits ``crm.lead.returned_to_pool.v1`` (cause released)."""
    lead, customer = await bus.handle(commands.ReleaseLead(by=user, lead_id=lead_id, reason=body.reason))
    return LeadRead.from_view(views.lead_view(user, lead, customer))


@router.post("/leads/{lead_id}/claim")
async def claim(lead_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> LeadRead:
    """A member takes a lead from their group's pool: first come first served (409 to the second), within
    the claims per day, the open-lead cap, and the former holder's cool-down. Emits ``crm.lead.claimed.v1``
    and ``crm.lead.assigned.v1`` (strategy pool_claim)."""
    lead = await bus.handle(commands.ClaimLead(by=user, lead_id=lead_id))
    return LeadRead.from_view(await views.lead(bus, user, lead.id))


@router.get("/groups/{group_id}/pool")
async def group_pool(group_id: uuid.UUID, bus: BusDep, user: CurrentUser,
                     limit: Annotated[int, Query(ge=1, le=500)] = 50,
                     offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> LeadPageRead:
    """The group's pool, longest waiting first, for its members, leader and managers; contacts masked."""
    page = await pool_views.group_pool(bus, user, group_id, limit=limit, offset=offset)
    return LeadPageRead(items=[LeadRead.from_view(item) for item in page.items], total=page.total, limit=limit,
                        offset=offset)


@router.get("/pool/upcoming")
async def upcoming(bus: BusDep, user: CurrentUser,
                   days: Annotated[int | None, Query(ge=0, le=365, description="K (CRM_POOL_WARNING_DAYS)")] = None,
                   owner_id: uuid.UUID | None = None) -> list[UpcomingReturnRead]:
    """Held leads in the caller's scope going back to the pool within K days, soonest first, with the rule."""
    items = await pool_views.upcoming_returns(bus, user, days=days, owner_id=owner_id)
    return [UpcomingReturnRead(lead=LeadRead.from_view(item.lead), due_at=item.due.at, rule=item.due.rule)
            for item in items]


@router.get("/leads/{lead_id}/moves")
async def moves(lead_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> list[LeadMoveRead]:
    """The lead's life log, oldest first: stage moves, returns to the pool, claims, with the previous owner."""
    return [LeadMoveRead.model_validate(move) for move in await pool_views.lead_moves(bus, user, lead_id)]


@router.post("/pool/reclaim")
async def reclaim_now(bus: BusDep, user: CurrentUser) -> ReclaimRead:
    """Run the schedule's sweep now (admins): every held lead past its periods returns to the pool."""
    require(user, (Role.ADMIN,), "running the pool sweep")
    return ReclaimRead(returned=await bus.handle(commands.ReclaimIdleLeads()))
