"""Commission plans as data (P4): named and versioned by the period from which they apply; a role
plan or a person's override names the one that pays their commission."""

from __future__ import annotations

from fastapi import APIRouter, Path, Query

from payroll.entrypoints.api.deps import BusDep, PlanEditor, PlanReader
from payroll.entrypoints.api.schemas import CommissionPlanKey, CommissionPlanRead, CommissionPlanWrite, Period
from payroll.service_layer import commission_plans

router = APIRouter(tags=["commission plans"])


@router.put("/commission-plans/{key}")
async def set_commission_plan(body: CommissionPlanWrite, bus: BusDep, user: PlanEditor,
                              key: CommissionPlanKey = Path()) -> CommissionPlanRead:
    """Set a new version of a commission plan, from a period whose run is not locked and that has no version yet."""
    command = commission_plans.SetCommissionPlan(key=key, effective_from=body.effective_from,
                                                 definition=body.definition(), description=body.description,
                                                 set_by=user.employee_id)
    return CommissionPlanRead.from_plan(await bus.handle(command))


@router.get("/commission-plans")
async def list_commission_plans(bus: BusDep, user: PlanReader, key: CommissionPlanKey | None = None,
                                period: Period | None = Query(None, description="only the version in force then")
                                ) -> list[CommissionPlanRead]:
    """List commission plan versions, or with ``period`` the version of each plan in force then."""
    return [CommissionPlanRead.from_plan(plan) for plan in await commission_plans.commission_plans(bus, key, period)]


@router.get("/commission-plans/{key}")
async def commission_plan_history(bus: BusDep, user: PlanReader, key: CommissionPlanKey = Path()
                                  ) -> list[CommissionPlanRead]:
    """Every version of a commission plan, oldest first; an unknown plan is 404."""
    return [CommissionPlanRead.from_plan(plan) for plan in await commission_plans.commission_plan_history(bus, key)]
