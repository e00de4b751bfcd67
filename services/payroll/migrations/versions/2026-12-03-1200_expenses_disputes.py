"""Expense claims (P7) and payslip disputes (P8).

Revision ID: 2026_12_03_1200
Revises: 2026_12_03_1100
Create Date: 2026-12-03 12:00:00

Written out in full, not derived from ``payroll.adapters.tables``: a migration is history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_03_1200"
down_revision: str | None = "2026_12_03_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    op.create_table(
        "expense_claims",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("department_id", pg.UUID(as_uuid=True)),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("incurred_on", sa.Date(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("receipts", pg.JSONB(), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_amount", MONEY),
        sa.Column("refused_amount", MONEY),
        sa.Column("reason", sa.String(2000)),
        sa.Column("decided_by", pg.UUID(as_uuid=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("paid_run_id", pg.UUID(as_uuid=True)),
        sa.Column("paid_period", sa.String(7)),
        sa.PrimaryKeyConstraint("id", name="pk_expense_claims"),
        sa.ForeignKeyConstraint(["paid_run_id"], ["pay_runs.id"], name="fk_expense_claims_paid_run_id_pay_runs"),
        sa.CheckConstraint("amount > 0 AND (approved_amount IS NULL OR approved_amount >= 0) "
                           "AND (refused_amount IS NULL OR refused_amount >= 0)", name="ck_expense_claims_amounts"),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'refused')", name="ck_expense_claims_status"),
    )
    op.create_index("ix_expense_claims_employee_id_category_incurred_on", "expense_claims",
                    ["employee_id", "category", "incurred_on"])
    op.create_index("ix_expense_claims_department_id", "expense_claims", ["department_id"])
    op.create_index("ix_expense_claims_unpaid", "expense_claims", ["employee_id"],
                    postgresql_where=sa.text("status = 'approved' AND paid_run_id IS NULL"))

    op.create_table(
        "payslip_disputes",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("payslip_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("line_index", sa.Integer(), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("run_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("line_rule", sa.String(60), nullable=False),
        sa.Column("line_amount", MONEY, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("history", pg.JSONB(), nullable=False),
        sa.Column("resolution_amount", MONEY),
        sa.Column("paid_run_id", pg.UUID(as_uuid=True)),
        sa.Column("paid_period", sa.String(7)),
        sa.PrimaryKeyConstraint("id", name="pk_payslip_disputes"),
        sa.ForeignKeyConstraint(["payslip_id"], ["payslips.id"], name="fk_payslip_disputes_payslip_id_payslips"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_payslip_disputes_run_id_pay_runs"),
        sa.ForeignKeyConstraint(["paid_run_id"], ["pay_runs.id"], name="fk_payslip_disputes_paid_run_id_pay_runs"),
        sa.CheckConstraint("status IN ('open', 'answered', 'accepted', 'refused')", name="ck_payslip_disputes_status"),
        sa.CheckConstraint("resolution_amount IS NULL OR resolution_amount > 0",
                           name="ck_payslip_disputes_resolution_amount"),
    )
    op.create_index("uq_payslip_disputes_open_line", "payslip_disputes", ["payslip_id", "line_index"], unique=True,
                    postgresql_where=sa.text("status IN ('open', 'answered')"))
    op.create_index("ix_payslip_disputes_employee_id", "payslip_disputes", ["employee_id"])


def downgrade() -> None:
    for table in ("payslip_disputes", "expense_claims"):
        op.drop_table(table)
