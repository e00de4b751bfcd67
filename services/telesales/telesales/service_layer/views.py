"""Reads, each limited to the caller's data scope. A call outside it answers exactly as if it did
not exist, so that call ids cannot be probed; figures asked for outside it are refused."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from shared.auth import Principal, scope_of
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.phones import mask_phone
from shared.scope import DataScope
from telesales.adapters.compliance import Refusal
from telesales.adapters.repositories import CallQuery, Slice
from telesales.domain.calls import Call
from telesales.domain.figures import AgentDay, DailyFigures, total
from telesales.domain.targets import Progress, progress
from telesales.service_layer.unit_of_work import TelesalesBus, TelesalesUnitOfWork


@dataclass(frozen=True)
class ReadableCall:
    call: Call
    # Whole for the agent who dialled it, masked for everyone else by the company's one rule (C10).
    number: str
    number_masked: bool


@dataclass(frozen=True)
class CallPage:
    items: list[ReadableCall]
    total: int


@dataclass(frozen=True)
class AgentLine:
    agent_id: uuid.UUID
    name: str | None
    role: str | None
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    figures: DailyFigures
    progress: Progress


@dataclass(frozen=True)
class Subtotal:
    id: uuid.UUID | None
    agents: int
    figures: DailyFigures
    progress: Progress


@dataclass(frozen=True)
class FiguresReport:
    day: date
    agents: list[AgentLine]
    groups: list[Subtotal]
    departments: list[Subtotal]
    total: Subtotal


def readable(call: Call, reader: Principal) -> ReadableCall:
    own = call.agent_id == reader.employee_id
    number = call.number_dialled if own else mask_phone(call.number_dialled) or ""
    return ReadableCall(call=call, number=number, number_masked=not own)


async def call(bus: TelesalesBus, reader: Principal, call_id: str) -> ReadableCall:
    async with bus.uow() as uow:
        found = await uow.calls.get(call_id)
    if found is None or not scope_of(reader).sees(employee_id=found.agent_id, group_id=found.placement.group_id,
                                                  department_id=found.placement.department_id):
        raise NotFound(f"call {call_id} not found", call_id=call_id)
    return readable(found, reader)


async def calls(bus: TelesalesBus, reader: Principal, query: CallQuery, *, limit: int, offset: int) -> CallPage:
    async with bus.uow() as uow:
        items, count = await uow.calls.page(scope_of(reader), query, limit=limit, offset=offset)
    return CallPage(items=[readable(item, reader) for item in items], total=count)


async def daily_figures(bus: TelesalesBus, reader: Principal, day: date, part: Slice) -> FiguresReport:
    """Per agent, with group and department totals and progress against the dial target (T3, T4).
    Agents expected to dial who have not dialled yet are listed with zeros."""
    if sum(value is not None for value in (part.agent_id, part.group_id, part.department_id)) > 1:
        raise InvalidInput("agent_id", "give at most one of agent_id, group_id, department_id")
    targets = bus.policy.targets
    async with bus.uow() as uow:
        scope = await _authorised_scope(uow, scope_of(reader), part)
        days = {row.agent_id: row for row in await uow.figures.day(day, scope, part)}
        expected = await uow.directory.people(scope=scope, part=part, roles=list(targets.by_role))
        wanted = set(days) | {person.employee_id for person in expected}
        # One agent asked for by id, or an agent reading their own day: listed even before their first dial.
        if part.agent_id is not None:
            wanted.add(part.agent_id)
        elif scope.is_personal:
            wanted.add(reader.employee_id)
        people = await uow.directory.employees(wanted)

    lines = []
    for agent_id in sorted(wanted):
        person = people.get(agent_id)
        row = days.get(agent_id) or AgentDay(agent_id, person.group_id if person else None,
                                             person.department_id if person else None, DailyFigures())
        if person is not None:
            target = targets.for_role(person.role)
        elif agent_id == reader.employee_id:
            target = targets.for_roles(reader.roles)
        else:
            target = targets.default
        lines.append(AgentLine(agent_id=agent_id, name=person.name if person else None,
                               role=person.role if person else None, group_id=row.group_id,
                               department_id=row.department_id, figures=row.figures,
                               progress=progress(target, row.figures.dials)))
    return FiguresReport(day=day, agents=lines, groups=_subtotals(lines, lambda line: line.group_id),
                         departments=_subtotals(lines, lambda line: line.department_id),
                         total=_subtotal(None, lines))


async def _authorised_scope(uow: TelesalesUnitOfWork, scope: DataScope, part: Slice) -> DataScope:
    """The scope to read ``part`` in; Forbidden when the caller may not see it. The answer is the
    same for an unknown id as for one outside the scope, so that it tells nothing."""
    if part.agent_id is not None:
        agent = await uow.directory.employee(part.agent_id)
        visible = scope.sees(employee_id=part.agent_id, group_id=agent.group_id if agent else None,
                             department_id=agent.department_id if agent else None)
    elif part.group_id is not None:
        group = await uow.directory.group(part.group_id)
        visible = scope.sees_group(part.group_id, group.department_id if group else None)
    elif part.department_id is not None:
        visible = scope.sees_department(part.department_id)
    else:
        return scope
    if not visible:
        raise Forbidden("these figures are outside your scope")
    # Asked for by name and allowed: rows stamped with the agent's earlier group still count.
    return DataScope(everything=True)


def _subtotals(lines: list[AgentLine], key) -> list[Subtotal]:
    grouped: dict[uuid.UUID, list[AgentLine]] = defaultdict(list)
    for line in lines:
        if key(line) is not None:
            grouped[key(line)].append(line)
    return [_subtotal(identifier, members) for identifier, members in sorted(grouped.items())]


def _subtotal(identifier: uuid.UUID | None, lines: list[AgentLine]) -> Subtotal:
    figures = total(line.figures for line in lines)
    return Subtotal(id=identifier, agents=len(lines), figures=figures,
                    progress=progress(sum(line.progress.target for line in lines), figures.dials))


async def call_versions(bus: TelesalesBus, reader: Principal, call_id: str) -> list[dict]:
    """The versions of a call the reader may see; NotFound as for the call itself."""
    await call(bus, reader, call_id)
    async with bus.uow() as uow:
        return await uow.calls.versions(call_id)


async def refusals(bus: TelesalesBus, *, submitted_by: uuid.UUID | None, agent_id: uuid.UUID | None,
                   call_id: str | None, after_id: int, limit: int) -> list[Refusal]:
    async with bus.uow() as uow:
        return await uow.refusals.page(submitted_by=submitted_by, agent_id=agent_id, call_id=call_id,
                                       after_id=after_id, limit=limit)
