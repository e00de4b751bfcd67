"""Every query of the org service. Repositories translate rows to domain objects and back; they
never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Row, func, insert, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from org.adapters.tables import (
    credentials,
    departments,
    employee_assignments,
    employees,
    group_leaderships,
    headcount_plans,
    regions,
    sales_groups,
)
from org.domain.assignments import Assignment
from org.domain.credentials import Credential
from org.domain.groups import LeadershipTerm
from org.domain.headcount import HeadcountPlan
from org.domain.model import (
    EMPLOYED,
    Department,
    DepartmentKind,
    Employee,
    EmployeeStatus,
    Placement,
    Region,
    SalesGroup,
)
from org.domain.visibility import Visibility

# Bounds the reporting-line walk: a real hierarchy is a dozen levels deep, a corrupt one must not spin.
MAX_REPORTING_DEPTH = 1000
# Every change that may alter a reporting line takes this transaction-scoped lock, so two
# concurrent changes cannot each pass the cycle check and together close a loop.
REPORTING_LINES_LOCK = 0x6F72675F726C  # "org_rl"

_EMPLOYED_VALUES = [status.value for status in EMPLOYED]


@dataclass(frozen=True)
class EmployeeQuery:
    department_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    role: str | None = None
    status: EmployeeStatus | None = None


class DepartmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, department: Department) -> None:
        await self._session.execute(
            insert(departments).values(id=department.id, name=department.name, kind=department.kind.value)
        )

    async def get(self, department_id: uuid.UUID) -> Department | None:
        row = (await self._session.execute(select(departments).where(departments.c.id == department_id))).first()
        return _department(row) if row else None

    async def get_by_name(self, name: str) -> Department | None:
        row = (await self._session.execute(select(departments).where(departments.c.name == name))).first()
        return _department(row) if row else None

    async def visible(self, visibility: Visibility) -> list[Department]:
        query = select(departments).order_by(departments.c.name)
        if not visibility.everything:
            query = query.where(departments.c.id.in_(visibility.visible_department_ids))
        return [_department(row) for row in await self._session.execute(query)]


class RegionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, region: Region) -> None:
        await self._session.execute(
            insert(regions).values(id=region.id, department_id=region.department_id, name=region.name)
        )

    async def get(self, region_id: uuid.UUID) -> Region | None:
        row = (await self._session.execute(select(regions).where(regions.c.id == region_id))).first()
        return _region(row) if row else None

    async def get_by_name(self, department_id: uuid.UUID, name: str) -> Region | None:
        row = (await self._session.execute(
            select(regions).where(regions.c.department_id == department_id, regions.c.name == name)
        )).first()
        return _region(row) if row else None

    async def list_for(self, department_id: uuid.UUID) -> list[Region]:
        rows = await self._session.execute(
            select(regions).where(regions.c.department_id == department_id).order_by(regions.c.name)
        )
        return [_region(row) for row in rows]


class GroupRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, group: SalesGroup) -> None:
        await self._session.execute(insert(sales_groups).values(
            id=group.id, name=group.name, department_id=group.department_id, region_id=group.region_id,
            leader_id=group.leader_id,
        ))

    async def get(self, group_id: uuid.UUID, *, for_update: bool = False) -> SalesGroup | None:
        query = select(sales_groups).where(sales_groups.c.id == group_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _group(row) if row else None

    async def get_by_name(self, department_id: uuid.UUID, name: str) -> SalesGroup | None:
        row = (await self._session.execute(
            select(sales_groups).where(sales_groups.c.department_id == department_id, sales_groups.c.name == name)
        )).first()
        return _group(row) if row else None

    async def led_by(self, employee_id: uuid.UUID) -> SalesGroup | None:
        row = (await self._session.execute(
            select(sales_groups).where(sales_groups.c.leader_id == employee_id)
        )).first()
        return _group(row) if row else None

    async def save(self, group: SalesGroup) -> None:
        await self._session.execute(
            update(sales_groups).where(sales_groups.c.id == group.id)
            .values(name=group.name, region_id=group.region_id, leader_id=group.leader_id)
        )

    async def visible(self, visibility: Visibility, department_id: uuid.UUID | None = None) -> list[SalesGroup]:
        query = select(sales_groups).order_by(sales_groups.c.name, sales_groups.c.id)
        if department_id is not None:
            query = query.where(sales_groups.c.department_id == department_id)
        if not visibility.everything:
            query = query.where(or_(
                sales_groups.c.department_id.in_(visibility.department_ids),
                sales_groups.c.id.in_(visibility.visible_group_ids),
            ))
        return [_group(row) for row in await self._session.execute(query)]


class LeadershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, term: LeadershipTerm) -> None:
        await self._session.execute(insert(group_leaderships).values(
            id=term.id, group_id=term.group_id, leader_id=term.leader_id, valid_from=term.valid_from,
            valid_to=term.valid_to,
        ))

    async def current(self, group_id: uuid.UUID) -> LeadershipTerm | None:
        row = (await self._session.execute(
            select(group_leaderships)
            .where(group_leaderships.c.group_id == group_id, group_leaderships.c.valid_to.is_(None))
        )).first()
        return _term(row) if row else None

    async def close(self, term: LeadershipTerm) -> None:
        await self._session.execute(
            update(group_leaderships).where(group_leaderships.c.id == term.id).values(valid_to=term.valid_to)
        )

    async def history(self, group_id: uuid.UUID) -> list[LeadershipTerm]:
        rows = await self._session.execute(
            select(group_leaderships).where(group_leaderships.c.group_id == group_id)
            .order_by(group_leaderships.c.valid_from, group_leaderships.c.recorded_at)
        )
        return [_term(row) for row in rows]


class EmployeeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, employee: Employee) -> None:
        await self._session.execute(insert(employees).values(
            id=employee.id, name=employee.name, hired_on=employee.hired_on, left_on=employee.left_on,
            leave_reason=employee.leave_reason, **_placement_columns(employee.placement),
        ))

    async def get(self, employee_id: uuid.UUID, *, for_update: bool = False) -> Employee | None:
        query = _employee_select().where(employees.c.id == employee_id)
        if for_update:
            # NO KEY UPDATE still lets other transactions insert rows that refer to this employee
            # (their foreign-key check takes KEY SHARE); a plain FOR UPDATE would block those and
            # deadlock two transfers that name each other as manager.
            query = query.with_for_update(key_share=True, of=employees)
        row = (await self._session.execute(query)).first()
        return _employee(row) if row else None

    async def save(self, employee: Employee) -> None:
        await self._session.execute(
            update(employees).where(employees.c.id == employee.id).values(
                name=employee.name, left_on=employee.left_on, leave_reason=employee.leave_reason,
                updated_at=func.now(), **_placement_columns(employee.placement),
            )
        )

    async def count_employed(self, department_id: uuid.UUID, role: str) -> int:
        count = await self._session.scalar(
            select(func.count()).select_from(employees).where(
                employees.c.department_id == department_id, employees.c.role == role,
                employees.c.status.in_(_EMPLOYED_VALUES),
            )
        )
        return int(count or 0)

    async def employed_with_role(self, role: str, *, for_update: bool = False) -> list[uuid.UUID]:
        """Everyone employed in ``role`` in any department; ``for_update`` holds them until the
        commit, so that two of them cannot both step down believing the other stays."""
        query = select(employees.c.id).where(employees.c.role == role, employees.c.status.in_(_EMPLOYED_VALUES))
        if for_update:
            query = query.order_by(employees.c.id).with_for_update(key_share=True, of=employees)
        return list((await self._session.scalars(query)).all())

    async def employed_by_role(self, department_id: uuid.UUID) -> dict[str, int]:
        rows = await self._session.execute(
            select(employees.c.role, func.count()).where(
                employees.c.department_id == department_id, employees.c.status.in_(_EMPLOYED_VALUES)
            ).group_by(employees.c.role)
        )
        return {role: int(count) for role, count in rows}

    async def lock_reporting_lines(self) -> None:
        await self._session.execute(select(func.pg_advisory_xact_lock(REPORTING_LINES_LOCK)))

    async def manager_chain(self, start_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID | None]:
        """``{employee: their manager}`` for ``start_id`` and everyone above them."""
        chain = (
            select(employees.c.id, employees.c.manager_id, literal(1).label("depth"))
            .where(employees.c.id == start_id)
            .cte("chain", recursive=True)
        )
        above = employees.alias("above")
        chain = chain.union_all(
            select(above.c.id, above.c.manager_id, chain.c.depth + 1)
            .join(chain, above.c.id == chain.c.manager_id)
            .where(chain.c.depth < MAX_REPORTING_DEPTH)
        )
        rows = await self._session.execute(select(chain.c.id, chain.c.manager_id))
        return {employee_id: manager_id for employee_id, manager_id in rows}

    async def search(self, visibility: Visibility, query: EmployeeQuery, *, limit: int,
                     offset: int) -> tuple[list[Employee], int]:
        conditions = _employee_conditions(visibility, query)
        total = await self._session.scalar(select(func.count()).select_from(employees).where(*conditions))
        rows = await self._session.execute(
            _employee_select().where(*conditions).order_by(employees.c.name, employees.c.id)
            .limit(limit).offset(offset)
        )
        return [_employee(row) for row in rows], int(total or 0)

    async def members(self, group_id: uuid.UUID) -> list[Employee]:
        rows = await self._session.execute(
            _employee_select()
            .where(employees.c.group_id == group_id, employees.c.status.in_(_EMPLOYED_VALUES))
            .order_by(employees.c.name, employees.c.id)
        )
        return [_employee(row) for row in rows]

    async def group_sizes(self, group_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
        rows = await self._session.execute(
            select(employees.c.group_id, func.count()).where(
                employees.c.group_id.in_(list(group_ids)), employees.c.status.in_(_EMPLOYED_VALUES)
            ).group_by(employees.c.group_id)
        )
        return {group_id: int(count) for group_id, count in rows}


class AssignmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, assignment: Assignment) -> None:
        await self._session.execute(insert(employee_assignments).values(
            id=assignment.id, employee_id=assignment.employee_id, valid_from=assignment.valid_from,
            valid_to=assignment.valid_to, reason=assignment.reason, **_placement_columns(assignment.placement),
        ))

    async def current(self, employee_id: uuid.UUID) -> Assignment | None:
        row = (await self._session.execute(
            select(employee_assignments).where(
                employee_assignments.c.employee_id == employee_id, employee_assignments.c.valid_to.is_(None)
            )
        )).first()
        return _assignment(row) if row else None

    async def close(self, assignment: Assignment) -> None:
        await self._session.execute(
            update(employee_assignments).where(employee_assignments.c.id == assignment.id)
            .values(valid_to=assignment.valid_to)
        )

    async def history(self, employee_id: uuid.UUID) -> list[Assignment]:
        rows = await self._session.execute(
            select(employee_assignments).where(employee_assignments.c.employee_id == employee_id)
            .order_by(employee_assignments.c.valid_from, employee_assignments.c.recorded_at)
        )
        return [_assignment(row) for row in rows]


class HeadcountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, department_id: uuid.UUID, role: str, *, for_update: bool = False) -> HeadcountPlan | None:
        """With ``for_update`` concurrent hires into the same position queue here, so the count
        each of them takes afterwards includes the others."""
        query = select(headcount_plans).where(
            headcount_plans.c.department_id == department_id, headcount_plans.c.role == role
        )
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _plan(row) if row else None

    async def save(self, plan: HeadcountPlan) -> None:
        statement = pg_insert(headcount_plans).values(
            department_id=plan.department_id, role=plan.role, planned=plan.planned
        )
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[headcount_plans.c.department_id, headcount_plans.c.role],
            set_={"planned": statement.excluded.planned, "updated_at": func.now()},
        ))

    async def list_for(self, department_id: uuid.UUID) -> list[HeadcountPlan]:
        rows = await self._session.execute(
            select(headcount_plans).where(headcount_plans.c.department_id == department_id)
            .order_by(headcount_plans.c.role)
        )
        return [_plan(row) for row in rows]


class CredentialRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, credential: Credential) -> None:
        await self._session.execute(insert(credentials).values(
            employee_id=credential.employee_id, login=credential.login, password_hash=credential.password_hash,
        ))

    async def by_login(self, login: str) -> Credential | None:
        row = (await self._session.execute(select(credentials).where(credentials.c.login == login))).first()
        if row is None:
            return None
        return Credential(employee_id=row.employee_id, login=row.login, password_hash=row.password_hash)

    async def replace_hash(self, employee_id: uuid.UUID, password_hash: str) -> None:
        await self._session.execute(
            update(credentials).where(credentials.c.employee_id == employee_id)
            .values(password_hash=password_hash, updated_at=func.now())
        )


def _employee_select():
    return select(employees, credentials.c.login).select_from(
        employees.outerjoin(credentials, credentials.c.employee_id == employees.c.id)
    )


def _employee_conditions(visibility: Visibility, query: EmployeeQuery) -> Sequence[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.department_id is not None:
        conditions.append(employees.c.department_id == query.department_id)
    if query.group_id is not None:
        conditions.append(employees.c.group_id == query.group_id)
    if query.role is not None:
        conditions.append(employees.c.role == query.role)
    if query.status is not None:
        conditions.append(employees.c.status == query.status.value)
    if not visibility.everything:
        conditions.append(or_(
            employees.c.id.in_(visibility.employee_ids),
            employees.c.department_id.in_(visibility.department_ids),
            employees.c.group_id.in_(visibility.group_ids),
        ))
    return conditions


def _placement_columns(placement: Placement) -> dict[str, Any]:
    return {
        "department_id": placement.department_id, "region_id": placement.region_id,
        "group_id": placement.group_id, "role": placement.role, "manager_id": placement.manager_id,
        "status": placement.status.value,
    }


def _department(row: Row) -> Department:
    return Department(id=row.id, name=row.name, kind=DepartmentKind(row.kind))


def _region(row: Row) -> Region:
    return Region(id=row.id, department_id=row.department_id, name=row.name)


def _group(row: Row) -> SalesGroup:
    return SalesGroup(id=row.id, name=row.name, department_id=row.department_id, region_id=row.region_id,
                      leader_id=row.leader_id)


def _term(row: Row) -> LeadershipTerm:
    return LeadershipTerm(id=row.id, group_id=row.group_id, leader_id=row.leader_id, valid_from=row.valid_from,
                          valid_to=row.valid_to)


def _employee(row: Row) -> Employee:
    return Employee(
        id=row.id, name=row.name, role=row.role, status=EmployeeStatus(row.status),
        department_id=row.department_id, region_id=row.region_id, group_id=row.group_id,
        manager_id=row.manager_id, hired_on=row.hired_on, left_on=row.left_on, leave_reason=row.leave_reason,
        login=row.login,
    )


def _assignment(row: Row) -> Assignment:
    placement = Placement(
        department_id=row.department_id, role=row.role, region_id=row.region_id, group_id=row.group_id,
        manager_id=row.manager_id, status=EmployeeStatus(row.status),
    )
    return Assignment(id=row.id, employee_id=row.employee_id, placement=placement, valid_from=row.valid_from,
                      valid_to=row.valid_to, reason=row.reason)


def _plan(row: Row) -> HeadcountPlan:
    return HeadcountPlan(department_id=row.department_id, role=row.role, planned=row.planned)

