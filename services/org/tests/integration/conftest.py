"""Fixtures for tests against the real PostgreSQL: a freshly migrated database per test, the
org app served in-process, and tokens minted as the gateway would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from org_company import Company, Tokens

from devstack.pytest_plugin import asgi_client
from org.bootstrap import bootstrap
from org.config import MIGRATIONS_DIR, OrgSettings
from org.entrypoints.api.app import create_app
from shared.runtime import ServiceRuntime


@pytest.fixture
def org_settings(make_database, topic_prefix: str, stack) -> OrgSettings:
    return OrgSettings(
        environment="test",
        database_url=make_database("org", MIGRATIONS_DIR),
        topic_prefix=topic_prefix,
        kafka_bootstrap_servers=stack.broker.bootstrap_servers,
    )


@pytest.fixture
async def runtime(org_settings: OrgSettings) -> AsyncIterator[ServiceRuntime]:
    runtime = bootstrap(org_settings)
    yield runtime
    await runtime.dispose()


@pytest.fixture
async def client(org_settings: OrgSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(org_settings)) as client:
        yield client


@pytest.fixture
def tokens(org_settings: OrgSettings) -> Tokens:
    return Tokens(org_settings)


@pytest.fixture
def company(client: httpx.AsyncClient, tokens: Tokens) -> Company:
    return Company(client, tokens)
