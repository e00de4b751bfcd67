"""The migration history builds exactly the tables the code declares, and the CLI runs it."""

from __future__ import annotations

from click.testing import Result

from crm.__main__ import cli
from crm.adapters.tables import metadata
from devstack.pytest_plugin import run_service_cli, schema_differences
from shared.db import messaging_metadata
from shared.directory import directory_metadata


def run_cli(database_url: str, *args: str) -> Result:
    return run_service_cli(cli, "crm", database_url, *args)


async def test_migrate_builds_exactly_the_declared_tables(empty_database: str) -> None:
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "crm: migrations applied" in migrated.output

    assert await schema_differences(empty_database, [metadata, messaging_metadata, directory_metadata]) == []

    again = run_cli(empty_database, "migrate")
    assert again.exit_code == 0, again.output
