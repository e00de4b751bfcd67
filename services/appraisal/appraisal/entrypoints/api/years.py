"""The annual score (A1): computed by HR from January for the past year, read within the caller's scope."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from appraisal.entrypoints.api.deps import AppraisalAdmin, BusDep, CurrentUser
from appraisal.entrypoints.api.schemas import AnnualResultRead
from appraisal.service_layer import commands, views

router = APIRouter(prefix="/years", tags=["years"])

Year = Annotated[int, Path(ge=1900, le=2999, description="The calendar year", examples=[2026])]


@router.post("/{year}/annual-results")
async def compute_annual_results(year: Year, bus: BusDep, user: AppraisalAdmin) -> list[AnnualResultRead]:
    """Average each employee's frozen monthly scores of the year (from January of the next, every month
    closed); announce each new or changed result (appraisal.annual_result.finalized.v1). Idempotent."""
    computed = await bus.handle(commands.ComputeAnnualResults(year=year, by=user))
    return [AnnualResultRead.model_validate(item) for item in computed]


@router.get("/{year}/annual-results")
async def list_annual_results(year: Year, bus: BusDep, user: CurrentUser) -> list[AnnualResultRead]:
    """The year's annual results the caller may see, best first."""
    return [AnnualResultRead.model_validate(item) for item in await views.annual_results(bus, user, year)]


@router.get("/{year}/employees/{employee_id}/annual-result")
async def get_annual_result(year: Year, employee_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> AnnualResultRead:
    """One employee's annual result."""
    return AnnualResultRead.model_validate(await views.annual_result(bus, user, year, employee_id))
