"""Queries beyond the day (T3, T5): a month's figures summed from the daily rows, the call-stage
funnel counted from the calls, and the agents' month-end summaries."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.scope import DataScope
from telesales.adapters.repositories import _CALLS, _FIGURES, Slice
from telesales.adapters.tables import FIGURE_COLUMNS, calls, daily_figures, monthly_reports
from telesales.domain.calls import CallStage
from telesales.domain.figures import AgentDay, DailyFigures


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def period(self, first: date, last: date, scope: DataScope, part: Slice) -> list[AgentDay]:
        """Each agent's figures over the days, per group and department they dialled from: an
        agent moved mid-month counts in each group for the days spent there."""
        table = daily_figures
        rows = await self._session.execute(
            select(table.c.agent_id, table.c.group_id, table.c.department_id,
                   *(func.sum(table.c[column]).label(column) for column in FIGURE_COLUMNS))
            .where(table.c.call_date.between(first, last), _FIGURES.in_scope(scope), *_FIGURES.sliced(part))
            .group_by(table.c.agent_id, table.c.group_id, table.c.department_id)
            .order_by(table.c.agent_id)
        )
        return [AgentDay(agent_id=row.agent_id, group_id=row.group_id, department_id=row.department_id,
                         figures=DailyFigures(**{column: int(getattr(row, column)) for column in FIGURE_COLUMNS}))
                for row in rows]

    async def furthest_stages(self, first: date, last: date, scope: DataScope,
                              part: Slice) -> dict[CallStage | None, int]:
        rows = await self._session.execute(
            select(calls.c.stage_reached, func.count())
            .where(calls.c.call_date.between(first, last), _CALLS.in_scope(scope), *_CALLS.sliced(part))
            .group_by(calls.c.stage_reached))
        return {CallStage(stage) if stage else None: count for stage, count in rows}

    async def days_target_met(self, agent_id: uuid.UUID, first: date, last: date, target: int) -> int:
        return (await self._session.execute(
            select(func.count()).select_from(daily_figures)
            .where(daily_figures.c.agent_id == agent_id, daily_figures.c.call_date.between(first, last),
                   daily_figures.c.dials >= target))).scalar_one()

    async def summary(self, agent_id: uuid.UUID, month: str) -> dict | None:
        row = (await self._session.execute(select(monthly_reports).where(
            monthly_reports.c.agent_id == agent_id, monthly_reports.c.month == month))).first()
        return dict(row._mapping) if row else None

    async def save_summary(self, agent_id: uuid.UUID, month: str, summary: str, plan: str | None,
                           at: datetime) -> None:
        insert = pg_insert(monthly_reports).values(agent_id=agent_id, month=month, summary=summary,
                                                   next_month_plan=plan, submitted_at=at)
        await self._session.execute(insert.on_conflict_do_update(
            index_elements=["agent_id", "month"],
            set_={"summary": summary, "next_month_plan": plan, "submitted_at": at}))
