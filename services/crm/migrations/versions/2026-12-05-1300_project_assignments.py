"""A project's changes of hands (C7): a leaver's or mover's projects follow the customer, or wait
unassigned in their group; leaders and managers hand projects over.

Revision ID: 2026_12_05_1300
Revises: 2026_12_05_1000
Create Date: 2026-12-05 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_05_1300"
down_revision: str | None = "2026_12_05_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("projects", sa.Column("unassigned_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "project_assignments",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("project_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("from_rep_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("to_rep_id", pg.UUID(as_uuid=True), nullable=True),
        sa.Column("cause", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(500), nullable=True),
        sa.Column("by", pg.UUID(as_uuid=True), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_project_assignments"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_project_assignments_project_id_projects"),
        sa.CheckConstraint("cause IN ('holder_left', 'holder_transferred', 'handed_over')",
                           name="ck_project_assignments_cause"),
    )
    op.create_index("ix_project_assignments_project_id", "project_assignments", ["project_id"])


def downgrade() -> None:
    op.drop_table("project_assignments")
    op.drop_column("projects", "unassigned_at")
