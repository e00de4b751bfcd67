"""Deals gain units and cancellation; refunds against payments; payment plans (instalments).

Revision ID: 2026_12_04_1000
Revises: 2026_11_24_1000
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1000"
down_revision: str | None = "2026_11_24_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("deals", sa.Column("units", sa.Integer()))
    op.add_column("deals", sa.Column("status", sa.String(20), nullable=False, server_default="active"))
    op.add_column("deals", sa.Column("cancelled_on", sa.Date()))
    op.add_column("deals", sa.Column("cancel_reason", sa.String(500)))
    op.add_column("deals", _uuid("cancelled_by"))
    op.add_column("deals", sa.Column("cancelled_at", sa.DateTime(timezone=True)))
    op.add_column("deals", sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
    op.create_check_constraint("ck_deals_units_not_negative", "deals", "units IS NULL OR units >= 0")
    op.create_check_constraint("ck_deals_status", "deals", "status IN ('active', 'cancelled')")

    op.create_table(
        "refunds",
        _uuid("id", False),
        _uuid("payment_id", False),
        _uuid("deal_id", False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        _uuid("recorded_by", False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_refunds"),
        sa.ForeignKeyConstraint(["payment_id"], ["payments.id"], name="fk_refunds_payment_id_payments"),
        sa.ForeignKeyConstraint(["deal_id"], ["deals.id"], name="fk_refunds_deal_id_deals"),
        sa.CheckConstraint("amount > 0", name="ck_refunds_amount_positive"),
    )
    op.create_index("ix_refunds_deal_id", "refunds", ["deal_id"])
    op.create_index("ix_refunds_payment_id", "refunds", ["payment_id"])

    op.create_table(
        "instalments",
        _uuid("deal_id", False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.PrimaryKeyConstraint("deal_id", "seq", name="pk_instalments"),
        sa.ForeignKeyConstraint(["deal_id"], ["deals.id"], name="fk_instalments_deal_id_deals"),
        sa.CheckConstraint("amount > 0", name="ck_instalments_amount_positive"),
    )
    op.create_index("ix_instalments_due_on", "instalments", ["due_on"])


def downgrade() -> None:
    op.drop_table("instalments")
    op.drop_table("refunds")
    op.drop_constraint("ck_deals_status", "deals", type_="check")
    op.drop_constraint("ck_deals_units_not_negative", "deals", type_="check")
    for column in ("revision", "cancelled_at", "cancelled_by", "cancel_reason", "cancelled_on", "status", "units"):
        op.drop_column("deals", column)
