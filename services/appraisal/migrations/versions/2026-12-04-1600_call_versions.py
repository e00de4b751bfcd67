"""Telesales call versions applied (corrections, issue 12): ``calls``.

Not backfilled: the facts of calls logged before hold no disposition or lead. Such a call enters
the table with its first correction, whose facts replace version 1's.

Revision ID: 2026_12_04_1600
Revises: 2026_12_04_1500
Create Date: 2026-12-04 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1600"
down_revision: str | None = "2026_12_04_1500"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("call_id", sa.String(200), nullable=False),
        sa.Column("agent_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("lead_id", pg.UUID(as_uuid=True)),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("call_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("disposition", sa.String(40), nullable=False),
        sa.Column("effective", sa.Boolean(), nullable=False),
        sa.Column("event_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("call_id", name="pk_calls"),
    )
    op.create_index("ix_calls_agent_id_period_lead_id", "calls", ["agent_id", "period", "lead_id"])


def downgrade() -> None:
    op.drop_index("ix_calls_agent_id_period_lead_id", table_name="calls")
    op.drop_table("calls")
