"""Compensation plans (P1): per role, and per person as overrides of the role's amounts, each
versioned by the period from which it applies."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Path, Query

from payroll.entrypoints.api.deps import BusDep, PayrollOfficer, PlanEditor, PlanReader
from payroll.entrypoints.api.schemas import OverrideRead, OverrideWrite, Period, PlanRead, PlanWrite, RoleName
from payroll.service_layer import commands, views

router = APIRouter(tags=["plans"])


@router.put("/plans/{role}")
async def set_plan(body: PlanWrite, bus: BusDep, user: PlanEditor, role: RoleName = Path()) -> PlanRead:
    """Set a new version of a role's plan, from a period whose run is not locked and that has no version yet."""
    command = commands.SetPlan(role=role, effective_from=body.effective_from, monthly_base=body.monthly_base,
                               performance_standard=body.performance_standard, bonus_base=body.bonus_base,
                               commission_rate=body.commission_rate, set_by=user.employee_id,
                               parts=frozenset(body.parts), performance_fixed=body.performance_fixed,
                               commission_plan=body.commission_plan, annual_bonus_base=body.annual_bonus_base,
                               base_follows_plan_execution=body.base_follows_plan_execution)
    return PlanRead.from_plan(await bus.handle(command))


@router.get("/plans")
async def list_plans(bus: BusDep, user: PlanReader, role: RoleName | None = None,
                     period: Period | None = Query(None, description="only the version in force then, per role")
                     ) -> list[PlanRead]:
    """List plan versions, or with ``period`` the plan in force for each role in that period."""
    return [PlanRead.from_plan(plan) for plan in await views.plans(bus, role, period)]


@router.get("/plans/{role}")
async def role_plan_history(bus: BusDep, user: PlanReader, role: RoleName = Path()) -> list[PlanRead]:
    """Every version of a role's plan, oldest first; a role never given a plan is 404."""
    return [PlanRead.from_plan(plan) for plan in await views.role_plan_history(bus, role)]


@router.put("/plans/people/{employee_id}")
async def set_plan_override(employee_id: uuid.UUID, body: OverrideWrite, bus: BusDep,
                            user: PayrollOfficer) -> OverrideRead:
    """Set a new version of one person's override of their role plan's amounts (HR and finance)."""
    command = commands.SetPlanOverride(employee_id=employee_id, effective_from=body.effective_from,
                                       amounts=body.amounts(), set_by=user.employee_id)
    return OverrideRead.model_validate(await bus.handle(command))


@router.get("/plans/people/{employee_id}")
async def override_history(employee_id: uuid.UUID, bus: BusDep, user: PayrollOfficer) -> list[OverrideRead]:
    """Every version of one person's override, oldest first; an unknown employee is 404."""
    return [OverrideRead.model_validate(each) for each in await views.override_history(bus, employee_id)]
