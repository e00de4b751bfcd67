"""Alembic glue shared by every service's migration history."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.db import messaging_metadata


def alembic_config(script_location: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(script_location: Path, database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(script_location, database_url), revision)


def run_env(service_metadata: MetaData) -> None:
    """Body of a service's ``migrations/env.py``: online migrations over asyncpg."""
    target = [service_metadata, messaging_metadata]
    url = context.config.get_main_option("sqlalchemy.url")

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return

    def run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(run)
        await engine.dispose()

    asyncio.run(run_async())


def create_messaging_tables_v1(op) -> None:
    """The outbox and inbox as first shipped; a service's first migration calls this.

    Written out rather than derived from ``messaging_metadata`` so that a later change to the
    tables is a new migration step, never a silent edit of history.
    """
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql as pg

    op.create_table(
        "outbox",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(always=True), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("message_key", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("envelope", pg.JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
    )
    op.create_index("ix_outbox_unpublished", "outbox", ["seq"], postgresql_where=sa.text("published_at IS NULL"))
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("event_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), server_default="handled", nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("handled_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )


def create_directory_tables_v1(op) -> None:
    """The org directory replica (:mod:`shared.directory`) as first shipped."""
    import sqlalchemy as sa
    from sqlalchemy.dialects import postgresql as pg

    op.create_table(
        "directory_employees",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("department_id", pg.UUID(as_uuid=True)),
        sa.Column("region_id", pg.UUID(as_uuid=True)),
        sa.Column("group_id", pg.UUID(as_uuid=True)),
        sa.Column("manager_id", pg.UUID(as_uuid=True)),
        sa.Column("hired_on", sa.Date()),
        sa.Column("left_on", sa.Date()),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", name="pk_directory_employees"),
    )
    op.create_index("ix_directory_employees_group_id", "directory_employees", ["group_id"])
    op.create_table(
        "directory_groups",
        sa.Column("group_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("region_id", pg.UUID(as_uuid=True)),
        sa.Column("leader_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", name="pk_directory_groups"),
    )


def drop_messaging_tables_v1(op) -> None:
    op.drop_table("inbox")
    op.drop_table("outbox")
