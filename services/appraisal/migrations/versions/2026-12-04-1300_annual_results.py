"""The annual score (A1): ``annual_results``.

Revision ID: 2026_12_04_1300
Revises: 2026_12_04_1200
Create Date: 2026-12-04 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1300"
down_revision: str | None = "2026_12_04_1200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annual_results",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("score", sa.Numeric(7, 2), nullable=False),
        sa.Column("coefficient", sa.Numeric(6, 2), nullable=False),
        sa.Column("months_scored", pg.JSONB(), nullable=False),
        sa.Column("months_missing", pg.JSONB(), nullable=False),
        sa.Column("missing_months_rule", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", "employee_id", name="pk_annual_results"),
    )


def downgrade() -> None:
    op.drop_table("annual_results")
