"""The migration history builds exactly the tables the code declares, and the CLI runs it."""

from __future__ import annotations

from click.testing import CliRunner, Result

from devstack.pytest_plugin import run_service_cli, schema_differences
from payroll.__main__ import cli
from payroll.adapters.tables import metadata
from shared.db import messaging_metadata
from shared.directory import directory_metadata


def run_cli(database_url: str, *args: str) -> Result:
    return run_service_cli(cli, "payroll", database_url, *args)


async def test_migrate_builds_exactly_the_declared_tables(empty_database: str) -> None:
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "payroll: migrations applied" in migrated.output

    assert await schema_differences(empty_database, [metadata, messaging_metadata, directory_metadata]) == []


def test_the_cli_offers_every_process() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("api", "relay", "consume", "worker", "migrate"):
        assert command in result.output
