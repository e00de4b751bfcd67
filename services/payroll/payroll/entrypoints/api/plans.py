"""Compensation plans (P1): per role, versioned by the period from which they apply."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query

from payroll.entrypoints.api.deps import BusDep, PlanEditor, PlanReader
from payroll.entrypoints.api.schemas import Period, PlanRead, PlanWrite, RoleName
from payroll.service_layer import commands, views

router = APIRouter(tags=["plans"])


@router.put("/plans/{role}")
async def set_plan(body: PlanWrite, bus: BusDep, user: PlanEditor, role: RoleName = Path()) -> PlanRead:
    """Set a new version of a role's plan, in force from a period that has no pay run yet."""
    command = commands.SetPlan(role=role, effective_from=body.effective_from, monthly_base=body.monthly_base,
                               performance_standard=body.performance_standard, bonus_base=body.bonus_base,
                               commission_rate=body.commission_rate, set_by=user.employee_id)
    return PlanRead.model_validate(await bus.handle(command))


@router.get("/plans")
async def list_plans(bus: BusDep, user: PlanReader, role: RoleName | None = None,
                     period: Period | None = Query(None, description="only the version in force then, per role")
                     ) -> list[PlanRead]:
    """List plan versions, or with ``period`` the plan in force for each role in that period."""
    return [PlanRead.model_validate(plan) for plan in await views.plans(bus, role, period)]
