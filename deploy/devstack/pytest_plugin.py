"""Pytest fixtures: the test clock, and for integration tests the real embedded PostgreSQL and
broker, started once per test session; each test gets its own database (cloned from a migrated
template) and its own topic prefix, so tests never see each other's rows or events.

Time is an input. Every test that depends on the date takes the ``clock`` fixture: a
:class:`~shared.clock.FixedClock` standing at the suite's instant, which is now, or the instant in
``SALESTEAM_TEST_CLOCK`` (ISO 8601 with its offset, e.g. ``2027-01-31T23:50:00+08:00``). A test
derives its months from it (``clock.month()``, ``shift_month(clock.month(), -1)``), never from a
literal that ages. ``make test-any-date`` runs the suite at three awkward instants.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.embedded import EmbeddedPostgres, TansuBroker, free_port
from shared.clock import WALL_CLOCK, FixedClock, as_utc, shift_month

TEST_CLOCK_ENV = "SALESTEAM_TEST_CLOCK"


def suite_instant() -> datetime:
    """The instant the suite runs at: ``SALESTEAM_TEST_CLOCK``, or the wall clock at the start."""
    global _SUITE_INSTANT
    if _SUITE_INSTANT is None:
        text = os.environ.get(TEST_CLOCK_ENV, "").strip()
        _SUITE_INSTANT = as_utc(datetime.fromisoformat(text)) if text else WALL_CLOCK.now()
    return _SUITE_INSTANT


_SUITE_INSTANT: datetime | None = None


def pytest_report_header(config: pytest.Config) -> str:
    return f"test clock: {suite_instant().isoformat()} ({TEST_CLOCK_ENV}={os.environ.get(TEST_CLOCK_ENV, '')!r})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that take the embedded stack are integration tests, whether or not they say so."""
    for item in items:
        path = str(item.path)
        on_a_stack = any(folder in path for folder in ("/integration/", "/e2e/", "/fuzz/", "/faults/"))
        if "stack" in getattr(item, "fixturenames", ()) or on_a_stack:
            item.add_marker(pytest.mark.integration)


@pytest.fixture
def clock() -> FixedClock:
    """The test's clock, standing at the suite's instant until the test sets or advances it."""
    return FixedClock(suite_instant())


@pytest.fixture
def last_month(clock: FixedClock) -> str:
    """The clock's previous month: ended, so it can be closed and paid, on any date."""
    return shift_month(clock.month(), -1)


@dataclass
class TestStack:
    postgres: EmbeddedPostgres
    broker: TansuBroker
    _templates: set[str] = field(default_factory=set)

    def template_for(self, service: str, migrations: Path) -> str:
        """A database with ``service``'s migrations applied, made once per session."""
        name = f"template_{service}"
        if name not in self._templates:
            from shared.migrations import upgrade

            self.postgres.psql(f'DROP DATABASE IF EXISTS "{name}"')
            self.postgres.psql(f'CREATE DATABASE "{name}"')
            off_the_loop(upgrade, migrations, self.postgres.url(name))
            self._templates.add(name)
        return name


@pytest.fixture(scope="session")
def stack() -> Iterator[TestStack]:
    root = Path(tempfile.mkdtemp(prefix="salesteam-test-"))
    postgres = EmbeddedPostgres(root / "pgdata", free_port())
    broker = TansuBroker(free_port(), log_path=root / "broker.log")
    postgres.start()
    try:
        broker.start()
        try:
            yield TestStack(postgres, broker)
        finally:
            broker.stop()
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def make_database(stack: TestStack) -> Iterator[Callable[[str, Path], str]]:
    """``make_database("org", migrations_dir)`` → the asyncpg URL of a fresh, migrated database."""
    created: list[str] = []

    def make(service: str, migrations: Path) -> str:
        template = stack.template_for(service, migrations)
        name = f"test_{service}_{uuid.uuid4().hex[:12]}"
        stack.postgres.psql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        created.append(name)
        return stack.postgres.url(name)

    yield make
    for name in created:
        stack.postgres.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database(stack: TestStack) -> Iterator[str]:
    """An empty database, for tests that run migrations themselves."""
    name = f"empty_{uuid.uuid4().hex[:12]}"
    stack.postgres.psql(f'CREATE DATABASE "{name}"')
    yield stack.postgres.url(name)
    stack.postgres.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def topic_prefix() -> str:
    return f"t{uuid.uuid4().hex[:10]}."


@pytest.fixture
def service_settings(make_database, topic_prefix: str, stack: TestStack) -> Callable[..., Any]:
    """``service_settings(OrgSettings, "org", MIGRATIONS_DIR, **overrides)``: a service's settings on
    a fresh migrated database of its own, the test's topic prefix and the session's broker, joining
    consumer groups quickly (tansu answers a JoinGroup after half the session timeout)."""

    def make(settings_class: type, service: str, migrations: Path, **overrides: Any) -> Any:
        return settings_class(**{
            "environment": "test",
            "database_url": make_database(service, migrations),
            "topic_prefix": topic_prefix,
            "kafka_bootstrap_servers": stack.broker.bootstrap_servers,
            "consumer_session_timeout_ms": 6000,
            "consumer_heartbeat_interval_ms": 2000,
            **overrides,
        })

    return make


@asynccontextmanager
async def running(runtime: Any) -> AsyncIterator[Any]:
    """A service runtime for the length of a fixture, its engine disposed afterwards."""
    try:
        yield runtime
    finally:
        await runtime.dispose()


@asynccontextmanager
async def asgi_client(app, base_url: str = "http://testserver") -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to ``app`` in-process, with its lifespan run."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


def off_the_loop(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``work`` on a thread of its own: Alembic and the service CLIs start their own event
    loop, which cannot run on the thread of an async test's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args, **kwargs).result()


def run_service_cli(cli: Any, service: str, database_url: str, *args: str) -> Any:
    """``python -m <service> <args>`` in process, on ``database_url``; the click ``Result``."""
    from click.testing import CliRunner

    return off_the_loop(CliRunner().invoke, cli, list(args), env={f"{service.upper()}_DATABASE_URL": database_url})


async def schema_differences(database_url: str, metadatas: Sequence[Any]) -> list:
    """What Alembic's autogenerate would change to make the database match ``metadatas``."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    def differences(connection: Any) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, list(metadatas))

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(differences)
    finally:
        await engine.dispose()
