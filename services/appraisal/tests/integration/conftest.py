"""Fixtures for tests against the real PostgreSQL: a freshly migrated database per test, the
appraisal app served in-process, a small company in the directory replica, and tokens minted
as the gateway would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from appraisal_world import Tokens, World

from appraisal.bootstrap import bootstrap
from appraisal.config import MIGRATIONS_DIR, AppraisalSettings
from appraisal.entrypoints.api.app import create_app
from devstack.pytest_plugin import asgi_client
from shared.runtime import ServiceRuntime


@pytest.fixture
def appraisal_settings(make_database, topic_prefix: str) -> AppraisalSettings:
    return AppraisalSettings(environment="test", database_url=make_database("appraisal", MIGRATIONS_DIR),
                             topic_prefix=topic_prefix)


@pytest.fixture
async def runtime(appraisal_settings: AppraisalSettings) -> AsyncIterator[ServiceRuntime]:
    runtime = bootstrap(appraisal_settings)
    yield runtime
    await runtime.dispose()


@pytest.fixture
async def client(appraisal_settings: AppraisalSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(appraisal_settings)) as client:
        yield client


@pytest.fixture
def tokens(appraisal_settings: AppraisalSettings) -> Tokens:
    return Tokens(appraisal_settings)


@pytest.fixture
async def world(runtime: ServiceRuntime) -> World:
    world = World(runtime)
    await world.build()
    return world
