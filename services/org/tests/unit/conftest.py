"""Fixtures for the handler tests: an in-memory unit of work and a small company built on it."""

from __future__ import annotations

import pytest
from org_fakes import FakeUnitOfWork, Org

from org.domain.model import DepartmentKind
from org.service_layer import commands, handlers


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
async def org(uow: FakeUnitOfWork) -> Org:
    sales = await handlers.create_department(
        commands.CreateDepartment(name="Field sales", kind=DepartmentKind.FIELD_SALES), uow)
    telesales = await handlers.create_department(
        commands.CreateDepartment(name="Telesales", kind=DepartmentKind.TELESALES), uow)
    built = Org(uow=uow, sales=sales, telesales=telesales)
    await built.plan("sales_rep", 10)
    await built.plan("group_leader", 2)
    await built.plan("department_manager", 1)
    await built.plan("telesales_agent", 5, telesales)
    uow.published.clear()
    return built

