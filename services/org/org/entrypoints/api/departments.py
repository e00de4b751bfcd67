"""Departments (部门), their regions and their headcount plans."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from org.entrypoints.api.deps import BusDep, OrgEditor, VisibilityDep
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
from org.service_layer import commands, views

router = APIRouter(tags=["departments"])


@router.post("/departments", status_code=201)
async def create_department(body: DepartmentCreate, bus: BusDep, user: OrgEditor) -> DepartmentRead:
    """Create a department (field sales, telesales, marketing or admin)."""
    department = await bus.handle(commands.CreateDepartment(name=body.name, kind=body.kind))
    return DepartmentRead.model_validate(department)


@router.get("/departments")
async def list_departments(bus: BusDep, visibility: VisibilityDep) -> list[DepartmentRead]:
    """List the departments the caller may see: all for company-wide roles, else their own."""
    return [DepartmentRead.model_validate(department) for department in await views.departments(bus, visibility)]


@router.get("/departments/{department_id}")
async def get_department(department_id: uuid.UUID, bus: BusDep, visibility: VisibilityDep) -> DepartmentRead:
    """Read one department."""
    return DepartmentRead.model_validate(await views.department(bus, visibility, department_id))


@router.post("/departments/{department_id}/regions", status_code=201)
async def create_region(department_id: uuid.UUID, body: RegionCreate, bus: BusDep, user: OrgEditor) -> RegionRead:
    """Create a region or branch (区域/分公司) under a department."""
    region = await bus.handle(commands.CreateRegion(department_id=department_id, name=body.name))
    return RegionRead.model_validate(region)


@router.get("/departments/{department_id}/regions")
async def list_regions(department_id: uuid.UUID, bus: BusDep, visibility: VisibilityDep) -> list[RegionRead]:
    """List a department's regions."""
    return [RegionRead.model_validate(region) for region in await views.regions(bus, visibility, department_id)]


@router.put("/departments/{department_id}/headcount/{role}")
async def set_headcount_plan(department_id: uuid.UUID, role: RoleName, body: HeadcountPlanSet, bus: BusDep,
                             user: OrgEditor) -> HeadcountLineRead:
    """Set the planned positions (编制) of one role in a department."""
    command = commands.SetHeadcountPlan(department_id=department_id, role=role, planned=body.planned)
    return HeadcountLineRead.model_validate(await bus.handle(command))


@router.get("/departments/{department_id}/headcount")
async def get_headcount(department_id: uuid.UUID, bus: BusDep, visibility: VisibilityDep) -> HeadcountRead:
    """Planned against filled positions per role (filled: employees who have not left)."""
    lines = await views.headcount(bus, visibility, department_id)
    return HeadcountRead(department_id=department_id, lines=[HeadcountLineRead.model_validate(line) for line in lines])
