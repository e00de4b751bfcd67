"""The migration history builds exactly the tables the code declares, seeds valid templates,
and the CLI runs it."""

from __future__ import annotations

import asyncio

from alembic import command as alembic
from click.testing import CliRunner, Result
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from appraisal.__main__ import cli
from appraisal.adapters.repositories import TemplateRepository
from appraisal.adapters.tables import ALL_METADATA
from appraisal.config import MIGRATIONS_DIR
from appraisal.domain.templates import validate_template
from devstack.pytest_plugin import run_service_cli, schema_differences
from shared.auth import Role
from shared.db import messaging_metadata, session_factory
from shared.migrations import alembic_config


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


async def _template_keys(database_url: str) -> dict[str, list[str]]:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(text("SELECT key, indicators FROM templates ORDER BY key"))
            return {row.key: [item["key"] if item["key"] != "calls_dialled" else f"calls_dialled:{item['label']}"
                              for item in row.indicators] for row in rows}
    finally:
        await engine.dispose()


async def test_2026_12_05_1000_swaps_only_the_seeded_templates_hr_has_not_edited(empty_database: str) -> None:
    config = alembic_config(MIGRATIONS_DIR, empty_database)
    await asyncio.to_thread(alembic.upgrade, config, "2026_12_05_1100")
    engine = create_async_engine(empty_database)
    try:
        async with engine.begin() as connection:  # HR renamed telesales' first indicator
            await connection.execute(text(
                "UPDATE templates SET indicators = jsonb_set(indicators, '{0,label}', '\"Dials\"') "
                "WHERE key = 'telesales'"))
    finally:
        await engine.dispose()
    edited = (await _template_keys(empty_database))["telesales"]

    await asyncio.to_thread(alembic.upgrade, config, "2026_12_05_1000")
    upgraded = await _template_keys(empty_database)
    assert upgraded["sales"] == ["sales_amount", "new_customers", "contracts_signed", "collections", "leads_worked",
                                 "visits", "follow_ups_on_time", "complaints_on_time", "teamwork", "ability",
                                 "attendance"]
    assert upgraded["telesales"] == edited == ["calls_dialled:Dials", "effective_conversations", "orders", "teamwork",
                                               "ability", "attendance"]

    await asyncio.to_thread(alembic.downgrade, config, "2026_12_05_1100")
    assert (await _template_keys(empty_database))["sales"] == ["sales_amount", "contracts_signed", "collections",
                                                             "leads_worked", "teamwork", "ability", "attendance"]
