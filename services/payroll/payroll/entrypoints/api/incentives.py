"""Special incentives (特别激励, P1): one-off awards entered by HR or finance with a reason."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from payroll.entrypoints.api.deps import BusDep, PayrollOfficer
from payroll.entrypoints.api.schemas import IncentiveRead, IncentiveWrite, Period
from payroll.service_layer import commands, views

router = APIRouter(tags=["incentives"])


@router.post("/incentives", status_code=201)
async def award_incentive(body: IncentiveWrite, bus: BusDep, user: PayrollOfficer) -> IncentiveRead:
    """Award a special incentive: a line on the period's run (recomputed if a draft), or on the next run."""
    command = commands.AwardIncentive(employee_id=body.employee_id, period=body.period, amount=body.amount,
                                      reason=body.reason, by=user.employee_id)
    return IncentiveRead.model_validate(await bus.handle(command))


@router.get("/incentives")
async def list_incentives(bus: BusDep, user: PayrollOfficer, period: Period | None = None,
                          employee_id: uuid.UUID | None = None) -> list[IncentiveRead]:
    """Special incentives with their status (pending, paid, cancelled) and the run carrying them."""
    return [IncentiveRead.model_validate(each)
            for each in await views.incentives(bus, period=period, employee_id=employee_id)]


@router.post("/incentives/{incentive_id}/cancel")
async def cancel_incentive(incentive_id: uuid.UUID, bus: BusDep, user: PayrollOfficer) -> IncentiveRead:
    """Cancel an incentive not yet paid (its run not locked); a draft run carrying it is recomputed without it."""
    return IncentiveRead.model_validate(
        await bus.handle(commands.CancelIncentive(incentive_id=incentive_id, by=user.employee_id)))
