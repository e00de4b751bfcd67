"""Daily figures per agent with group and department totals and progress against target (T3, T4)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from shared.fields import IsoDate
from telesales.adapters.repositories import Slice
from telesales.entrypoints.api.deps import BusDep, CurrentUser
from telesales.entrypoints.api.schemas import DailyFiguresRead
from telesales.service_layer import views

router = APIRouter(tags=["figures"])


@router.get("/figures/daily")
async def daily_figures(
    bus: BusDep,
    user: CurrentUser,
    day: Annotated[IsoDate | None, Query(alias="date", description="default: today, company time")] = None,
    agent_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None,
    department_id: uuid.UUID | None = None,
) -> DailyFiguresRead:
    """One day's figures (default today, company time) for one agent, group or department, or the caller's scope."""
    part = Slice(agent_id=agent_id, group_id=group_id, department_id=department_id)
    report = await views.daily_figures(bus, user, day or bus.clock.today(), part)
    return DailyFiguresRead.of(report, str(bus.clock.timezone))
