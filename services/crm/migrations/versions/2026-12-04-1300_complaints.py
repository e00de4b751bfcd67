"""Complaints (C9).

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


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "complaints",
        _uuid("id", False),
        _uuid("lead_id", False),
        _uuid("customer_id", False),
        _uuid("rep_id"),
        _uuid("group_id"),
        _uuid("department_id", False),
        sa.Column("cause", sa.String(60), nullable=False),
        sa.Column("content", sa.String(2000), nullable=False),
        sa.Column("apology", sa.String(500), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _uuid("recorded_by", False),
        _at("recorded_at", False),
        _uuid("responsible_department_id"),
        _at("forwarded_at"),
        _at("escalated_at"),
        _uuid("escalated_to"),
        sa.Column("resolution", sa.String(2000)),
        _uuid("resolved_by"),
        _at("resolved_at"),
        sa.Column("satisfaction", sa.String(20)),
        _at("closed_at"),
        sa.Column("reopened", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_complaints"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_complaints_lead_id_leads"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_complaints_customer_id_customers"),
        sa.CheckConstraint("status IN ('open', 'forwarded', 'resolved', 'closed')", name="ck_complaints_status"),
    )
    op.create_index("ix_complaints_status_recorded_at", "complaints", ["status", "recorded_at"])
    op.create_index("ix_complaints_department_id", "complaints", ["department_id"])


def downgrade() -> None:
    op.drop_table("complaints")
