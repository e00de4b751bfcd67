"""A customer's request not to be called (T6), one per customer and number (its keyed digest).

Revision ID: 2026_12_05_1000
Revises: 2026_12_05_1200
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_05_1000"
down_revision: str | None = "2026_12_05_1200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer_do_not_call",
        sa.Column("customer_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("phone_digest", sa.String(64), nullable=False),
        sa.Column("lead_id", pg.UUID(as_uuid=True)),
        sa.Column("note", sa.String(500)),
        sa.Column("requested_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", "phone_digest", name="pk_customer_do_not_call"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name="fk_customer_do_not_call_customer_id_customers"),
    )


def downgrade() -> None:
    op.drop_table("customer_do_not_call")
