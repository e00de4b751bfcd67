"""Fixtures for tests against the real PostgreSQL: a freshly migrated crm database per test, the
app served in-process, an org directory replica filled through its own event handlers, and tokens
minted as the gateway would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from crm_world import World

from crm.bootstrap import bootstrap
from crm.config import MIGRATIONS_DIR, CrmSettings
from crm.entrypoints.api.app import create_app
from devstack.pytest_plugin import asgi_client, running
from shared.clock import FixedClock
from shared.runtime import ServiceRuntime


@pytest.fixture
def crm_settings(service_settings) -> CrmSettings:
    return service_settings(CrmSettings, "crm", MIGRATIONS_DIR, rep_open_lead_cap=3)


@pytest.fixture
async def runtime(crm_settings: CrmSettings, clock: FixedClock) -> AsyncIterator[ServiceRuntime]:
    async with running(bootstrap(crm_settings, clock=clock)) as runtime:
        yield runtime


@pytest.fixture
async def client(crm_settings: CrmSettings, clock: FixedClock) -> AsyncIterator[httpx.AsyncClient]:
    async def time_passes(request: httpx.Request) -> None:
        # A second between requests, as on the wall clock: what came in first is older (the pool
        # is served longest-waiting first, lists newest first).
        clock.advance(timedelta(seconds=1))

    async with asgi_client(create_app(crm_settings, clock=clock)) as client:
        client.event_hooks = {**client.event_hooks, "request": [*client.event_hooks["request"], time_passes]}
        yield client


@pytest.fixture
async def world(runtime: ServiceRuntime, crm_settings: CrmSettings, client: httpx.AsyncClient) -> World:
    return await World.build(runtime, crm_settings, client)
