"""Departments (部门), their regions and their headcount plans."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from org.entrypoints.api.deps import OrgEditor, UowDep, VisibilityDep
from org.entrypoints.api.schemas import (
    DepartmentCreate,
    DepartmentRead,
    HeadcountLineRead,
    HeadcountPlanSet,
    HeadcountRead,
    RegionCreate,
    RegionRead,
    RoleName,
)
from org.service_layer import commands, handlers, views

router = APIRouter(tags=["departments"])


@router.post("/departments", status_code=201)
async def create_department(body: DepartmentCreate, uow: UowDep, user: OrgEditor) -> DepartmentRead:
    """Create a department (field sales, telesales, marketing or admin)."""
    department = await handlers.handle(commands.CreateDepartment(name=body.name, kind=body.kind), uow)
    return DepartmentRead.model_validate(department)


@router.get("/departments")
async def list_departments(uow: UowDep, visibility: VisibilityDep) -> list[DepartmentRead]:
    """List the departments the caller may see: all for company-wide roles, else their own."""
    return [DepartmentRead.model_validate(department) for department in await views.departments(uow, visibility)]


@router.get("/departments/{department_id}")
async def get_department(department_id: uuid.UUID, uow: UowDep, visibility: VisibilityDep) -> DepartmentRead:
    """Read one department."""
    return DepartmentRead.model_validate(await views.department(uow, visibility, department_id))


@router.post("/departments/{department_id}/regions", status_code=201)
async def create_region(department_id: uuid.UUID, body: RegionCreate, uow: UowDep, user: OrgEditor) -> RegionRead:
    """Create a region or branch (区域/分公司) under a department."""
    region = await handlers.handle(commands.CreateRegion(department_id=department_id, name=body.name), uow)
    return RegionRead.model_validate(region)


@router.get("/departments/{department_id}/regions")
async def list_regions(department_id: uuid.UUID, uow: UowDep, visibility: VisibilityDep) -> list[RegionRead]:
    """List a department's regions."""
    return [RegionRead.model_validate(region) for region in await views.regions(uow, visibility, department_id)]


@router.put("/departments/{department_id}/headcount/{role}")
async def set_headcount_plan(department_id: uuid.UUID, role: RoleName, body: HeadcountPlanSet, uow: UowDep,
                             user: OrgEditor) -> HeadcountLineRead:
    """Set the planned positions (编制) of one role in a department."""
    command = commands.SetHeadcountPlan(department_id=department_id, role=role, planned=body.planned)
    return HeadcountLineRead.model_validate(await handlers.handle(command, uow))


@router.get("/departments/{department_id}/headcount")
async def get_headcount(department_id: uuid.UUID, uow: UowDep, visibility: VisibilityDep) -> HeadcountRead:
    """Planned against filled positions per role (filled: employees who have not left)."""
    lines = await views.headcount(uow, visibility, department_id)
    return HeadcountRead(department_id=department_id, lines=[HeadcountLineRead.model_validate(line) for line in lines])
