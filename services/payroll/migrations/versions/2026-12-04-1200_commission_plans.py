"""Commission plans as data; accruals, clawbacks and carried balances (P4, issue 9 items 3 and 4).

Revision ID: 2026_12_04_1200
Revises: 2026_12_04_1100
Create Date: 2026-12-04 12:00:00

The deals intake these build on is revision 2026_12_04_1000. Written out in full, not derived from
``payroll.adapters.tables``: a migration is history.
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

MONEY = sa.Numeric(14, 2)
EXACT = sa.Numeric(20, 8)


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "commission_plans",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.String(7), nullable=False),
        sa.Column("definition", pg.JSONB(), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        _uuid("set_by"),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("key", "version", name="pk_commission_plans"),
        sa.UniqueConstraint("key", "effective_from", name="uq_commission_plans_key_effective_from"),
    )
    op.add_column("compensation_plans", sa.Column("commission_plan", sa.String(60)))
    op.add_column("plan_overrides", sa.Column("commission_plan", sa.String(60)))
    op.add_column("plan_overrides", sa.Column("commission_target", MONEY))

    op.create_table(
        "commission_accruals",
        _uuid("id", False), _uuid("run_id", False), _uuid("employee_id", False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        _uuid("source_id", False), _uuid("deal_id", False),
        sa.Column("money", MONEY, nullable=False),
        sa.Column("earned", EXACT, nullable=False),
        sa.Column("plan", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_commission_accruals"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_commission_accruals_run_id_pay_runs"),
        sa.CheckConstraint("kind IN ('deal', 'payment')", name="ck_commission_accruals_kind"),
    )
    op.create_index("ix_commission_accruals_source_id", "commission_accruals", ["source_id"])
    op.create_index("ix_commission_accruals_deal_id", "commission_accruals", ["deal_id"])
    op.create_index("ix_commission_accruals_run_id", "commission_accruals", ["run_id"])

    op.create_table(
        "commission_clawbacks",
        _uuid("id", False), _uuid("run_id", False), _uuid("employee_id", False), _uuid("accrual_id", False),
        sa.Column("cause", sa.String(20), nullable=False),
        _uuid("cause_id", False),
        sa.Column("amount", EXACT, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_commission_clawbacks"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_commission_clawbacks_run_id_pay_runs"),
        sa.CheckConstraint("cause IN ('refund', 'cancellation')", name="ck_commission_clawbacks_cause"),
        sa.CheckConstraint("amount > 0", name="ck_commission_clawbacks_amount"),
    )
    op.create_index("ix_commission_clawbacks_accrual_id", "commission_clawbacks", ["accrual_id"])
    op.create_index("ix_commission_clawbacks_run_id", "commission_clawbacks", ["run_id"])

    op.create_table(
        "commission_balances",
        _uuid("run_id", False), _uuid("employee_id", False),
        sa.Column("brought", MONEY, nullable=False),
        sa.Column("carried", MONEY, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "employee_id", name="pk_commission_balances"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_commission_balances_run_id_pay_runs"),
        sa.CheckConstraint("brought >= 0 AND carried >= 0", name="ck_commission_balances_amounts"),
    )



def downgrade() -> None:
    for table in ("commission_balances", "commission_clawbacks", "commission_accruals", "commission_plans"):
        op.drop_table(table)
    op.drop_column("plan_overrides", "commission_target")
    op.drop_column("plan_overrides", "commission_plan")
    op.drop_column("compensation_plans", "commission_plan")
