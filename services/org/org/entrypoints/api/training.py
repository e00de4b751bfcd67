"""Training (O7): sessions and their attendance sheets, training histories, new hires' onboarding
(O5), regional managers' monthly minimum, and retraining assignments (A6)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from org.domain.training import AssignmentStatus, SessionKind
from org.entrypoints.api.deps import BusDep, CurrentUser, OrgEditor
from org.entrypoints.api.training_schemas import (
    AssignmentClose,
    AssignmentRead,
    HistoryItemRead,
    NewHireRead,
    RegionalManagersRead,
    SessionCreate,
    SessionRead,
    SheetUpdate,
)
from org.service_layer import training_views as views
from org.service_layer.training_views import SessionView
from shared.auth import Principal, Role, require_roles
from shared.clock import MONTH_PATTERN
from shared.fields import IsoDate

router = APIRouter(prefix="/training", tags=["training"])

# Reports over people's training: HR, and managers over their own scope.
Supervising = Annotated[Principal, require_roles(
    Role.HR, Role.ADMIN, Role.SALES_DIRECTOR, Role.DEPARTMENT_MANAGER, Role.REGIONAL_MANAGER, Role.SUPERVISOR,
    Role.GROUP_LEADER)]
Month = Annotated[str, Query(pattern=MONTH_PATTERN, description="The month, YYYY-MM", examples=["2026-11"])]


@router.post("/sessions", status_code=201)
async def record_session(body: SessionCreate, bus: BusDep, user: CurrentUser) -> SessionRead:
    """Record a training session held or planned, with its attendees (by its trainer, a manager or HR)."""
    recorded = await bus.handle(body.to_command(user))
    return SessionRead.from_view(SessionView(session=recorded, attendees=recorded.attendees))


@router.get("/sessions")
async def list_sessions(bus: BusDep, user: CurrentUser, held_from: IsoDate, held_to: IsoDate,
                        kind: SessionKind | None = None, trainer_id: uuid.UUID | None = None) -> list[SessionRead]:
    """Sessions dated in the range (at most 366 days) that the caller may see, oldest first."""
    found = await views.sessions(bus, user, held_from, held_to, kind=kind, trainer_id=trainer_id)
    return [SessionRead.from_view(view) for view in found]


@router.get("/sessions/{session_id}")
async def get_session(session_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> SessionRead:
    """One session, with the lines of its sheet the caller may see."""
    return SessionRead.from_view(await views.session(bus, user, session_id))


@router.put("/sessions/{session_id}/attendees")
async def record_sheet(session_id: uuid.UUID, body: SheetUpdate, bus: BusDep, user: CurrentUser) -> SessionRead:
    """Replace the session's sheet: attendees, attendance and assessments (marks only from its date on)."""
    recorded = await bus.handle(body.to_command(session_id, user))
    return SessionRead.from_view(SessionView(session=recorded, attendees=recorded.attendees))


@router.get("/employees/{employee_id}/history")
async def training_history(employee_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> list[HistoryItemRead]:
    """An employee's training, newest first: sessions attended (with assessment) and sessions trained."""
    return [HistoryItemRead.from_view(item) for item in await views.history(bus, user, employee_id)]


@router.get("/new-hires")
async def new_hires(bus: BusDep, user: Supervising, hired_from: IsoDate, hired_to: IsoDate,
                    missing_only: bool = False) -> list[NewHireRead]:
    """Hires in the range and whether each attended onboarding within their first week (O5)."""
    lines = [NewHireRead.from_view(hire) for hire in await views.new_hires(bus, user, hired_from, hired_to)]
    return [line for line in lines if line.onboarding == "missing"] if missing_only else lines


@router.get("/regional-managers")
async def regional_managers(month: Month, bus: BusDep, user: Supervising) -> RegionalManagersRead:
    """Regional managers of the month with the sessions they held; those below the minimum listed (O7)."""
    return RegionalManagersRead.from_view(await views.regional_managers(bus, user, month))


@router.get("/retraining-assignments")
async def retraining_assignments(bus: BusDep, user: CurrentUser,
                                 status: AssignmentStatus | None = AssignmentStatus.OPEN) -> list[AssignmentRead]:
    """Retraining assignments opened by appraisal's A6 flags, in the caller's scope (open ones by default)."""
    return [AssignmentRead.from_view(item) for item in await views.retraining_assignments(bus, user, status)]


@router.post("/retraining-assignments/{assignment_id}/close")
async def close_retraining_assignment(assignment_id: uuid.UUID, body: AssignmentClose, bus: BusDep,
                                      user: OrgEditor) -> AssignmentRead:
    """Close a retraining assignment with a note, optionally naming the session that served (HR)."""
    closed = await bus.handle(body.to_command(assignment_id, user))
    return AssignmentRead.from_view(await views.retraining_assignment(bus, user, closed.id))
