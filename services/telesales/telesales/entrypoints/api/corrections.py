"""Corrections of stored calls, and the intake refusals a sender reads back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from shared.auth import Role, token_scope
from shared.errors import Forbidden
from telesales.domain.calls import CallStage, Disposition
from telesales.domain.corrections import UNSET, Correction
from telesales.entrypoints.api.deps import BusDep, CurrentUser, IntakeCaller
from telesales.entrypoints.api.schemas import CallRead
from telesales.service_layer import commands, views

router = APIRouter(tags=["calls"])

CallIdPath = Annotated[str, Path(max_length=100)]


class CorrectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    disposition: Disposition | None = None
    stage_reached: CallStage | None = Field(None, description="send null to clear it; leave out to keep it")
    notes: str | None = Field(None, max_length=4000, description="send null to clear them; leave out to keep them")
    reason: str = Field(min_length=1, max_length=1000, description="why the call is corrected; required")
    expected_version: int | None = Field(None, ge=1, description="the version you read; another is a 409")


class VersionRead(BaseModel):
    version: int
    disposition: str
    stage_reached: str | None
    notes: str | None
    effective: bool
    changed_by: uuid.UUID | None
    reason: str | None
    changed_at: datetime


class RefusalRead(BaseModel):
    id: int
    call_id: str
    agent_id: uuid.UUID
    submitted_by: uuid.UUID
    service_account_id: uuid.UUID | None
    received_at: datetime
    kind: str = Field(description="conflict: the call_id holds other content; out_of_scope: the agent is not "
                                  "in the service account's scope; revoked: the account was revoked")
    detail: str
    recorded_at: datetime


@router.post("/calls/{call_id}/corrections")
async def correct_call(call_id: CallIdPath, body: CorrectionCreate, bus: BusDep, user: CurrentUser) -> CallRead:
    """Correct a call's outcome, stage or notes: its agent within TELESALES_CORRECTION_WINDOW_HOURS,
    their leader at any time. A new version with who and why; figures follow; appraisal is told
    (``telesales.call.corrected.v1``). The same correction again changes nothing."""
    fields = body.model_fields_set
    correction = Correction(
        disposition=body.disposition,
        stage_reached=body.stage_reached if "stage_reached" in fields else UNSET,
        notes=(body.notes.strip() or None if body.notes else None) if "notes" in fields else UNSET,
        reason=body.reason)
    call = await bus.handle(commands.CorrectCall(call_id=call_id, correction=correction, actor=user,
                                                 expected_version=body.expected_version))
    return CallRead.from_view(views.readable(call, user))


@router.get("/calls/{call_id}/versions")
async def call_versions(call_id: CallIdPath, bus: BusDep, user: CurrentUser) -> list[VersionRead]:
    """Every version of a corrected call, the first as submitted; empty when never corrected."""
    return [VersionRead(**version) for version in await views.call_versions(bus, user, call_id)]


@router.get("/intake/refusals")
async def intake_refusals(bus: BusDep, user: IntakeCaller, call_id: Annotated[str | None, Query(max_length=100)] = None,
                          after_id: Annotated[int, Query(ge=0)] = 0,
                          limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[RefusalRead]:
    """Records intake accepted (202) but the workers could not store: a telephony system reads its
    own from ``after_id`` on; an agent reads those for their calls; an administrator all."""
    if token_scope(user) is not None:
        submitted_by, agent_id = user.employee_id, None
    elif user.has_any(Role.ADMIN, Role.SYSTEM):
        submitted_by, agent_id = None, None
    elif user.has_any(*Role.ALL):
        submitted_by, agent_id = None, user.employee_id
    else:
        raise Forbidden("no refusals are yours to read")
    refusals = await views.refusals(bus, submitted_by=submitted_by, agent_id=agent_id, call_id=call_id,
                                    after_id=after_id, limit=limit)
    return [RefusalRead(**refusal.__dict__) for refusal in refusals]
