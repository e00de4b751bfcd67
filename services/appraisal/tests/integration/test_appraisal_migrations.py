"""The migration history builds exactly the tables the code declares, seeds valid templates,
and the CLI runs it."""

from __future__ import annotations

from click.testing import CliRunner, Result
from sqlalchemy.ext.asyncio import create_async_engine

from appraisal.__main__ import cli
from appraisal.adapters.repositories import TemplateRepository
from appraisal.adapters.tables import ALL_METADATA
from appraisal.domain.templates import validate_template
from devstack.pytest_plugin import run_service_cli, schema_differences
from shared.auth import Role
from shared.db import messaging_metadata, session_factory


def run_cli(database_url: str, *args: str) -> Result:
    return run_service_cli(cli, "appraisal", database_url, *args)


async def test_migrate_builds_the_declared_tables_and_valid_templates(empty_database: str) -> None:
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "migrations applied" in migrated.output

    assert await schema_differences(empty_database, [*ALL_METADATA, messaging_metadata]) == []
    engine = create_async_engine(empty_database)
    try:
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
