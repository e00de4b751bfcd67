"""Reads, each limited to the caller's data scope. Anything outside it answers exactly as if it
did not exist, so that ids cannot be probed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from org.adapters.repositories import EmployeeQuery
from org.domain.assignments import Assignment
from org.domain.groups import LeadershipTerm
from org.domain.headcount import HeadcountLine
from org.domain.model import Department, Employee, Region, SalesGroup
from org.domain.visibility import Visibility
from org.service_layer.unit_of_work import OrgBus, OrgUnitOfWork
from shared.errors import NotFound


@dataclass(frozen=True)
class GroupDetail:
    group: SalesGroup
    members: list[Employee]
    leadership: list[LeadershipTerm]


@dataclass(frozen=True)
class GroupLoad:
    """Group size and load side by side (O4), so that groups are compared on fair terms."""

    group: SalesGroup
    size: int
    # Members for now; open leads and market difficulty join it once crm publishes them.
    load: int


@dataclass(frozen=True)
class EmployeePage:
    items: list[Employee]
    total: int


async def departments(bus: OrgBus, visibility: Visibility) -> list[Department]:
    async with bus.uow() as uow:
        return await uow.departments.visible(visibility)


async def department(bus: OrgBus, visibility: Visibility, department_id: uuid.UUID) -> Department:
    async with bus.uow() as uow:
        return await _visible_department(uow, visibility, department_id)


async def regions(bus: OrgBus, visibility: Visibility, department_id: uuid.UUID) -> list[Region]:
    async with bus.uow() as uow:
        await _visible_department(uow, visibility, department_id)
        return await uow.regions.list_for(department_id)


async def headcount(bus: OrgBus, visibility: Visibility, department_id: uuid.UUID) -> list[HeadcountLine]:
    """Planned against filled for every role that has a plan or people."""
    async with bus.uow() as uow:
        if not visibility.sees_headcount(department_id) or await uow.departments.get(department_id) is None:
            raise _department_not_found(department_id)
        planned = {plan.role: plan.planned for plan in await uow.headcount.list_for(department_id)}
        filled = await uow.employees.employed_by_role(department_id)
    return [
        HeadcountLine(role=role, planned=planned.get(role, 0), filled=filled.get(role, 0))
        for role in sorted(planned.keys() | filled.keys())
    ]


async def groups(bus: OrgBus, visibility: Visibility, department_id: uuid.UUID | None = None
                 ) -> list[SalesGroup]:
    async with bus.uow() as uow:
        return await uow.groups.visible(visibility, department_id)


async def group_detail(bus: OrgBus, visibility: Visibility, group_id: uuid.UUID) -> GroupDetail:
    async with bus.uow() as uow:
        group = await uow.groups.get(group_id)
        if group is None or not visibility.sees_group(group):
            raise NotFound(f"group {group_id} does not exist")
        members = [member for member in await uow.employees.members(group.id) if visibility.sees_employee(member)]
        leadership = await uow.leaderships.history(group.id)
    return GroupDetail(group=group, members=members, leadership=leadership)


async def group_report(bus: OrgBus, visibility: Visibility, department_id: uuid.UUID | None = None
                       ) -> list[GroupLoad]:
    async with bus.uow() as uow:
        visible = await uow.groups.visible(visibility, department_id)
        sizes = await uow.employees.group_sizes([group.id for group in visible])
    return [GroupLoad(group=group, size=sizes.get(group.id, 0), load=sizes.get(group.id, 0)) for group in visible]


async def employees(bus: OrgBus, visibility: Visibility, query: EmployeeQuery, *, limit: int,
                    offset: int) -> EmployeePage:
    async with bus.uow() as uow:
        items, total = await uow.employees.search(visibility, query, limit=limit, offset=offset)
    return EmployeePage(items=items, total=total)


async def employee(bus: OrgBus, visibility: Visibility, employee_id: uuid.UUID) -> Employee:
    async with bus.uow() as uow:
        return await _visible_employee(uow, visibility, employee_id)


async def employee_history(bus: OrgBus, visibility: Visibility, employee_id: uuid.UUID) -> list[Assignment]:
    async with bus.uow() as uow:
        await _visible_employee(uow, visibility, employee_id)
        return await uow.assignments.history(employee_id)


async def me(bus: OrgBus, employee_id: uuid.UUID) -> Employee:
    async with bus.uow() as uow:
        found = await uow.employees.get(employee_id)
    if found is None:
        raise NotFound("the caller has no employee record")
    return found


async def _visible_department(uow: OrgUnitOfWork, visibility: Visibility, department_id: uuid.UUID) -> Department:
    found = await uow.departments.get(department_id) if visibility.sees_department(department_id) else None
    if found is None:
        raise _department_not_found(department_id)
    return found


async def _visible_employee(uow: OrgUnitOfWork, visibility: Visibility, employee_id: uuid.UUID) -> Employee:
    found = await uow.employees.get(employee_id)
    if found is None or not visibility.sees_employee(found):
        raise NotFound(f"employee {employee_id} does not exist")
    return found


def _department_not_found(department_id: uuid.UUID) -> NotFound:
    return NotFound(f"department {department_id} does not exist")
