"""The roles each employee held, from when: ``role_history``.

Revision ID: 2026_12_04_1100
Revises: 2026_12_04_1000
Create Date: 2026-12-04 11:00:00

A month is scored under the role held at its end (issue 10 item 1). The history is fed by org's
hire and transfer events from now on; it starts from what the directory replica holds today:
each known employee's current role from their hire date (or, unknown, the replica's date).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1100"
down_revision: str | None = "2026_12_04_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "role_history",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", "effective_on", name="pk_role_history"),
    )
    op.execute("INSERT INTO role_history (employee_id, effective_on, role) "
               "SELECT employee_id, COALESCE(hired_on, as_of), role FROM directory_employees")


def downgrade() -> None:
    op.drop_table("role_history")
