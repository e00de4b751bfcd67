"""The migration history builds exactly the tables the code declares, and the CLI runs it."""

from __future__ import annotations

from click.testing import CliRunner, Result

from devstack.pytest_plugin import run_service_cli, schema_differences
from shared.db import messaging_metadata
from shared.directory import directory_metadata
from telesales.__main__ import cli
from telesales.adapters.tables import metadata


def run_cli(database_url: str, *args: str) -> Result:
    return run_service_cli(cli, "telesales", database_url, *args)


async def test_migrations_match_the_table_definitions(empty_database: str) -> None:
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "telesales: migrations applied" in migrated.output

    assert await schema_differences(empty_database, [metadata, messaging_metadata, directory_metadata]) == []


def test_the_cli_offers_every_process() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("api", "intake", "consume", "worker", "relay", "migrate"):
        assert f"  {command} " in result.output
