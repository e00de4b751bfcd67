"""Figures beyond the day (T3, T4, T5): the month per agent, group and department with the
call-stage funnel and talk time; the leader's live board of the day; the agent's month-end summary,
pre-filled from the figures. Every read is limited to the caller's scope like the daily figures."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from shared.auth import Principal, scope_of
from shared.clock import first_day, last_day, shift_month
from shared.errors import Forbidden, InvalidInput
from telesales.adapters.repositories import Slice
from telesales.domain.figures import DailyFigures, FunnelStep, funnel, total
from telesales.service_layer import commands
from telesales.service_layer.unit_of_work import TelesalesBus
from telesales.service_layer.views import FiguresReport, _authorised_scope, daily_figures


@dataclass(frozen=True)
class MonthLine:
    agent_id: uuid.UUID
    name: str | None
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    figures: DailyFigures


@dataclass(frozen=True)
class MonthTotal:
    id: uuid.UUID | None
    agents: int
    figures: DailyFigures


@dataclass(frozen=True)
class MonthReport:
    month: str
    first: date
    last: date
    agents: list[MonthLine]
    groups: list[MonthTotal]
    departments: list[MonthTotal]
    total: MonthTotal
    funnel: list[FunnelStep]


def month_range(month: str) -> tuple[date, date]:
    try:
        return first_day(month), last_day(month)
    except ValueError as error:
        raise InvalidInput("month", "a month is written YYYY-MM") from error


def _one_slice(part: Slice) -> None:
    if sum(value is not None for value in (part.agent_id, part.group_id, part.department_id)) > 1:
        raise InvalidInput("agent_id", "give at most one of agent_id, group_id, department_id")


async def monthly_figures(bus: TelesalesBus, reader: Principal, month: str, part: Slice) -> MonthReport:
    _one_slice(part)
    first, last = month_range(month)
    async with bus.uow() as uow:
        scope = await _authorised_scope(uow, scope_of(reader), part)
        rows = await uow.reports.period(first, last, scope, part)
        stages = await uow.reports.furthest_stages(first, last, scope, part)
        people = await uow.directory.employees({row.agent_id for row in rows})
    lines = [MonthLine(agent_id=row.agent_id, name=people[row.agent_id].name if row.agent_id in people else None,
                       group_id=row.group_id, department_id=row.department_id, figures=row.figures) for row in rows]
    return MonthReport(month=month, first=first, last=last, agents=lines,
                       groups=_totals(lines, lambda line: line.group_id),
                       departments=_totals(lines, lambda line: line.department_id),
                       total=MonthTotal(None, len({line.agent_id for line in lines}),
                                        total(line.figures for line in lines)),
                       funnel=funnel(stages))


def _totals(lines: list[MonthLine], key) -> list[MonthTotal]:
    grouped: dict[uuid.UUID, list[MonthLine]] = defaultdict(list)
    for line in lines:
        if key(line) is not None:
            grouped[key(line)].append(line)
    return [MonthTotal(identifier, len({m.agent_id for m in members}), total(m.figures for m in members))
            for identifier, members in sorted(grouped.items())]


async def board(bus: TelesalesBus, reader: Principal, group_id: uuid.UUID | None) -> FiguresReport:
    """A group's day live against the dial target (T4), best progress first: the leader's own
    group unless another is named."""
    group = group_id or reader.group_id
    if group is None:
        raise InvalidInput("group_id", "you belong to no group; name the group to show")
    report = await daily_figures(bus, reader, bus.clock.today(), Slice(group_id=group))
    report.agents.sort(key=lambda line: (-line.progress.percent, line.name or "", line.agent_id))
    return report


@dataclass(frozen=True)
class MonthlySummary:
    """The month-end summary report (T5): figures, funnel and days on target filled in from the
    records; the summary and next month's plan are the agent's words, None until submitted."""

    agent_id: uuid.UUID
    name: str | None
    month: str
    figures: DailyFigures
    funnel: list[FunnelStep]
    daily_target: int
    days_dialled: int
    days_target_met: int
    summary: str | None
    next_month_plan: str | None
    submitted_at: object | None


async def monthly_summary(bus: TelesalesBus, reader: Principal, agent_id: uuid.UUID, month: str) -> MonthlySummary:
    first, last = month_range(month)
    part = Slice(agent_id=agent_id)
    async with bus.uow() as uow:
        scope = await _authorised_scope(uow, scope_of(reader), part)
        person = await uow.directory.employee(agent_id)
        target = (bus.policy.targets.for_role(person.role) if person
                  else bus.policy.targets.for_roles(reader.roles) if agent_id == reader.employee_id
                  else bus.policy.targets.default)
        rows = await uow.reports.period(first, last, scope, part)
        stages = await uow.reports.furthest_stages(first, last, scope, part)
        met = await uow.reports.days_target_met(agent_id, first, last, target)
        dialled = await uow.reports.days_target_met(agent_id, first, last, 1)
        saved = await uow.reports.summary(agent_id, month)
    return MonthlySummary(
        agent_id=agent_id, name=person.name if person else None, month=month,
        figures=total(row.figures for row in rows), funnel=funnel(stages), daily_target=target,
        days_dialled=dialled, days_target_met=met, summary=saved["summary"] if saved else None,
        next_month_plan=saved["next_month_plan"] if saved else None,
        submitted_at=saved["submitted_at"] if saved else None)


async def submit_summary(command: commands.SubmitMonthlySummary, bus: TelesalesBus) -> None:
    """Only the agent writes their summary, for the current or the previous month."""
    if command.agent_id != command.actor.employee_id:
        raise Forbidden("an agent submits their own month-end summary")
    month_range(command.month)
    current = bus.clock.month()
    if command.month not in (current, shift_month(current, -1)):
        raise InvalidInput("month", f"a summary is for {shift_month(current, -1)} or {current}")
    summary = command.summary.strip()
    if not summary:
        raise InvalidInput("summary", "write the month's summary")
    async with bus.uow() as uow:
        await uow.reports.save_summary(command.agent_id, command.month, summary,
                                       (command.next_month_plan or "").strip() or None, bus.clock.now())
        await uow.commit()
