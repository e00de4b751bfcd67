"""org's working calendar in appraisal: daily logs are owed on the company's working days (A8, O6).

Revision ID: 2026_12_06_1000
Revises: 2026_12_05_1000
Create Date: 2026-12-06 10:00:00

appraisal now listens to ``org.calendar.year_set.v1`` (consumer ``appraisal-directory``) and keeps
each year's highest revision: a public holiday owes no daily log and a make-up working day (调休)
owes one. A year not received yet is the default calendar, Monday to Friday, which is what the
removed setting ``APPRAISAL_DAILY_LOG_BUSINESS_WEEKDAYS`` gave by default.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_06_1000"
down_revision: str | None = "2026_12_05_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "working_calendars",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("weekend", pg.JSONB(), nullable=False),
        sa.Column("holidays", pg.JSONB(), nullable=False),
        sa.Column("makeup_working_days", pg.JSONB(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_working_calendars"),
    )


def downgrade() -> None:
    op.drop_table("working_calendars")
