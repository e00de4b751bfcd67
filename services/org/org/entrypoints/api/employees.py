"""Employees: hiring, transfers, leaving and the history they leave behind (O2, O3, O5)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from org.adapters.repositories import EmployeeQuery
from org.domain.model import EmployeeStatus
from org.entrypoints.api.deps import BusDep, CurrentUser, OrgEditor, VisibilityDep
from org.entrypoints.api.schemas import (
    AssignmentRead,
    EmployeeCreate,
    EmployeePageRead,
    EmployeeRead,
    LeaveCreate,
    RoleName,
    TransferCreate,
)
from org.service_layer import commands, views
from org.service_layer.access import ensure_may_grant_role

router = APIRouter(tags=["employees"])


@router.post("/employees", status_code=201)
async def hire_employee(body: EmployeeCreate, bus: BusDep, user: OrgEditor) -> EmployeeRead:
    """Hire an employee within the department's headcount plan, optionally with login credentials."""
    ensure_may_grant_role(user, body.role)
    return EmployeeRead.model_validate(await bus.handle(body.to_command()))


@router.get("/employees")
async def list_employees(
    bus: BusDep,
    visibility: VisibilityDep,
    department_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None,
    role: RoleName | None = None,
    status: EmployeeStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> EmployeePageRead:
    """List the employees the caller may see, filtered and paginated."""
    query = EmployeeQuery(department_id=department_id, group_id=group_id, role=role, status=status)
    page = await views.employees(bus, visibility, query, limit=limit, offset=offset)
    return EmployeePageRead(items=[EmployeeRead.model_validate(item) for item in page.items], total=page.total,
                            limit=limit, offset=offset)


@router.get("/employees/{employee_id}")
async def get_employee(employee_id: uuid.UUID, bus: BusDep, visibility: VisibilityDep) -> EmployeeRead:
    """Read one employee within the caller's scope."""
    return EmployeeRead.model_validate(await views.employee(bus, visibility, employee_id))


@router.post("/employees/{employee_id}/transfers")
async def transfer_employee(employee_id: uuid.UUID, body: TransferCreate, bus: BusDep,
                            user: OrgEditor) -> EmployeeRead:
    """Move an employee to another department, region, group, role, manager or status from a date."""
    ensure_may_grant_role(user, body.to_role)
    return EmployeeRead.model_validate(await bus.handle(body.to_command(employee_id)))


@router.post("/employees/{employee_id}/leave")
async def record_leaving(employee_id: uuid.UUID, body: LeaveCreate, bus: BusDep, user: OrgEditor) -> EmployeeRead:
    """Record that an employee left the company; they can no longer log in."""
    command = commands.RecordLeaving(employee_id=employee_id, left_on=body.left_on, reason=body.reason)
    return EmployeeRead.model_validate(await bus.handle(command))


@router.get("/employees/{employee_id}/history")
async def employee_history(employee_id: uuid.UUID, bus: BusDep, visibility: VisibilityDep) -> list[AssignmentRead]:
    """Every assignment the employee held, oldest first; the last is open unless they left."""
    return [AssignmentRead.from_domain(item) for item in await views.employee_history(bus, visibility, employee_id)]


@router.get("/me")
async def me(bus: BusDep, user: CurrentUser) -> EmployeeRead:
    """The caller's own employee record."""
    return EmployeeRead.model_validate(await views.me(bus, user.employee_id))
