"""Create the payroll schema: compensation plans, the appraisal facts and payments payroll keeps,
pay runs and payslips, the org directory replica, and the outbox and inbox.

Revision ID: 2026_11_24_1000
Revises:
Create Date: 2026-11-24 10:00:00

Written out in full, not derived from ``payroll.adapters.tables``: a migration is history and
must not change when the current model does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.migrations import create_directory_tables_v1, create_messaging_tables_v1, drop_messaging_tables_v1

revision: str = "2026_11_24_1000"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _money(name: str) -> sa.Column:
    return sa.Column(name, sa.Numeric(14, 2), nullable=False)


def _received_at(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    create_messaging_tables_v1(op)
    create_directory_tables_v1(op)

    op.create_table(
        "compensation_plans",
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.String(7), nullable=False),
        _money("monthly_base"),
        _money("performance_standard"),
        _money("bonus_base"),
        sa.Column("commission_rate", sa.Numeric(9, 6), nullable=False),
        sa.Column("set_by", pg.UUID(as_uuid=True)),
        _received_at("set_at"),
        sa.PrimaryKeyConstraint("role", "version", name="pk_compensation_plans"),
        sa.CheckConstraint("monthly_base >= 0 AND performance_standard >= 0 AND bonus_base >= 0",
                           name="ck_compensation_plans_amounts"),
        sa.CheckConstraint("commission_rate >= 0 AND commission_rate <= 1", name="ck_compensation_plans_rate"),
    )
    op.create_table(
        "closed_periods",
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("employee_count", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by", pg.UUID(as_uuid=True), nullable=False),
        _received_at("received_at"),
        sa.PrimaryKeyConstraint("period", name="pk_closed_periods"),
    )
    op.create_table(
        "appraisal_results",
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("role", sa.String(40)),
        sa.Column("score", sa.Numeric(9, 4), nullable=False),
        sa.Column("coefficient", sa.Numeric(9, 4), nullable=False),
        sa.Column("rank", sa.Integer()),
        sa.Column("flags", pg.JSONB(), nullable=False),
        sa.Column("event_id", pg.UUID(as_uuid=True), nullable=False),
        _received_at("received_at"),
        sa.PrimaryKeyConstraint("period", "employee_id", name="pk_appraisal_results"),
    )
    op.create_table(
        "pay_runs",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("payslip_count", sa.Integer(), nullable=False),
        _money("total_gross"),
        sa.Column("full_score_at", sa.Numeric(9, 4), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by", pg.UUID(as_uuid=True)),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("locked_by", pg.UUID(as_uuid=True)),
        sa.Column("locked_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_pay_runs"),
        sa.UniqueConstraint("period", name="uq_pay_runs_period"),
        sa.CheckConstraint("status IN ('computed', 'approved', 'locked')", name="ck_pay_runs_status"),
    )
    op.create_table(
        "payments",
        sa.Column("payment_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("deal_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("rep_id", pg.UUID(as_uuid=True), nullable=False),
        _money("amount"),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        _received_at("recorded_at"),
        sa.Column("run_id", pg.UUID(as_uuid=True)),
        sa.Column("settled_as", sa.String(20)),
        sa.PrimaryKeyConstraint("payment_id", name="pk_payments"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_payments_run_id_pay_runs"),
        sa.CheckConstraint("settled_as IS NULL OR settled_as IN ('commission', 'adjustment')",
                           name="ck_payments_settled_as"),
    )
    op.create_index("ix_payments_unsettled", "payments", ["period", "rep_id"],
                    postgresql_where=sa.text("run_id IS NULL"))
    op.create_table(
        "payslips",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("run_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_name", sa.String(200)),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("department_id", pg.UUID(as_uuid=True)),
        sa.Column("group_id", pg.UUID(as_uuid=True)),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(9, 4), nullable=False),
        sa.Column("coefficient", sa.Numeric(9, 4), nullable=False),
        _money("gross"),
        sa.Column("lines", pg.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payslips"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_payslips_run_id_pay_runs"),
        sa.UniqueConstraint("run_id", "employee_id", name="uq_payslips_run_id_employee_id"),
    )
    op.create_index("ix_payslips_employee_id_period", "payslips", ["employee_id", "period"])
    op.create_index("ix_payslips_department_id", "payslips", ["department_id"])


def downgrade() -> None:
    for table in ("payslips", "payments", "pay_runs", "appraisal_results", "closed_periods", "compensation_plans",
                  "directory_groups", "directory_employees"):
        op.drop_table(table)
    drop_messaging_tables_v1(op)
