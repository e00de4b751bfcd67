"""Attendance (O6): working calendars, versioned clock records, daily classifications, leave
requests, month submissions, dismissal cases and the sweep's progress per employee.

Revision ID: 2026_12_03_1000
Revises: 2026_11_23_1000
Create Date: 2026-12-03 10:00:00

Written out in full, not derived from ``org.adapters.attendance_tables``: a migration is history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_03_1000"
down_revision: str | None = "2026_11_23_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "working_calendars",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("weekend", pg.ARRAY(sa.Integer()), nullable=False),
        sa.Column("holidays", pg.ARRAY(sa.Date()), nullable=False),
        sa.Column("makeup_working_days", pg.ARRAY(sa.Date()), nullable=False),
        sa.Column("work_starts_at", sa.Time(), nullable=False),
        sa.Column("work_ends_at", sa.Time(), nullable=False),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("year", name="pk_working_calendars"),
        sa.CheckConstraint("work_starts_at < work_ends_at", name="ck_working_calendars_working_hours"),
    )
    op.create_table(
        "attendance_records",
        _uuid("id", nullable=False),
        _uuid("employee_id", nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("clock_in", sa.Time(), nullable=True),
        sa.Column("clock_out", sa.Time(), nullable=True),
        _uuid("changed_by"),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        _now("recorded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_attendance_records"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name="fk_attendance_records_employee_id_employees"),
        sa.UniqueConstraint("employee_id", "work_date", "version",
                            name="uq_attendance_records_employee_id_work_date_version"),
        sa.CheckConstraint("clock_in IS NULL OR clock_out IS NULL OR clock_in < clock_out",
                           name="ck_attendance_records_clock_order"),
        sa.CheckConstraint("source IN ('clock', 'entry', 'import')", name="ck_attendance_records_source"),
    )
    op.create_table(
        "attendance_days",
        _uuid("employee_id", nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("classification", sa.String(20), nullable=False),
        sa.Column("absence_days", sa.Numeric(2, 1), nullable=False),
        sa.Column("minor_latenesses", sa.Integer(), nullable=False),
        sa.Column("late_minutes", sa.Integer(), nullable=False),
        sa.Column("early_minutes", sa.Integer(), nullable=False),
        sa.Column("leave_type", sa.String(40), nullable=True),
        sa.Column("leave_paid", sa.Boolean(), nullable=True),
        sa.Column("leave_days", sa.Numeric(2, 1), nullable=False),
        _uuid("group_id"),
        _uuid("department_id"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("employee_id", "work_date", name="pk_attendance_days"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name="fk_attendance_days_employee_id_employees"),
    )
    op.create_index("ix_attendance_days_work_date", "attendance_days", ["work_date"])
    op.create_table(
        "leave_requests",
        _uuid("id", nullable=False),
        _uuid("employee_id", nullable=False),
        sa.Column("leave_type", sa.String(40), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        _uuid("requested_by", nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("needs_manager", sa.Boolean(), nullable=False),
        _uuid("leader_approved_by"),
        _uuid("manager_approved_by"),
        _uuid("decided_by"),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_leave_requests"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name="fk_leave_requests_employee_id_employees"),
        sa.CheckConstraint("end_date >= start_date", name="ck_leave_requests_dates"),
        sa.CheckConstraint("status IN ('pending', 'approved', 'refused', 'cancelled')",
                           name="ck_leave_requests_status"),
    )
    op.create_index("ix_leave_requests_employee_id_start_date", "leave_requests", ["employee_id", "start_date"])
    op.create_table(
        "attendance_submissions",
        _uuid("group_id", nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        _uuid("submitted_by", nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "period", name="pk_attendance_submissions"),
        sa.ForeignKeyConstraint(["group_id"], ["sales_groups.id"],
                                name="fk_attendance_submissions_group_id_sales_groups"),
    )
    op.create_table(
        "dismissal_cases",
        _uuid("id", nullable=False),
        _uuid("employee_id", nullable=False),
        sa.Column("rule", sa.String(20), nullable=False),
        sa.Column("case_key", sa.String(10), nullable=False),
        sa.Column("absence_dates", pg.ARRAY(sa.Date()), nullable=False),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        _uuid("closed_by"),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        _now("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_dismissal_cases"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name="fk_dismissal_cases_employee_id_employees"),
        sa.UniqueConstraint("employee_id", "rule", "case_key", name="uq_dismissal_cases_employee_id_rule_case_key"),
        sa.CheckConstraint("rule IN ('consecutive', 'cumulative')", name="ck_dismissal_cases_rule"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_dismissal_cases_status"),
    )
    op.create_table(
        "attendance_sweeps",
        _uuid("employee_id", nullable=False),
        sa.Column("swept_through", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", name="pk_attendance_sweeps"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name="fk_attendance_sweeps_employee_id_employees"),
    )


def downgrade() -> None:
    op.drop_table("attendance_sweeps")
    op.drop_table("dismissal_cases")
    op.drop_table("attendance_submissions")
    op.drop_index("ix_leave_requests_employee_id_start_date", table_name="leave_requests")
    op.drop_table("leave_requests")
    op.drop_index("ix_attendance_days_work_date", table_name="attendance_days")
    op.drop_table("attendance_days")
    op.drop_table("attendance_records")
    op.drop_table("working_calendars")
