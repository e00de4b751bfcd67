"""Fixtures for tests against the real PostgreSQL: a freshly migrated database per test, the
org app served in-process at the test's clock, and tokens minted as the gateway would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from org_company import Company, Tokens

from devstack.pytest_plugin import asgi_client, running
from org.bootstrap import bootstrap
from org.config import MIGRATIONS_DIR, OrgSettings
from org.entrypoints.api.app import create_app
from shared.clock import FixedClock
from shared.runtime import ServiceRuntime


@pytest.fixture
def org_settings(service_settings) -> OrgSettings:
    # argon2's smallest costs: a hash in microseconds instead of a tenth of a second.
    return service_settings(OrgSettings, "org", MIGRATIONS_DIR, password_time_cost=1, password_memory_cost_kib=8,
                            password_parallelism=1)


@pytest.fixture
async def runtime(org_settings: OrgSettings, clock: FixedClock) -> AsyncIterator[ServiceRuntime]:
    async with running(bootstrap(org_settings, clock=clock)) as runtime:
        yield runtime


@pytest.fixture
async def client(org_settings: OrgSettings, clock: FixedClock) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(org_settings, clock=clock)) as client:
        yield client


@pytest.fixture
def tokens(org_settings: OrgSettings) -> Tokens:
    return Tokens(org_settings)


@pytest.fixture
def company(client: httpx.AsyncClient, tokens: Tokens, clock: FixedClock) -> Company:
    return Company(client, tokens, clock)
