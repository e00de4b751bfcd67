"""Everyone employed is on the run (issue 9, items 1, 2, 8): plan parts and fixed performance pay,
per-person overrides, special incentives, blockers on the run, payslips of people not appraised.

Revision ID: 2026_12_03_1100
Revises: 2026_12_03_1000
Create Date: 2026-12-03 11:00:00

Written out in full, not derived from ``payroll.adapters.tables``: a migration is history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_03_1100"
down_revision: str | None = "2026_12_03_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Versions set before parts existed paid all four parts: the default fills them, then goes.
    op.add_column("compensation_plans", sa.Column(
        "parts", pg.JSONB(), nullable=False,
        server_default=sa.text("""'["base", "performance_pay", "bonus", "commission"]'::jsonb""")))
    op.alter_column("compensation_plans", "parts", server_default=None)
    op.add_column("compensation_plans", sa.Column("performance_fixed", sa.Numeric(14, 2)))
    op.create_check_constraint("ck_compensation_plans_performance_fixed", "compensation_plans",
                               "performance_fixed IS NULL OR performance_fixed >= 0")

    op.add_column("pay_runs", sa.Column("blockers", pg.JSONB(), nullable=False,
                                        server_default=sa.text("'[]'::jsonb")))
    op.alter_column("pay_runs", "blockers", server_default=None)

    op.alter_column("payslips", "score", nullable=True)
    op.alter_column("payslips", "coefficient", nullable=True)
    op.add_column("payslips", sa.Column("override_version", sa.Integer()))

    op.create_table(
        "plan_overrides",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.String(7), nullable=False),
        sa.Column("monthly_base", sa.Numeric(14, 2)),
        sa.Column("performance_standard", sa.Numeric(14, 2)),
        sa.Column("performance_fixed", sa.Numeric(14, 2)),
        sa.Column("bonus_base", sa.Numeric(14, 2)),
        sa.Column("commission_rate", sa.Numeric(9, 6)),
        sa.Column("set_by", pg.UUID(as_uuid=True)),
        sa.Column("set_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", "version", name="pk_plan_overrides"),
        sa.UniqueConstraint("employee_id", "effective_from", name="uq_plan_overrides_employee_id_effective_from"),
        sa.CheckConstraint("coalesce(monthly_base, 0) >= 0 AND coalesce(performance_standard, 0) >= 0 "
                           "AND coalesce(performance_fixed, 0) >= 0 AND coalesce(bonus_base, 0) >= 0",
                           name="ck_plan_overrides_amounts"),
        sa.CheckConstraint("commission_rate IS NULL OR (commission_rate >= 0 AND commission_rate <= 1)",
                           name="ck_plan_overrides_rate"),
    )
    op.create_table(
        "special_incentives",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("entered_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", pg.UUID(as_uuid=True)),
        sa.Column("cancelled_by", pg.UUID(as_uuid=True)),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_special_incentives"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_special_incentives_run_id_pay_runs"),
        sa.CheckConstraint("amount > 0", name="ck_special_incentives_amount"),
    )
    op.create_index("ix_special_incentives_unpaid", "special_incentives", ["period"],
                    postgresql_where=sa.text("run_id IS NULL AND cancelled_at IS NULL"))


def downgrade() -> None:
    op.drop_table("special_incentives")
    op.drop_table("plan_overrides")
    op.drop_column("payslips", "override_version")
    # Fails while payslips of people not appraised exist: they are pay records, never dropped silently.
    op.alter_column("payslips", "coefficient", nullable=False)
    op.alter_column("payslips", "score", nullable=False)
    op.drop_column("pay_runs", "blockers")
    op.drop_constraint("ck_compensation_plans_performance_fixed", "compensation_plans", type_="check")
    op.drop_column("compensation_plans", "performance_fixed")
    op.drop_column("compensation_plans", "parts")
