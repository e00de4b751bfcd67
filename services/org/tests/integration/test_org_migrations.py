"""The migration history builds exactly the tables the code declares, and the CLI runs it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner, Result
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from org.__main__ import cli
from org.adapters.tables import metadata
from shared.db import messaging_metadata


def off_the_loop(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # Alembic and the CLI run their own event loop; keep them off the test's loop thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args, **kwargs).result()


def run_cli(database_url: str, *args: str) -> Result:
    return off_the_loop(CliRunner().invoke, cli, list(args), env={"ORG_DATABASE_URL": database_url})


async def test_migrations_match_the_table_definitions(empty_database: str) -> None:
    assert run_cli(empty_database, "migrate").exit_code == 0

    def differences(connection: Connection) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, [metadata, messaging_metadata])

    engine = create_async_engine(empty_database)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()


def test_migrate_then_seed_the_administrator_once(empty_database: str) -> None:
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "migrations applied" in migrated.output

    seed = ("seed-admin", "--login", "root", "--password", "first start", "--name", "Root")
    first, second = run_cli(empty_database, *seed), run_cli(empty_database, *seed)

    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert first.output.startswith("created administrator 'root'")
    assert second.output.startswith("found administrator 'root'")
    assert "nothing changed" in second.output
