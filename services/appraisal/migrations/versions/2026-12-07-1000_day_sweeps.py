"""The last company day the daily plan-execution sweep ran for (A8).

Revision ID: 2026_12_07_1000
Revises: 2026_12_06_1000
Create Date: 2026-12-07 10:00:00

The appraisal worker rescores, once a company day (``APPRAISAL_PLAN_EXECUTION_SWEEP_SECONDS``
between looks), the open months' plan-execution scores, which grow stale as owed items turn
missing with the days. ``day_sweeps`` keeps the last day swept so that a restart or a second
replica does not sweep it again. Empty at first: the first look after the upgrade sweeps.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_07_1000"
down_revision: str | None = "2026_12_06_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "day_sweeps",
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("swept_on", sa.Date(), nullable=False),
        sa.Column("swept_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_day_sweeps"),
    )


def downgrade() -> None:
    op.drop_table("day_sweeps")
