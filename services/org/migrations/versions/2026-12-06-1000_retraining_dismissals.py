"""appraisal's dismissal cases as retraining needs them (A6): no second retraining assignment.

Revision ID: 2026_12_06_1000
Revises: 2026_12_03_1300
Create Date: 2026-12-06 10:00:00

org now listens to ``appraisal.dismissal_case.opened.v1`` and keeps, per case, the months whose
failing results opened it; a retraining flag of such a month opens no assignment. Cases opened
before this release were not consumed and are not here: their months' flags, if re-published,
are still held back by the open assignment rule when the first one is still open.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_06_1000"
down_revision: str | None = "2026_12_03_1300"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retraining_dismissal_cases",
        sa.Column("case_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("retraining_period", sa.String(7), nullable=False),
        sa.Column("failing_periods", pg.JSONB(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_event_id", pg.UUID(as_uuid=True)),
        sa.PrimaryKeyConstraint("case_id", name="pk_retraining_dismissal_cases"),
    )
    op.create_index("ix_retraining_dismissal_cases_employee_id", "retraining_dismissal_cases", ["employee_id"])


def downgrade() -> None:
    op.drop_index("ix_retraining_dismissal_cases_employee_id", table_name="retraining_dismissal_cases")
    op.drop_table("retraining_dismissal_cases")
