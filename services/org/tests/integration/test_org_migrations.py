"""The migration history builds exactly the tables the code declares, and the CLI runs it."""

from __future__ import annotations

import pytest
from click.testing import Result

from devstack.pytest_plugin import run_service_cli, schema_differences
from org.__main__ import cli
from org.adapters.tables import metadata
from shared.db import messaging_metadata


def run_cli(database_url: str, *args: str) -> Result:
    return run_service_cli(cli, "org", database_url, *args)


async def test_migrations_match_the_table_definitions(empty_database: str) -> None:
    assert run_cli(empty_database, "migrate").exit_code == 0
    assert await schema_differences(empty_database, [metadata, messaging_metadata]) == []


def test_migrate_then_seed_the_administrator_once(empty_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # argon2's smallest costs: a hash in microseconds instead of a tenth of a second.
    for name, value in (("TIME_COST", "1"), ("MEMORY_COST_KIB", "8"), ("PARALLELISM", "1")):
        monkeypatch.setenv(f"ORG_PASSWORD_{name}", value)
    migrated = run_cli(empty_database, "migrate")
    assert migrated.exit_code == 0, migrated.output
    assert "migrations applied" in migrated.output

    seed = ("seed-admin", "--login", "root", "--password", "first start", "--name", "Root")
    first, second = run_cli(empty_database, *seed), run_cli(empty_database, *seed)

    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert first.output.startswith("created administrator 'root'")
    assert second.output.startswith("found administrator 'root'")
    assert "nothing changed" in second.output
