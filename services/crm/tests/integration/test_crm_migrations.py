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

from crm.__main__ import cli
from crm.adapters.tables import metadata
from shared.db import messaging_metadata
from shared.directory import directory_metadata


def off_the_loop(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # Alembic and the CLI run their own event loop; keep them off the test's loop thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args, **kwargs).result()


def run_cli(database_url: str, *args: str) -> Result:
    return off_the_loop(CliRunner().invoke, cli, list(args), env={"CRM_DATABASE_URL": database_url})


async def test_migrate_builds_exactly_the_declared_tables(empty_database: str) -> None:
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "crm: migrations applied" in migrated.output

    def differences(connection: Connection) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, [metadata, messaging_metadata, directory_metadata])

    engine = create_async_engine(empty_database)
    try:
        async with engine.connect() as connection:
            found = await connection.run_sync(differences)
    finally:
        await engine.dispose()
    assert found == []

    again = run_cli(empty_database, "migrate")
    assert again.exit_code == 0, again.output

