"""Fixtures for tests against the real PostgreSQL and broker: a freshly migrated database and a
topic prefix per test, the API and the intake served in-process, tokens minted as the gateway would.
The worker, the API and the intake all run on the test's ``clock``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from telesales_world import Tokens

from devstack.pytest_plugin import asgi_client, running
from shared.clock import FixedClock
from shared.events import CloudEvent
from shared.runtime import ServiceRuntime
from telesales.adapters.intake import CallSubmitted
from telesales.bootstrap import bootstrap
from telesales.config import MIGRATIONS_DIR, TelesalesSettings
from telesales.domain.compliance import WEEKDAYS
from telesales.entrypoints.api.app import create_app
from telesales.entrypoints.intake.app import create_app as create_intake_app

ALL_DAY = {day: [["00:00", "24:00"]] for day in WEEKDAYS}


@pytest.fixture
def telesales_settings(service_settings) -> TelesalesSettings:
    # Calls at any hour and as often as the tests make them: compliance has tests of its own, and the
    # suite's day may be a Sunday, when the default hours permit no calls.
    return service_settings(TelesalesSettings, "telesales", MIGRATIONS_DIR, topic_partitions=3,
                            calling_hours=ALL_DAY, daily_cap_per_number=None, weekly_cap_per_number=None)


@pytest.fixture
async def runtime(telesales_settings: TelesalesSettings, clock: FixedClock) -> AsyncIterator[ServiceRuntime]:
    async with running(bootstrap(telesales_settings, clock=clock)) as runtime:
        yield runtime


@pytest.fixture
def store(runtime: ServiceRuntime) -> Callable[..., Awaitable[None]]:
    """Hand intake messages to the worker's handler, each in its own transaction, as the runner does."""
    handler = next(spec for spec in runtime.consumers if spec.name == "telesales-calls").handlers[
        CallSubmitted.event_type]

    async def run(*messages: CallSubmitted | CloudEvent) -> None:
        for message in messages:
            envelope = message if isinstance(message, CloudEvent) else CloudEvent.wrap(message, source="/telesales")
            async with runtime.uow_factory() as uow:
                await handler(envelope, uow, runtime.bus)
                await uow.commit()

    return run


@pytest.fixture
async def client(telesales_settings: TelesalesSettings, clock: FixedClock) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(telesales_settings, clock=clock)) as client:
        yield client


@pytest.fixture
def tokens(telesales_settings: TelesalesSettings) -> Tokens:
    return Tokens(telesales_settings)


@pytest.fixture
async def intake_client(telesales_settings: TelesalesSettings, clock: FixedClock
                        ) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_intake_app(telesales_settings, clock=clock)) as client:
        yield client
