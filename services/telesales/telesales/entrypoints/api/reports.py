"""Figures beyond the day (T3–T5): the month with its funnel and talk time, the leader's board,
and the agent's month-end summary."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from telesales.adapters.repositories import Slice
from telesales.domain.figures import FunnelStep
from telesales.entrypoints.api.deps import BusDep, CurrentUser
from telesales.entrypoints.api.schemas import DailyFiguresRead, FiguresRead
from telesales.service_layer import commands, reports
from telesales.service_layer.reports import MonthTotal

router = APIRouter(tags=["figures"])

Month = Annotated[str, Query(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM; default: this month, company time")]


class FunnelStepRead(BaseModel):
    stage: str
    reached: int = Field(description="calls that got at least this far (T2)")

    @classmethod
    def all(cls, steps: list[FunnelStep]) -> list[FunnelStepRead]:
        return [cls(stage=step.stage.value, reached=step.reached) for step in steps]


class MonthAgentRead(BaseModel):
    agent_id: uuid.UUID
    name: str | None
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    figures: FiguresRead


class MonthTotalRead(BaseModel):
    id: uuid.UUID | None
    agents: int
    figures: FiguresRead

    @classmethod
    def of(cls, subtotal: MonthTotal) -> MonthTotalRead:
        return cls(id=subtotal.id, agents=subtotal.agents, figures=FiguresRead.of(subtotal.figures))


class MonthlyFiguresRead(BaseModel):
    month: str
    timezone: str
    agents: list[MonthAgentRead] = Field(description="an agent moved mid-month has a line per group")
    groups: list[MonthTotalRead]
    departments: list[MonthTotalRead]
    total: MonthTotalRead
    funnel: list[FunnelStepRead]


class SummaryBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(min_length=1, max_length=10_000)
    next_month_plan: str | None = Field(None, max_length=10_000)


class MonthlySummaryRead(BaseModel):
    agent_id: uuid.UUID
    name: str | None
    month: str
    figures: FiguresRead
    funnel: list[FunnelStepRead]
    daily_target: int
    days_dialled: int
    days_target_met: int
    summary: str | None = Field(description="the agent's words; null until submitted")
    next_month_plan: str | None
    submitted_at: datetime | None


@router.get("/figures/monthly")
async def monthly_figures(bus: BusDep, user: CurrentUser, month: Month = None, agent_id: uuid.UUID | None = None,
                          group_id: uuid.UUID | None = None,
                          department_id: uuid.UUID | None = None) -> MonthlyFiguresRead:
    """A month's figures per agent, group and department, talk time included, and the call-stage
    funnel, for one agent, group or department or the caller's scope."""
    report = await reports.monthly_figures(bus, user, month or bus.clock.month(),
                                           Slice(agent_id=agent_id, group_id=group_id, department_id=department_id))
    return MonthlyFiguresRead(
        month=report.month, timezone=str(bus.clock.timezone),
        agents=[MonthAgentRead(agent_id=line.agent_id, name=line.name, group_id=line.group_id,
                               department_id=line.department_id, figures=FiguresRead.of(line.figures))
                for line in report.agents],
        groups=[MonthTotalRead.of(t) for t in report.groups],
        departments=[MonthTotalRead.of(t) for t in report.departments],
        total=MonthTotalRead.of(report.total), funnel=FunnelStepRead.all(report.funnel))


@router.get("/figures/board")
async def board(bus: BusDep, user: CurrentUser, group_id: uuid.UUID | None = None) -> DailyFiguresRead:
    """Today's progress against the dial target for a whole group (default: the caller's), best first."""
    return DailyFiguresRead.of(await reports.board(bus, user, group_id), str(bus.clock.timezone))


@router.get("/reports/monthly/{agent_id}")
async def monthly_summary(agent_id: uuid.UUID, bus: BusDep, user: CurrentUser,
                          month: Month = None) -> MonthlySummaryRead:
    """An agent's month-end summary report (T5), pre-filled from the figures."""
    summary = await reports.monthly_summary(bus, user, agent_id, month or bus.clock.month())
    return MonthlySummaryRead(
        agent_id=summary.agent_id, name=summary.name, month=summary.month, figures=FiguresRead.of(summary.figures),
        funnel=FunnelStepRead.all(summary.funnel), daily_target=summary.daily_target,
        days_dialled=summary.days_dialled, days_target_met=summary.days_target_met, summary=summary.summary,
        next_month_plan=summary.next_month_plan, submitted_at=summary.submitted_at)


@router.put("/reports/monthly/{agent_id}/{month}", status_code=204)
async def submit_summary(agent_id: uuid.UUID, month: Annotated[str, Path(pattern=r"^\d{4}-\d{2}$")],
                         body: SummaryBody, bus: BusDep, user: CurrentUser) -> None:
    """The agent writes (or rewrites) their summary and next month's plan."""
    await bus.handle(commands.SubmitMonthlySummary(agent_id=agent_id, month=month, summary=body.summary,
                                                   next_month_plan=body.next_month_plan, actor=user))
