"""The migration history builds exactly the tables the code declares, seeds valid templates,
and the CLI runs it."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from click.testing import CliRunner, Result
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from appraisal.__main__ import cli
from appraisal.adapters.repositories import TemplateRepository
from appraisal.adapters.tables import ALL_METADATA
from appraisal.domain.templates import validate_template
from shared.auth import Role
from shared.db import messaging_metadata, session_factory


def off_the_loop(work: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # Alembic and the CLI run their own event loop; keep them off the test's loop thread.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args, **kwargs).result()


def run_cli(database_url: str, *args: str) -> Result:
    return off_the_loop(CliRunner().invoke, cli, list(args), env={"APPRAISAL_DATABASE_URL": database_url})


async def test_migrate_builds_the_declared_tables_and_valid_templates(empty_database: str) -> None:
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "migrations applied" in migrated.output

    def differences(connection: Connection) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, [*ALL_METADATA, messaging_metadata])

    engine = create_async_engine(empty_database)
    try:
        async with engine.connect() as connection:
            assert await connection.run_sync(differences) == []
        async with session_factory(engine)() as session:
            seeded = await TemplateRepository(session).all()
    finally:
        await engine.dispose()
    assert [template.key for template in seeded] == ["sales", "telesales"]
    for template in seeded:
        validate_template(template, Role.ALL)


def test_the_cli_offers_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("api", "relay", "consume", "worker", "migrate"):
        assert command in result.output
