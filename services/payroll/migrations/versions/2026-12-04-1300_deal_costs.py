"""Deal costs corrected after signing (crm.deal.cost_set.v1): the latest revision per deal.

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


def upgrade() -> None:
    op.create_table(
        "deal_costs",
        sa.Column("deal_id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("cost", sa.Numeric(14, 2), nullable=False),
        sa.Column("profit", sa.Numeric(14, 2), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("deal_costs")
