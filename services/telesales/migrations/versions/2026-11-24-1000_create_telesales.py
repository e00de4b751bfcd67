"""Create the telesales schema: calls, daily figures per agent, the org-directory replica, and the
outbox and inbox.

Revision ID: 2026_11_24_1000
Revises:
Create Date: 2026-11-24 10:00:00

Written out in full, not derived from ``telesales.adapters.tables``: a migration is history and
must not change when the current model does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.migrations import create_directory_tables_v1, create_messaging_tables_v1, drop_messaging_tables_v1

revision: str = "2026_11_24_1000"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DISPOSITIONS = (
    "'no_answer', 'busy', 'invalid_number', 'refused', 'effective_conversation', 'intent', 'appointment', "
    "'order', 'complaint', 'do_not_call'"
)
STAGES = (
    "'preparation', 'opening', 'needs_discovery', 'product_introduction', 'objection_handling', 'closing', "
    "'wrap_up'"
)


def upgrade() -> None:
    create_messaging_tables_v1(op)
    create_directory_tables_v1(op)

    op.create_table(
        "calls",
        sa.Column("call_id", sa.String(100), nullable=False),
        sa.Column("agent_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("group_id", pg.UUID(as_uuid=True)),
        sa.Column("department_id", pg.UUID(as_uuid=True)),
        sa.Column("lead_id", pg.UUID(as_uuid=True)),
        sa.Column("number_dialled", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("call_date", sa.Date(), nullable=False),
        sa.Column("duration_seconds", sa.Integer(), nullable=False),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.Column("disposition", sa.String(30), nullable=False),
        sa.Column("effective", sa.Boolean(), nullable=False),
        sa.Column("stage_reached", sa.String(30)),
        sa.Column("notes", sa.Text()),
        sa.Column("next_step", sa.Text()),
        sa.Column("submitted_by", pg.UUID(as_uuid=True)),
        sa.Column("received_at", sa.DateTime(timezone=True)),
        sa.Column("stored_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("call_id", name="pk_calls"),
        sa.CheckConstraint("duration_seconds >= 0", name="ck_calls_duration_not_negative"),
        sa.CheckConstraint(f"disposition IN ({DISPOSITIONS})", name="ck_calls_disposition"),
        sa.CheckConstraint(f"stage_reached IS NULL OR stage_reached IN ({STAGES})", name="ck_calls_stage_reached"),
    )
    op.create_index("ix_calls_agent_id_started_at", "calls", ["agent_id", "started_at"])
    op.create_index("ix_calls_group_id_call_date", "calls", ["group_id", "call_date"])
    op.create_index("ix_calls_department_id_call_date", "calls", ["department_id", "call_date"])
    op.create_index("ix_calls_call_date", "calls", ["call_date"])

    op.create_table(
        "daily_figures",
        sa.Column("agent_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("call_date", sa.Date(), nullable=False),
        sa.Column("group_id", pg.UUID(as_uuid=True)),
        sa.Column("department_id", pg.UUID(as_uuid=True)),
        sa.Column("dials", sa.Integer(), nullable=False),
        sa.Column("connected", sa.Integer(), nullable=False),
        sa.Column("effective", sa.Integer(), nullable=False),
        sa.Column("intents", sa.Integer(), nullable=False),
        sa.Column("appointments", sa.Integer(), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("talk_seconds", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("agent_id", "call_date", name="pk_daily_figures"),
    )
    op.create_index("ix_daily_figures_call_date_group_id", "daily_figures", ["call_date", "group_id"])
    op.create_index("ix_daily_figures_call_date_department_id", "daily_figures", ["call_date", "department_id"])


def downgrade() -> None:
    op.drop_table("daily_figures")
    op.drop_table("calls")
    op.drop_table("directory_groups")
    op.drop_table("directory_employees")
    drop_messaging_tables_v1(op)
