"""Fixtures for tests against the real PostgreSQL: a freshly migrated database per test, the
appraisal app served in-process, a small company in the directory replica, and tokens minted
as the gateway would. The service, the app and the company all read the test's ``clock``; the
month the tests work in (``period``) is the clock's last month, ended on any date."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from appraisal_world import Tokens, World

from appraisal.bootstrap import bootstrap
from appraisal.config import MIGRATIONS_DIR, AppraisalSettings
from appraisal.entrypoints.api.app import create_app
from devstack.pytest_plugin import asgi_client, running
from shared.clock import FixedClock
from shared.runtime import ServiceRuntime


@pytest.fixture
def appraisal_settings(service_settings) -> AppraisalSettings:
    return service_settings(AppraisalSettings, "appraisal", MIGRATIONS_DIR)


@pytest.fixture
async def runtime(appraisal_settings: AppraisalSettings, clock: FixedClock) -> AsyncIterator[ServiceRuntime]:
    async with running(bootstrap(appraisal_settings, clock=clock)) as runtime:
        yield runtime


@pytest.fixture
async def client(appraisal_settings: AppraisalSettings, clock: FixedClock) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(appraisal_settings, clock=clock)) as client:
        yield client


@pytest.fixture
def period(last_month: str) -> str:
    """The month the tests work in: the clock's last month, which has ended."""
    return last_month


@pytest.fixture
def tokens(appraisal_settings: AppraisalSettings) -> Tokens:
    return Tokens(appraisal_settings)


@pytest.fixture
async def world(runtime: ServiceRuntime) -> World:
    world = World(runtime)
    await world.build()
    return world
