"""Rankings within department and role, and honours (A7): ``results.department_id``,
``results.department_role_rank`` and ``honours``.

Revision ID: 2026_12_04_1400
Revises: 2026_12_04_1300
Create Date: 2026-12-04 14:00:00

Results frozen before this release keep only their company-wide rank (the new columns are null).
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
    op.add_column("results", sa.Column("department_id", pg.UUID(as_uuid=True)))
    op.add_column("results", sa.Column("department_role_rank", sa.Integer()))
    op.create_table(
        "honours",
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("honour", sa.String(40), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("group_id", pg.UUID(as_uuid=True)),
        sa.Column("department_id", pg.UUID(as_uuid=True)),
        sa.Column("measure", sa.String(40), nullable=False),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "honour", "employee_id", name="pk_honours"),
    )


def downgrade() -> None:
    op.drop_table("honours")
    op.drop_column("results", "department_role_rank")
    op.drop_column("results", "department_id")
