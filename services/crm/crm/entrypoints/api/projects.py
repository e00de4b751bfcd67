"""Project pipeline (项目跟踪, C7): projects on customers, their stages (forward freely, back with a
reason, every move in the history), and the projects overdue for a visit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field, StringConstraints, model_validator

from crm.domain.projects import STAGES, ProjectAssignment, StageChange
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import Name, Reason, _Request
from crm.service_layer import project_commands as commands
from crm.service_layer import project_views
from crm.service_layer.project_views import ProjectView

router = APIRouter(tags=["projects"])

StageCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
_STAGES = ", ".join(STAGES)


class ProjectCreate(_Request):
    name: Name
    customer_id: uuid.UUID | None = Field(None, description="the customer; or give lead_id")
    lead_id: uuid.UUID | None = Field(None, description="one of the customer's leads, if the project came from it")
    stage: StageCode | None = Field(None, description=f"the stage it starts in (default early_design): {_STAGES}")
    rep_id: uuid.UUID | None = Field(None, description="the rep responsible; default: who holds the customer")

    @model_validator(mode="after")
    def _needs_customer(self) -> ProjectCreate:
        if self.customer_id is None and self.lead_id is None:
            raise ValueError("give customer_id or lead_id")
        return self


class StageMove(_Request):
    stage: StageCode = Field(description=f"the stage to move to: {_STAGES}")
    reason: Reason | None = Field(None, description="required when moving back to an earlier stage")


class ProjectRead(BaseModel):
    id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    name: str
    stage: str
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    created_by: uuid.UUID
    created_at: datetime
    stage_changed_at: datetime
    last_visit_at: datetime | None
    visit_due_at: datetime | None = Field(description="when the next visit is due by the stage's cadence")
    revision: int
    unassigned: bool = Field(description=(
        "its rep left or moved and nobody could take it: rep_id is who had it last; it waits for a hand-over "
        "(POST /projects/{id}/assign) and heads the leader's overdue list"))
    unassigned_at: datetime | None

    @classmethod
    def of(cls, view: ProjectView) -> ProjectRead:
        p = view.project
        return cls(id=p.id, customer_id=p.customer_id, lead_id=p.lead_id, name=p.name, stage=p.stage.value,
                   rep_id=p.rep_id, group_id=p.group_id, department_id=p.department_id, created_by=p.created_by,
                   created_at=p.created_at, stage_changed_at=p.stage_changed_at, last_visit_at=p.last_visit_at,
                   visit_due_at=view.visit_due_at, revision=p.revision, unassigned=p.unassigned_at is not None,
                   unassigned_at=p.unassigned_at)


class StageChangeRead(BaseModel):
    from_stage: str | None
    to_stage: str
    reason: str | None
    by: uuid.UUID
    at: datetime

    @classmethod
    def of(cls, change: StageChange) -> StageChangeRead:
        return cls(from_stage=change.from_stage.value if change.from_stage else None, to_stage=change.to_stage.value,
                   reason=change.reason, by=change.by, at=change.at)


class AssignmentRead(BaseModel):
    from_rep_id: uuid.UUID
    to_rep_id: uuid.UUID | None = Field(description="absent: left unassigned")
    cause: str = Field(description="holder_left, holder_transferred or handed_over")
    reason: str | None
    by: uuid.UUID | None = Field(description="absent: crm itself, following org")
    at: datetime

    @classmethod
    def of(cls, assignment: ProjectAssignment) -> AssignmentRead:
        return cls(from_rep_id=assignment.from_rep_id, to_rep_id=assignment.to_rep_id, cause=assignment.cause,
                   reason=assignment.reason, by=assignment.by, at=assignment.at)


class ProjectDetailRead(ProjectRead):
    history: list[StageChangeRead]
    assignments: list[AssignmentRead] = Field(description="its changes of hands, oldest first")


class ProjectAssign(_Request):
    rep_id: uuid.UUID = Field(description="the rep (in sales, employed, within the caller's scope) it goes to")
    reason: Reason | None = None


async def _detail(bus, user, project_id: uuid.UUID) -> ProjectDetailRead:
    view, history, assignments = await project_views.project(bus, user, project_id)
    return ProjectDetailRead(**ProjectRead.of(view).model_dump(), history=[StageChangeRead.of(c) for c in history],
                             assignments=[AssignmentRead.of(a) for a in assignments])


@router.post("/projects", status_code=201)
async def create(body: ProjectCreate, bus: BusDep, user: CurrentUser) -> ProjectDetailRead:
    """Open a project on a customer the caller sees (emits ``crm.project.stage_changed.v1`` for its first stage)."""
    project = await bus.handle(commands.CreateProject(by=user, name=body.name, customer_id=body.customer_id,
                                                      lead_id=body.lead_id, stage=body.stage, rep_id=body.rep_id))
    return await _detail(bus, user, project.id)


@router.get("/projects")
async def listed(bus: BusDep, user: CurrentUser, customer_id: uuid.UUID | None = None,
                 stage: Annotated[str | None, Query(max_length=30)] = None, rep_id: uuid.UUID | None = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100,
                 offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[ProjectRead]:
    """Projects in the caller's scope, newest first."""
    return [ProjectRead.of(view) for view in await project_views.projects(
        bus, user, customer_id=customer_id, stage=stage, rep_id=rep_id, limit=limit, offset=offset)]


@router.get("/projects/overdue-visits")
async def overdue_visits(bus: BusDep, user: CurrentUser, rep_id: uuid.UUID | None = None) -> list[ProjectRead]:
    """Projects whose last visit (or creation, if never visited) is older than their stage's cadence
    (CRM_PROJECT_VISIT_CADENCE_DAYS), longest overdue first: a rep's own, a leader's group's, a manager's
    department's. Projects left ``unassigned`` (their rep went, nobody could take them) come first, due or not;
    with ``rep_id``, only the projects that rep holds now (not the unassigned ones they held last)."""
    return [ProjectRead.of(view) for view in await project_views.overdue_visits(bus, user, rep_id=rep_id)]


@router.get("/projects/{project_id}")
async def one(project_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> ProjectDetailRead:
    """A project with its stage history and its changes of hands."""
    return await _detail(bus, user, project_id)


@router.post("/projects/{project_id}/stage")
async def move(project_id: uuid.UUID, body: StageMove, bus: BusDep, user: CurrentUser) -> ProjectDetailRead:
    """Move a project to another stage: forward by one or more, back only with a reason (422 without);
    emits ``crm.project.stage_changed.v1``. 409 when already in that stage."""
    await bus.handle(commands.MoveProjectStage(by=user, project_id=project_id, stage=body.stage, reason=body.reason))
    return await _detail(bus, user, project_id)


@router.post("/projects/{project_id}/assign")
async def assign(project_id: uuid.UUID, body: ProjectAssign, bus: BusDep, user: CurrentUser) -> ProjectDetailRead:
    """A group leader (their group's projects) or a manager (their department's) hands a project, an
    unassigned one too, to a rep in sales within their scope; the project is placed in that rep's group.
    Emits ``crm.project.reassigned.v1`` (cause ``handed_over``). 403 for other roles or a rep out of scope,
    404 for a project out of scope, 422 for someone not employed or not in sales, 409 when it is theirs already."""
    await bus.handle(commands.AssignProject(by=user, project_id=project_id, rep_id=body.rep_id, reason=body.reason))
    return await _detail(bus, user, project_id)
