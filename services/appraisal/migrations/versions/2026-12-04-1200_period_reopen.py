"""Reopening a closed period (issue 10 item 4): the period's revision and reopen, the result's
revision, and the audit of every change after a reopen.

Revision ID: 2026_12_04_1200
Revises: 2026_12_04_1100
Create Date: 2026-12-04 12:00:00

Periods closed before this release were closed once: revision 1; their results are revision 1.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1200"
down_revision: str | None = "2026_12_04_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("periods", sa.Column("revision", sa.Integer(), server_default="0", nullable=False))
    op.add_column("periods", sa.Column("reopened_at", sa.DateTime(timezone=True)))
    op.add_column("periods", sa.Column("reopened_by", pg.UUID(as_uuid=True)))
    op.add_column("periods", sa.Column("reopen_reason", sa.Text()))
    op.execute("UPDATE periods SET revision = 1 WHERE status = 'closed'")
    op.add_column("results", sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    op.create_table(
        "period_audit",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("seq", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", pg.UUID(as_uuid=True)),
        sa.Column("employee_id", pg.UUID(as_uuid=True)),
        sa.Column("details", pg.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_period_audit"),
    )
    op.create_index("ix_period_audit_period", "period_audit", ["period"])


def downgrade() -> None:
    op.drop_index("ix_period_audit_period", table_name="period_audit")
    op.drop_table("period_audit")
    op.drop_column("results", "revision")
    for column in ("reopen_reason", "reopened_by", "reopened_at", "revision"):
        op.drop_column("periods", column)
