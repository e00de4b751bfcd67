"""Fixtures for tests against the real PostgreSQL: a freshly migrated database per test, the
payroll app served in-process, events delivered as the consumer runner delivers them, and tokens
minted as the gateway would."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from payroll_world import PayrollWorld, Tokens

from devstack.pytest_plugin import asgi_client
from payroll.bootstrap import bootstrap
from payroll.config import MIGRATIONS_DIR, PayrollSettings
from payroll.entrypoints.api.app import create_app


@pytest.fixture
def payroll_settings(make_database, topic_prefix: str, stack) -> PayrollSettings:
    return PayrollSettings(
        environment="test",
        database_url=make_database("payroll", MIGRATIONS_DIR),
        topic_prefix=topic_prefix,
        kafka_bootstrap_servers=stack.broker.bootstrap_servers,
        consumer_session_timeout_ms=6000,  # tansu answers a JoinGroup after half of it
        consumer_heartbeat_interval_ms=2000,
    )


@pytest.fixture
async def world(payroll_settings: PayrollSettings) -> AsyncIterator[PayrollWorld]:
    runtime = bootstrap(payroll_settings)
    yield PayrollWorld(runtime)
    await runtime.dispose()


@pytest.fixture
async def client(payroll_settings: PayrollSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(create_app(payroll_settings)) as client:
        yield client


@pytest.fixture
def tokens(payroll_settings: PayrollSettings) -> Tokens:
    return Tokens(payroll_settings)
