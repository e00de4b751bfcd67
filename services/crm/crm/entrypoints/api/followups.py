"""Follow-up plans (跟进计划, C6): plan the next contact, record it done (and plan the one after),
cancel, and the overdue list for the rep and the leader."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import Reason, _Read, _Request
from crm.service_layer import followup_commands as commands
from crm.service_layer import followup_views

router = APIRouter(tags=["follow-ups"])

Content = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000,
                                           pattern=r"^[^\x00]*$")]
Goal = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^[^\x00]*$")]


class FollowUpPlan(_Request):
    due_at: AwareDatetime = Field(description="when, with its offset; must be still to come")
    method: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] = Field(
        description="one of CRM_FOLLOW_UP_METHODS: phone, sms, email, visit, wechat")
    content: Content
    goal: Goal | None = None

    def command(self) -> commands.NextFollowUp:
        return commands.NextFollowUp(due_at=self.due_at, method=self.method, content=self.content, goal=self.goal)


class FollowUpDoneBody(_Request):
    outcome: Content
    next: FollowUpPlan | None = Field(None, description="the next follow-up, planned in the same step")


class FollowUpCancel(_Request):
    reason: Reason


class FollowUpRead(_Read):
    id: uuid.UUID
    lead_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID
    due_at: datetime
    method: str
    content: str
    goal: str | None
    status: Literal["planned", "done", "cancelled"]
    created_by: uuid.UUID
    created_at: datetime
    done_at: datetime | None
    outcome: str | None
    cancel_reason: str | None
    kind: Literal["plan", "after_sales"] = Field(description="after_sales: planned when a deal was signed (C7)")
    deal_id: uuid.UUID | None = None


class FollowUpDoneRead(BaseModel):
    done: FollowUpRead
    next: FollowUpRead | None


@router.post("/leads/{lead_id}/follow-ups", status_code=201)
async def plan(lead_id: uuid.UUID, body: FollowUpPlan, bus: BusDep, user: CurrentUser) -> FollowUpRead:
    """The holder (or their leader) plans the next follow-up of a held lead: time (future), method, content, goal."""
    follow_up = await bus.handle(commands.PlanFollowUp(by=user, lead_id=lead_id, plan=body.command()))
    return FollowUpRead.model_validate(follow_up)


@router.get("/leads/{lead_id}/follow-ups")
async def of_lead(lead_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> list[FollowUpRead]:
    """The lead's follow-ups, by planned time."""
    return [FollowUpRead.model_validate(f) for f in await followup_views.for_lead(bus, user, lead_id)]


@router.post("/follow-ups/{follow_up_id}/done")
async def done(follow_up_id: uuid.UUID, body: FollowUpDoneBody, bus: BusDep, user: CurrentUser) -> FollowUpDoneRead:
    """Record a follow-up done with its outcome (restarts the pool's clock; emits ``crm.followup.done.v1``),
    and optionally plan the next one. 409 when already done or cancelled, or the lead left the rep, or for an
    after-sales follow-up before day CRM_AFTER_SALES_FIRST_FROM_DAYS (3) after the sale (``earliest_on``)."""
    finished, following = await bus.handle(commands.CompleteFollowUp(
        by=user, follow_up_id=follow_up_id, outcome=body.outcome, next=body.next.command() if body.next else None))
    return FollowUpDoneRead(done=FollowUpRead.model_validate(finished),
                            next=FollowUpRead.model_validate(following) if following else None)


@router.post("/follow-ups/{follow_up_id}/cancel")
async def cancel(follow_up_id: uuid.UUID, body: FollowUpCancel, bus: BusDep, user: CurrentUser) -> FollowUpRead:
    """Cancel a planned follow-up, with a reason."""
    return FollowUpRead.model_validate(await bus.handle(commands.CancelFollowUp(
        by=user, follow_up_id=follow_up_id, reason=body.reason)))


@router.get("/follow-ups/overdue")
async def overdue(bus: BusDep, user: CurrentUser, rep_id: uuid.UUID | None = None) -> list[FollowUpRead]:
    """Planned follow-ups past their time, oldest first: a rep's own, a leader's group's, a manager's department's."""
    return [FollowUpRead.model_validate(f) for f in await followup_views.overdue(bus, user, rep_id=rep_id)]
