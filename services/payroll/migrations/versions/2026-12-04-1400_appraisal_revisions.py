"""Revised appraisal results (P8): the revision of each close and result, appraisal's reopens, the
run's revision and what it waits for, and the differences paid for a locked run.

Revision ID: 2026_12_04_1400
Revises: 2026_12_04_1300
Create Date: 2026-12-04 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1400"
down_revision: str | None = "2026_12_04_1300"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Everything received before revisions existed was a first close: revision 1.
    op.add_column("closed_periods", sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("appraisal_results", sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("pay_runs", sa.Column("appraisal_revision", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("pay_runs", sa.Column("awaiting_revision", sa.String(2000)))
    op.create_table(
        "period_reopens",
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("revision", sa.Integer(), primary_key=True),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reopened_by", pg.UUID(as_uuid=True), nullable=False),
    )
    op.create_table(
        "revision_adjustments",
        sa.Column("period", sa.String(7), primary_key=True),
        sa.Column("employee_id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("revision", sa.Integer(), primary_key=True),
        sa.Column("locked_run_id", pg.UUID(as_uuid=True), sa.ForeignKey("pay_runs.id"), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("before", pg.JSONB(), nullable=False),
        sa.Column("after", pg.JSONB(), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("run_id", pg.UUID(as_uuid=True), sa.ForeignKey("pay_runs.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_revision_adjustments_unpaid", "revision_adjustments", ["employee_id"],
                    postgresql_where=sa.text("run_id IS NULL"))


def downgrade() -> None:
    op.drop_table("revision_adjustments")
    op.drop_table("period_reopens")
    op.drop_column("pay_runs", "awaiting_revision")
    op.drop_column("pay_runs", "appraisal_revision")
    op.drop_column("appraisal_results", "revision")
    op.drop_column("closed_periods", "revision")
