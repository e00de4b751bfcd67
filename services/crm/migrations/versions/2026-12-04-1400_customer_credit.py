"""Customer credit (C11): rating and flag on the customer, and the log of changes.

Revision ID: 2026_12_04_1400
Revises: 2026_12_04_1300
Create Date: 2026-12-04 14:00:00
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
    op.add_column("customers", sa.Column("credit_rating", sa.String(20)))
    op.add_column("customers", sa.Column("credit_flag", sa.String(40)))
    op.add_column("customers", sa.Column("credit_reason", sa.String(500)))
    op.add_column("customers", sa.Column("credit_changed_by", pg.UUID(as_uuid=True)))
    op.add_column("customers", sa.Column("credit_changed_at", sa.DateTime(timezone=True)))
    op.create_table(
        "customer_credit_log",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("customer_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("rating", sa.String(20)),
        sa.Column("flag", sa.String(40)),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("changed_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_credit_log"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_customer_credit_log_customer_id_customers"),
    )
    op.create_index("ix_customer_credit_log_customer_id", "customer_credit_log", ["customer_id"])


def downgrade() -> None:
    op.drop_table("customer_credit_log")
    for column in ("credit_changed_at", "credit_changed_by", "credit_reason", "credit_flag", "credit_rating"):
        op.drop_column("customers", column)
