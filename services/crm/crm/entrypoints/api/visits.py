"""Field visits (拜访, C12): log a visit made, list visits, and the weekly count per rep against the target."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from crm.domain.visits import Visit
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import _Read, _Request
from crm.service_layer import project_commands as commands
from crm.service_layer import project_views
from shared.fields import IsoDate

router = APIRouter(tags=["visits"])

Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=r"^[^\x00]*$")]
Result = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000, pattern=r"^[^\x00]*$")]


class VisitCreate(_Request):
    customer_id: uuid.UUID = Field(description="the customer visited; one the caller sees")
    visited_at: AwareDatetime = Field(description="when, with its offset; not in the future")
    place: Place = Field(description="where")
    result: Result = Field(description="how it went")
    lead_id: uuid.UUID | None = Field(None, description="the customer's lead the visit was about")
    project_id: uuid.UUID | None = Field(None, description="the customer's project visited (moves its last visit)")


class VisitRead(_Read):
    id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    project_id: uuid.UUID | None
    visited_at: datetime
    visited_on: date
    place: str
    result: str
    logged_at: datetime

    @classmethod
    def of(cls, visit: Visit) -> VisitRead:
        return cls.model_validate(visit)


class RepWeekRead(BaseModel):
    rep_id: uuid.UUID
    name: str | None
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    visits: int
    target: int
    met: bool
    short_by: int


class WeeklyVisitsRead(BaseModel):
    week: str
    first_day: date
    last_day: date
    target: int
    reps: list[RepWeekRead]


Week = Annotated[str | None, Query(pattern=r"^\d{4}-W\d{2}$", description="an ISO week, YYYY-Www; default: this week",
                                   examples=["2026-W49"])]


@router.post("/visits", status_code=201)
async def log(body: VisitCreate, bus: BusDep, user: CurrentUser) -> VisitRead:
    """The caller logs a visit they made to a customer they see (emits ``crm.visit.logged.v1``); 404 for a
    customer, lead or project out of scope, 422 for a visit in the future."""
    return VisitRead.of(await bus.handle(commands.LogVisit(
        by=user, customer_id=body.customer_id, visited_at=body.visited_at, place=body.place, result=body.result,
        lead_id=body.lead_id, project_id=body.project_id)))


@router.get("/visits")
async def listed(bus: BusDep, user: CurrentUser, rep_id: uuid.UUID | None = None,
                 customer_id: uuid.UUID | None = None, project_id: uuid.UUID | None = None,
                 visited_from: Annotated[IsoDate | None, Query(alias="from")] = None,
                 visited_to: Annotated[IsoDate | None, Query(alias="to")] = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100,
                 offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[VisitRead]:
    """Visits in the caller's scope (a rep's own, a leader's group's, a manager's department's), newest first."""
    return [VisitRead.of(v) for v in await project_views.visits(
        bus, user, rep_id=rep_id, customer_id=customer_id, project_id=project_id, visited_from=visited_from,
        visited_to=visited_to, limit=limit, offset=offset)]


@router.get("/visits/weekly")
async def weekly(bus: BusDep, user: CurrentUser, week: Week = None) -> WeeklyVisitsRead:
    """Visits per rep in an ISO week against the target (CRM_VISIT_WEEKLY_TARGET, 20): a rep sees themselves,
    a leader their group, a manager their department; reps without a visit are listed with 0."""
    period, rows = await project_views.weekly_visits(bus, user, week)
    return WeeklyVisitsRead(week=str(period), first_day=period.first_day, last_day=period.last_day,
                            target=bus.policy.visit_weekly_target,
                            reps=[RepWeekRead(rep_id=r.rep_id, name=r.name, group_id=r.group_id,
                                              department_id=r.department_id, visits=r.visits, target=r.target,
                                              met=r.met, short_by=r.short_by) for r in rows])
