"""Attendance into pay (P6, proration, P8 corrections): org's working calendars, each employee's
classified days at their latest revision, and what each run paid for each period's attendance.

Revision ID: 2026_12_03_1000
Revises: 2026_11_24_1000
Create Date: 2026-12-03 10:00:00

Written out in full, not derived from ``payroll.adapters.tables``: a migration is history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_03_1000"
down_revision: str | None = "2026_11_24_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "working_calendars",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("weekend", pg.JSONB(), nullable=False),
        sa.Column("holidays", pg.JSONB(), nullable=False),
        sa.Column("makeup_working_days", pg.JSONB(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("year", name="pk_working_calendars"),
    )
    op.create_table(
        "attendance_days",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("classification", sa.String(30), nullable=False),
        sa.Column("absence_days", sa.Numeric(3, 1), nullable=False),
        sa.Column("minor_latenesses", sa.Integer(), nullable=False),
        sa.Column("late_minutes", sa.Integer(), nullable=False),
        sa.Column("early_minutes", sa.Integer(), nullable=False),
        sa.Column("leave_days", sa.Numeric(3, 1), nullable=False),
        sa.Column("leave_type", sa.String(40)),
        sa.Column("leave_paid", sa.Boolean()),
        sa.Column("event_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_run_id", pg.UUID(as_uuid=True)),
        sa.PrimaryKeyConstraint("employee_id", "work_date", name="pk_attendance_days"),
        sa.ForeignKeyConstraint(["settled_run_id"], ["pay_runs.id"], name="fk_attendance_days_settled_run_id_pay_runs"),
        sa.CheckConstraint("absence_days >= 0 AND absence_days <= 1 AND leave_days >= 0 AND leave_days <= 1 "
                           "AND minor_latenesses >= 0", name="ck_attendance_days_amounts"),
    )
    op.create_index("ix_attendance_days_period_employee_id", "attendance_days", ["period", "employee_id"])
    op.create_index("ix_attendance_days_unsettled", "attendance_days", ["period", "employee_id"],
                    postgresql_where=sa.text("settled_run_id IS NULL"))
    op.create_table(
        "attendance_settlements",
        sa.Column("run_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("amount", sa.Numeric(14, 2), nullable=False),
        sa.Column("basis", pg.JSONB(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "employee_id", "period", name="pk_attendance_settlements"),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_attendance_settlements_run_id_pay_runs"),
    )
    op.create_index("ix_attendance_settlements_employee_id_period", "attendance_settlements",
                    ["employee_id", "period"])


def downgrade() -> None:
    for table in ("attendance_settlements", "attendance_days", "working_calendars"):
        op.drop_table(table)
