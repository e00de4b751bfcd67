"""Fixtures for the handler tests: the org bus over an in-memory unit of work, at the test's clock,
with cheap password hashing, and a small company built on it."""

from __future__ import annotations

import pytest
from org_fakes import FakeOrgUnitOfWork, Org

from org.bootstrap import bootstrap
from org.config import OrgSettings
from org.domain.model import DepartmentKind
from org.service_layer import commands
from org.service_layer.unit_of_work import OrgBus
from shared.clock import FixedClock


@pytest.fixture
def settings() -> OrgSettings:
    # argon2's smallest costs: a hash in microseconds instead of a tenth of a second.
    return OrgSettings(environment="test", password_time_cost=1, password_memory_cost_kib=8, password_parallelism=1)


@pytest.fixture
def uow(clock: FixedClock) -> FakeOrgUnitOfWork:
    return FakeOrgUnitOfWork(clock=clock)


@pytest.fixture
def bus(settings: OrgSettings, uow: FakeOrgUnitOfWork, clock: FixedClock) -> OrgBus:
    return bootstrap(settings, uow_factory=lambda: uow, clock=clock).bus


@pytest.fixture
async def org(bus: OrgBus, uow: FakeOrgUnitOfWork) -> Org:
    sales = await bus.handle(commands.CreateDepartment(name="Field sales", kind=DepartmentKind.FIELD_SALES))
    telesales = await bus.handle(commands.CreateDepartment(name="Telesales", kind=DepartmentKind.TELESALES))
    built = Org(bus=bus, uow=uow, sales=sales, telesales=telesales)
    await built.plan("sales_rep", 10)
    await built.plan("group_leader", 2)
    await built.plan("department_manager", 1)
    await built.plan("telesales_agent", 5, telesales)
    uow.published.clear()
    return built
