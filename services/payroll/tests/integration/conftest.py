"""Fixtures for tests against the real PostgreSQL: a freshly migrated database per test, the
payroll app served in-process, events delivered as the consumer runner delivers them, and tokens
minted as the gateway would. The app and the world share the test's clock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from payroll_world import PayrollWorld, Tokens

from devstack.pytest_plugin import asgi_client, running
from payroll.bootstrap import bootstrap
from payroll.config import MIGRATIONS_DIR, PayrollSettings
from payroll.entrypoints.api.app import create_app
from shared.clock import Clock


@pytest.fixture
def payroll_settings(service_settings) -> PayrollSettings:
    return service_settings(PayrollSettings, "payroll", MIGRATIONS_DIR)


@pytest.fixture
def period(last_month: str) -> str:
    """The period appraisal has just closed and payroll pays: last month on the company's clock."""
    return last_month


@pytest.fixture
async def world(payroll_settings: PayrollSettings, clock: Clock, period: str) -> AsyncIterator[PayrollWorld]:
    async with running(bootstrap(payroll_settings, clock=clock)) as runtime:
        yield PayrollWorld(runtime, period)


@pytest.fixture
async def client(payroll_settings: PayrollSettings, clock: Clock) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(payroll_settings, clock=clock)) as client:
        yield client


@pytest.fixture
def tokens(payroll_settings: PayrollSettings) -> Tokens:
    return Tokens(payroll_settings)
