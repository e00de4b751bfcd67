"""Weekly plans and reports (A8): ``weekly_plans`` and ``weekly_reports``.

Revision ID: 2026_12_04_1500
Revises: 2026_12_04_1400
Create Date: 2026-12-04 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1500"
down_revision: str | None = "2026_12_04_1400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "weekly_plans",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("content", pg.JSONB(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("decided_by", pg.UUID(as_uuid=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decision_note", sa.Text()),
        sa.PrimaryKeyConstraint("employee_id", "week", name="pk_weekly_plans"),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'returned')", name="ck_weekly_plans_status"),
    )
    op.create_table(
        "weekly_reports",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("fields", pg.JSONB(), nullable=False),
        sa.Column("prefilled", pg.JSONB(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", "week", name="pk_weekly_reports"),
    )


def downgrade() -> None:
    op.drop_table("weekly_reports")
    op.drop_table("weekly_plans")
