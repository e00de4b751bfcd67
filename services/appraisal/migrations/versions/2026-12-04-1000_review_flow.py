"""The whole review (A3): missing stages recorded on results, the feedback interview and the
employee's acknowledgement.

Revision ID: 2026_12_04_1000
Revises: 2026_12_03_1000
Create Date: 2026-12-04 10:00:00

A close is refused while a required stage is missing unless HR states the rule for the missing
stages; each result records which stages were missing and the rule. Results frozen before this
release had none recorded: their ``missing_stages`` is the empty list.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1000"
down_revision: str | None = "2026_12_03_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("results", sa.Column("missing_stages", pg.JSONB(), server_default="[]", nullable=False))
    op.add_column("results", sa.Column("missing_stages_rule", sa.String(20)))
    op.create_table(
        "feedback",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("interviewer_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("improvement_plan", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
        sa.Column("acknowledgement_comment", sa.Text()),
        sa.PrimaryKeyConstraint("employee_id", "period", name="pk_feedback"),
    )


def downgrade() -> None:
    op.drop_table("feedback")
    op.drop_column("results", "missing_stages_rule")
    op.drop_column("results", "missing_stages")
