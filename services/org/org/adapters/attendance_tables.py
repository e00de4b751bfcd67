"""The attendance part of the org schema (O6): working calendars, versioned clock records, the
current classification of each (employee, date), leave requests, month submissions, dismissal
cases and the sweep's progress. On the org ``metadata``; the migration
``2026_12_03_1000`` creates them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from org.adapters.tables import metadata

working_calendars = Table(
    "working_calendars",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("revision", Integer, nullable=False),
    Column("weekend", ARRAY(Integer), nullable=False),
    Column("holidays", ARRAY(Date), nullable=False),
    Column("makeup_working_days", ARRAY(Date), nullable=False),
    Column("work_starts_at", Time, nullable=False),
    Column("work_ends_at", Time, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("work_starts_at < work_ends_at", name="working_hours"),
)

# Every version of a clock record is kept: a correction adds one, the highest is the current.
attendance_records = Table(
    "attendance_records",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("work_date", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Column("clock_in", Time),
    Column("clock_out", Time),
    # Who entered it: not a foreign key, a system caller or an admin may have no employee record.
    Column("changed_by", UUID(as_uuid=True)),
    Column("reason", Text),
    Column("source", String(10), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Two concurrent corrections of one day cannot both become version n.
    UniqueConstraint("employee_id", "work_date", "version"),
    CheckConstraint("clock_in IS NULL OR clock_out IS NULL OR clock_in < clock_out", name="clock_order"),
    CheckConstraint("source IN ('clock', 'entry', 'import')", name="source"),
)

attendance_days = Table(
    "attendance_days",
    metadata,
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("work_date", Date, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("classification", String(20), nullable=False),
    Column("absence_days", Numeric(2, 1), nullable=False),
    Column("minor_latenesses", Integer, nullable=False),
    Column("late_minutes", Integer, nullable=False),
    Column("early_minutes", Integer, nullable=False),
    Column("leave_type", String(40)),
    Column("leave_paid", Boolean),
    Column("leave_days", Numeric(2, 1), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("employee_id", "work_date"),
    Index("ix_attendance_days_work_date", "work_date"),
)

leave_requests = Table(
    "leave_requests",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("leave_type", String(40), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("days", Integer, nullable=False),
    Column("reason", Text),
    Column("requested_by", UUID(as_uuid=True), nullable=False),
    Column("status", String(20), nullable=False),
    Column("needs_manager", Boolean, nullable=False),
    Column("leader_approved_by", UUID(as_uuid=True)),
    Column("manager_approved_by", UUID(as_uuid=True)),
    Column("decided_by", UUID(as_uuid=True)),
    Column("decision_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("end_date >= start_date", name="dates"),
    CheckConstraint("status IN ('pending', 'approved', 'refused', 'cancelled')", name="status"),
    Index("ix_leave_requests_employee_id_start_date", "employee_id", "start_date"),
)

attendance_submissions = Table(
    "attendance_submissions",
    metadata,
    Column("group_id", UUID(as_uuid=True), ForeignKey("sales_groups.id"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("submitted_by", UUID(as_uuid=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("group_id", "period"),
)

dismissal_cases = Table(
    "dismissal_cases",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("rule", String(20), nullable=False),
    # The first date of the streak, or the year: a streak or a year raises one case.
    Column("case_key", String(10), nullable=False),
    Column("absence_dates", ARRAY(Date), nullable=False),
    Column("raised_on", Date, nullable=False),
    Column("status", String(10), nullable=False),
    Column("closed_by", UUID(as_uuid=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("note", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("employee_id", "rule", "case_key"),
    CheckConstraint("rule IN ('consecutive', 'cumulative')", name="rule"),
    CheckConstraint("status IN ('open', 'closed')", name="status"),
)

attendance_sweeps = Table(
    "attendance_sweeps",
    metadata,
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), primary_key=True),
    Column("swept_through", Date, nullable=False),
)
