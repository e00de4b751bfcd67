"""Deals, cancellations and refunds from crm; commission plans as data; accruals, clawbacks and
carried balances (P4, issue 9 items 3 and 4).

Revision ID: 2026_12_04_1000
Revises: 2026_12_03_1200
Create Date: 2026-12-04 10:00:00

Written out in full, not derived from ``payroll.adapters.tables``: a migration is history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1000"
down_revision: str | None = "2026_12_03_1200"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(14, 2)


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def _recorded_at() -> sa.Column:
    return sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())


def upgrade() -> None:
    op.create_table(
        "deals",
        _uuid("deal_id", False), _uuid("rep_id", False), _uuid("group_id"), _uuid("department_id"),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("cost", MONEY),
        sa.Column("profit", MONEY),
        sa.Column("units", sa.Integer()),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        _recorded_at(),
        _uuid("run_id"),
        sa.PrimaryKeyConstraint("deal_id", name="pk_deals"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_deals_run_id_pay_runs"),
        sa.CheckConstraint("units IS NULL OR units >= 0", name="ck_deals_units"),
    )
    op.create_index("ix_deals_rep_id_period", "deals", ["rep_id", "period"])
    op.create_index("ix_deals_department_id_period", "deals", ["department_id", "period"])

    op.create_table(
        "deal_cancellations",
        _uuid("deal_id", False), _uuid("rep_id", False), _uuid("group_id"), _uuid("department_id"),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("units", sa.Integer()),
        sa.Column("cancelled_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        _uuid("cancelled_by", False),
        _recorded_at(),
        _uuid("settled_run_id"),
        sa.PrimaryKeyConstraint("deal_id", name="pk_deal_cancellations"),
        sa.ForeignKeyConstraint(["settled_run_id"], ["pay_runs.id"],
                                name="fk_deal_cancellations_settled_run_id_pay_runs"),
    )

    op.create_table(
        "refunds",
        _uuid("refund_id", False), _uuid("payment_id", False), _uuid("deal_id", False), _uuid("rep_id", False),
        _uuid("group_id"), _uuid("department_id"),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("refunded_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        _uuid("recorded_by", False),
        _recorded_at(),
        _uuid("settled_run_id"),
        sa.PrimaryKeyConstraint("refund_id", name="pk_refunds"),
        sa.ForeignKeyConstraint(["settled_run_id"], ["pay_runs.id"], name="fk_refunds_settled_run_id_pay_runs"),
        sa.CheckConstraint("amount > 0", name="ck_refunds_amount"),
    )
    op.create_index("ix_refunds_payment_id", "refunds", ["payment_id"])
    op.create_index("ix_refunds_unsettled", "refunds", ["rep_id"], postgresql_where=sa.text("settled_run_id IS NULL"))


def downgrade() -> None:
    for table in ("refunds", "deal_cancellations", "deals"):
        op.drop_table(table)
