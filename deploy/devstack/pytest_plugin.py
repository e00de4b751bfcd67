"""Pytest fixtures for integration tests: the real embedded PostgreSQL and broker, started
once per test session; each test gets its own database (cloned from a migrated template)
and its own topic prefix, so tests never see each other's rows or events."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from devstack.embedded import EmbeddedPostgres, TansuBroker, free_port


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
            # Alembic's env runs its own event loop; keep it off the test's loop thread.
            with ThreadPoolExecutor(1) as pool:
                pool.submit(upgrade, migrations, self.postgres.url(name)).result()
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


@asynccontextmanager
async def asgi_client(app, base_url: str = "http://testserver") -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client talking to ``app`` in-process, with its lifespan run."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client
