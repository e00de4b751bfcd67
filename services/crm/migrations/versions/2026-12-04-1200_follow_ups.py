"""Follow-up plans (C6).

Revision ID: 2026_12_04_1200
Revises: 2026_12_04_1100
Create Date: 2026-12-04 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1200"
down_revision: str | None = "2026_12_04_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "follow_ups",
        _uuid("id", False),
        _uuid("lead_id", False),
        _uuid("rep_id", False),
        _uuid("group_id"),
        _uuid("department_id", False),
        _at("due_at", False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("content", sa.String(1000), nullable=False),
        sa.Column("goal", sa.String(500)),
        sa.Column("status", sa.String(20), nullable=False),
        _uuid("created_by", False),
        _at("created_at", False),
        _at("done_at"),
        sa.Column("outcome", sa.String(1000)),
        sa.Column("cancel_reason", sa.String(500)),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_follow_ups_lead_id_leads"),
        sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name="ck_follow_ups_status"),
    )
    op.create_index("ix_follow_ups_lead_id", "follow_ups", ["lead_id"])
    op.create_index("ix_follow_ups_status_due_at", "follow_ups", ["status", "due_at"])


def downgrade() -> None:
    op.drop_table("follow_ups")
