"""Repositories and the unit of work against the real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import cast

import pytest
from sqlalchemy.exc import IntegrityError

from org.adapters.repositories import EmployeeQuery
from org.domain.credentials import Credential
from org.domain.model import Department, DepartmentKind, Employee, EmployeeStatus
from org.domain.visibility import Visibility
from org.service_layer.handlers import UNIQUE_CONSTRAINTS
from org.service_layer.unit_of_work import OrgUnitOfWork
from shared.bus import duplicate_conflict
from shared.clock import FixedClock
from shared.runtime import ServiceRuntime


def new_uow(runtime: ServiceRuntime) -> OrgUnitOfWork:
    return cast(OrgUnitOfWork, runtime.uow_factory())


def a_year_ago(clock: FixedClock) -> date:
    return clock.today() - timedelta(days=365)


async def add_people(uow: OrgUnitOfWork, department: Department, *chain: str, hired_on: date) -> list[Employee]:
    """Employees each managed by the one before."""
    people: list[Employee] = []
    for name in chain:
        person = Employee(id=uuid.uuid4(), name=name, role="sales_rep", department_id=department.id,
                          hired_on=hired_on, manager_id=people[-1].id if people else None)
        await uow.employees.add(person)
        people.append(person)
    return people


async def test_the_manager_chain_walks_up_to_the_top(runtime: ServiceRuntime, clock: FixedClock) -> None:
    async with new_uow(runtime) as uow:
        sales = Department(id=uuid.uuid4(), name="Sales", kind=DepartmentKind.FIELD_SALES)
        await uow.departments.add(sales)
        director, manager, rep = await add_people(uow, sales, "Director", "Manager", "Rep", hired_on=a_year_ago(clock))

        chain = await uow.employees.manager_chain(rep.id)

    assert chain == {rep.id: manager.id, manager.id: director.id, director.id: None}


async def test_search_keeps_to_the_visibility_and_counts_only_employed(runtime: ServiceRuntime,
                                                                       clock: FixedClock) -> None:
    async with new_uow(runtime) as uow:
        sales = Department(id=uuid.uuid4(), name="Sales", kind=DepartmentKind.FIELD_SALES)
        other = Department(id=uuid.uuid4(), name="Other", kind=DepartmentKind.MARKETING)
        await uow.departments.add(sales)
        await uow.departments.add(other)
        _, bob = await add_people(uow, sales, "Ann", "Bob", hired_on=a_year_ago(clock))
        (cai,) = await add_people(uow, other, "Cai", hired_on=a_year_ago(clock))
        bob.leave(clock.today() - timedelta(days=30), "moved")
        await uow.employees.save(bob)
        await uow.commit()

    async with new_uow(runtime) as uow:
        department_wide = Visibility(department_ids=frozenset({sales.id}), employee_ids=frozenset({cai.id}))
        seen, total = await uow.employees.search(department_wide, EmployeeQuery(), limit=10, offset=0)
        assert ([e.name for e in seen], total) == (["Ann", "Bob", "Cai"], 3)
        left, _ = await uow.employees.search(Visibility.of_everything(), EmployeeQuery(status=EmployeeStatus.LEFT),
                                             limit=10, offset=0)
        assert [e.name for e in left] == ["Bob"]
        assert await uow.employees.count_employed(sales.id, "sales_rep") == 1
        assert await uow.employees.employed_by_role(sales.id) == {"sales_rep": 1}
        assert [d.name for d in await uow.departments.visible(Visibility(home_department_id=other.id))] == ["Other"]


async def test_leaving_the_block_without_commit_writes_nothing(runtime: ServiceRuntime) -> None:
    async with new_uow(runtime) as uow:
        await uow.departments.add(Department(id=uuid.uuid4(), name="Ghost", kind=DepartmentKind.ADMIN))
    async with new_uow(runtime) as uow:
        assert await uow.departments.get_by_name("Ghost") is None


async def test_a_duplicate_login_from_the_database_becomes_a_conflict_naming_login(runtime: ServiceRuntime,
                                                                                   clock: FixedClock) -> None:
    with pytest.raises(IntegrityError) as raised:
        async with new_uow(runtime) as uow:
            sales = Department(id=uuid.uuid4(), name="Sales", kind=DepartmentKind.FIELD_SALES)
            await uow.departments.add(sales)
            first, second = await add_people(uow, sales, "First", "Second", hired_on=a_year_ago(clock))
            await uow.credentials.add(Credential(employee_id=first.id, login="same", password_hash="x"))
            await uow.credentials.add(Credential(employee_id=second.id, login="same", password_hash="y"))

    conflict = duplicate_conflict(raised.value, UNIQUE_CONSTRAINTS)
    assert conflict is not None
    assert conflict.status == 409
    assert conflict.extra["field"] == "login"
