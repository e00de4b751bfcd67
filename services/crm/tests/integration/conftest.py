"""Fixtures for tests against the real PostgreSQL: a freshly migrated crm database per test, the
app served in-process, an org directory replica filled through its own event handlers, and tokens
minted as the gateway would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from crm_world import World

from crm.bootstrap import bootstrap
from crm.config import MIGRATIONS_DIR, CrmSettings
from crm.entrypoints.api.app import create_app
from devstack.pytest_plugin import asgi_client
from shared.runtime import ServiceRuntime


@pytest.fixture
def crm_settings(make_database, topic_prefix: str, stack) -> CrmSettings:
    return CrmSettings(
        environment="test",
        database_url=make_database("crm", MIGRATIONS_DIR),
        topic_prefix=topic_prefix,
        kafka_bootstrap_servers=stack.broker.bootstrap_servers,
        rep_open_lead_cap=3,
    )


@pytest.fixture
async def runtime(crm_settings: CrmSettings) -> AsyncIterator[ServiceRuntime]:
    runtime = bootstrap(crm_settings)
    yield runtime
    await runtime.dispose()


@pytest.fixture
async def client(crm_settings: CrmSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(crm_settings)) as client:
        yield client


@pytest.fixture
async def world(runtime: ServiceRuntime, crm_settings: CrmSettings, client: httpx.AsyncClient) -> World:
    return await World.build(runtime, crm_settings, client)
