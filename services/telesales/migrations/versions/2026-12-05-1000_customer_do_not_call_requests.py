"""Customers' do-not-call requests from crm (issue 12): the number by its keyed digest only.

Revision ID: 2026_12_05_1000
Revises: 2026_12_04_1000
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_05_1000"
down_revision: str | None = "2026_12_04_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "do_not_call_requests",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("customer_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("lead_id", pg.UUID(as_uuid=True)),
        sa.Column("requested_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_do_not_call_requests"),
    )


def downgrade() -> None:
    op.drop_table("do_not_call_requests")
