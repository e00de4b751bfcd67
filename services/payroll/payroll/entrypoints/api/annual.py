"""The annual score (A1) as payroll received it, and the year-end bonus it pays (P3).

HR and finance read every annual result; a department manager those of their department; anyone
else their own. What runs paid or owed of the annual bonus is for HR and finance.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from payroll.entrypoints.api.deps import BusDep, PayrollOfficer, PayslipScopeDep
from payroll.service_layer import annual_views

router = APIRouter(tags=["annual"])


class AnnualResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    year: int
    employee_id: uuid.UUID
    employee_name: str | None
    department_id: uuid.UUID | None
    score: Decimal = Field(description="the mean of the year's monthly scores (A1)")
    coefficient: Decimal = Field(description="the A5 coefficient of the annual score, as appraisal sent it")
    months_scored: list[str]
    months_missing: list[str]
    missing_months_rule: str
    revision: int = Field(description="the highest revision received; a later one replaced earlier ones")
    computed_at: datetime


class OwedAnnualBonusRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    year: int
    employee_id: uuid.UUID
    run_id: uuid.UUID = Field(description="the run that could not pay it")
    period: str
    annual_bonus_base: Decimal
    plan_version: int
    reason: str


class RunAnnualBonusRead(BaseModel):
    year: int
    employee_id: uuid.UUID
    status: str = Field(description="paid, or owed (not paid by this run for want of the annual result)")
    annual_bonus_base: Decimal
    plan_version: int
    revision: int | None = Field(description="the annual result's revision paid")
    amount: Decimal | None = Field(description="paid by this run (a revision pays the difference)")
    reason: str | None


@router.get("/annual-results")
async def annual_results(bus: BusDep, scope: PayslipScopeDep,
                         year: int = Query(ge=2000, le=2999, description="the appraisal year")
                         ) -> list[AnnualResultRead]:
    """The year's annual scores the caller may see (HR/finance: all; department manager: department; others:
    their own)."""
    return [AnnualResultRead.model_validate(each) for each in await annual_views.annual_results(bus, scope, year)]


@router.get("/annual-bonus/owed")
async def owed_annual_bonuses(bus: BusDep, user: PayrollOfficer) -> list[OwedAnnualBonusRead]:
    """Annual bonuses a run could not pay (no annual result yet) and no run has paid since: the first run
    after the result arrives pays them."""
    return [OwedAnnualBonusRead.model_validate(each) for each in await annual_views.owed_annual_bonuses(bus)]


@router.get("/runs/{run_id}/annual-bonus")
async def run_annual_bonuses(run_id: uuid.UUID, bus: BusDep, user: PayrollOfficer) -> list[RunAnnualBonusRead]:
    """Whom the run paid an annual bonus, and whom it owes one with the reason (nobody silently left out)."""
    return [RunAnnualBonusRead.model_validate(each) for each in await annual_views.run_annual_bonuses(bus, run_id)]
