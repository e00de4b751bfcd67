"""What-if (issue 9 item 10): a closed period recomputed under draft plans, compared person by
person and line by line, stored with who asked; nothing else changes. Finance and admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from payroll.entrypoints.api.deps import BusDep
from payroll.entrypoints.api.schemas import BlockerRead, OverrideWrite, Period, PlanWrite, RoleName
from payroll.service_layer import commands, what_if
from shared.auth import Principal, Role, require_roles

WHAT_IF_ROLES = (Role.FINANCE, Role.ADMIN)
WhatIfUser = Annotated[Principal, require_roles(*WHAT_IF_ROLES)]

router = APIRouter(tags=["what-if"])


class DraftPlan(PlanWrite):
    """A role plan as ``PUT /plans/{role}`` takes it, applied to the period recomputed only."""

    role: RoleName
    effective_from: Period | None = Field(None, description="the period recomputed, if given at all")


class DraftOverride(OverrideWrite):
    """A person's override as ``PUT /plans/people/{id}`` takes it; it replaces the override in force."""

    employee_id: uuid.UUID
    effective_from: Period | None = Field(None, description="the period recomputed, if given at all")


class WhatIfWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period = Field(description="a period whose pay run exists, draft or locked")
    plans: list[DraftPlan] = Field(default=[], max_length=20)
    overrides: list[DraftOverride] = Field(default=[], max_length=500)
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^[^\x00]*$")] | None = None


class LineChangeRead(BaseModel):
    rule: str
    kind: str
    before: Decimal | None = Field(description="none: the line does not exist under the plans in force")
    after: Decimal | None = Field(description="none: the draft drops the line")
    difference: Decimal


class PersonChangeRead(BaseModel):
    employee_id: uuid.UUID
    name: str | None
    role: str | None
    before: Decimal | None = Field(description="gross under the plans in force; none: a blocker then")
    after: Decimal | None = Field(description="gross under the draft; none: a blocker under it")
    difference: Decimal
    paid: Decimal | None = Field(description="the gross the stored run pays (inputs may have changed since)")
    changed: bool
    plan_version_before: int | None
    plan_version_after: int | None
    lines: list[LineChangeRead]


class TotalsRead(BaseModel):
    before: Decimal
    after: Decimal
    difference: Decimal
    paid: Decimal
    people: int
    changed: int


class ResultRead(BaseModel):
    totals: TotalsRead
    people: list[PersonChangeRead]
    blockers_before: list[BlockerRead]
    blockers_after: list[BlockerRead]


class WhatIfRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    period: str
    run_id: uuid.UUID
    run_status: str
    asked_by: uuid.UUID
    asked_at: datetime
    note: str | None
    draft: dict
    result: ResultRead


@router.post("/what-ifs", status_code=201)
async def run_what_if(body: WhatIfWrite, bus: BusDep, user: WhatIfUser) -> WhatIfRead:
    """Recompute a period's run under draft role plans and/or person overrides and store the comparison;
    runs, payslips, plans and events are untouched. A period without a run is 404."""
    command = what_if.RunWhatIf(
        period=body.period, asked_by=user.employee_id, note=body.note or None,
        plans=tuple(commands.SetPlan(
            role=draft.role, effective_from=draft.effective_from or body.period, monthly_base=draft.monthly_base,
            performance_standard=draft.performance_standard, bonus_base=draft.bonus_base,
            commission_rate=draft.commission_rate, set_by=user.employee_id, parts=frozenset(draft.parts),
            performance_fixed=draft.performance_fixed, commission_plan=draft.commission_plan,
            annual_bonus_base=draft.annual_bonus_base, base_follows_plan_execution=draft.base_follows_plan_execution)
            for draft in body.plans),
        overrides=tuple(commands.SetPlanOverride(
            employee_id=draft.employee_id, effective_from=draft.effective_from or body.period,
            amounts=draft.amounts(), set_by=user.employee_id) for draft in body.overrides))
    return WhatIfRead.model_validate(await bus.handle(command))


@router.get("/what-ifs")
async def list_what_ifs(bus: BusDep, user: WhatIfUser, period: Period | None = None) -> list[WhatIfRead]:
    """Stored what-ifs, newest first, optionally of one period."""
    return [WhatIfRead.model_validate(each) for each in await what_if.what_ifs(bus, period)]


@router.get("/what-ifs/{what_if_id}")
async def get_what_if(what_if_id: uuid.UUID, bus: BusDep, user: WhatIfUser) -> WhatIfRead:
    """One stored what-if: the draft as asked and its comparison."""
    return WhatIfRead.model_validate(await what_if.what_if(bus, what_if_id))
