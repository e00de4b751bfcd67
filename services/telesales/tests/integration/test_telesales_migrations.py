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

from shared.db import messaging_metadata
from shared.directory import directory_metadata
from telesales.__main__ import cli
from telesales.adapters.tables import metadata


def off_the_loop(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # Alembic and the CLI run their own event loop; keep them off the test's loop thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args, **kwargs).result()


def run_cli(database_url: str, *args: str) -> Result:
    return off_the_loop(CliRunner().invoke, cli, list(args), env={"TELESALES_DATABASE_URL": database_url})


async def test_migrations_match_the_table_definitions(empty_database: str) -> None:
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "telesales: migrations applied" in migrated.output

    def differences(connection: Connection) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, [metadata, messaging_metadata, directory_metadata])

    engine = create_async_engine(empty_database)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await engine.dispose()


def test_the_cli_offers_every_process() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("api", "intake", "consume", "worker", "relay", "migrate"):
        assert f"  {command} " in result.output
