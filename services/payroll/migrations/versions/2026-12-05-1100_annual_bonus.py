"""The annual score and the year-end bonus (A1, P3), and plan execution adjusting base income (A8).

Revision ID: 2026_12_05_1100
Revises: 2026_12_04_1400
Create Date: 2026-12-05 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_05_1100"
down_revision: str | None = "2026_12_04_1400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("compensation_plans",
                  sa.Column("annual_bonus_base", sa.Numeric(14, 2), nullable=False, server_default="0"))
    op.add_column("compensation_plans",
                  sa.Column("base_follows_plan_execution", sa.Boolean(), nullable=False, server_default="false"))
    op.add_column("appraisal_results", sa.Column("plan_execution", sa.Numeric(9, 4)))
    op.create_table(
        "annual_results",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("employee_id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("score", sa.Numeric(9, 4), nullable=False),
        sa.Column("coefficient", sa.Numeric(9, 4), nullable=False),
        sa.Column("months_scored", pg.JSONB(), nullable=False),
        sa.Column("months_missing", pg.JSONB(), nullable=False),
        sa.Column("missing_months_rule", sa.String(40), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "annual_bonus_settlements",
        sa.Column("year", sa.Integer(), primary_key=True),
        sa.Column("employee_id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("run_id", pg.UUID(as_uuid=True), sa.ForeignKey("pay_runs.id"), primary_key=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("annual_bonus_base", sa.Numeric(14, 2), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer()),
        sa.Column("amount", sa.Numeric(14, 2)),
        sa.Column("reason", sa.String(400)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('paid', 'owed')", name="status"),
        sa.CheckConstraint("status = 'owed' OR (revision IS NOT NULL AND amount IS NOT NULL)", name="paid_figures"),
    )


def downgrade() -> None:
    op.drop_table("annual_bonus_settlements")
    op.drop_table("annual_results")
    op.drop_column("appraisal_results", "plan_execution")
    op.drop_column("compensation_plans", "base_follows_plan_execution")
    op.drop_column("compensation_plans", "annual_bonus_base")
