"""Tables of the daily work logs, monthly reports, plan decisions and spot checks (A8), on the
appraisal metadata (declared apart from ``tables`` to keep that module's history readable)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, Date, DateTime, Index, Integer, String, Table, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID

from appraisal.adapters.tables import metadata
from shared.calendar_replica import working_calendars_table

# Seed 004: one log per person and day, editable until its cut-off.
daily_logs = Table(
    "daily_logs",
    metadata,
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("work_done", Text, nullable=False),
    Column("customers_contacted", JSONB, nullable=False),
    Column("visits", Integer, nullable=False),
    Column("problems", Text, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("late", Boolean, nullable=False),
    CheckConstraint("visits >= 0", name="visits"),
)

monthly_reports = Table(
    "monthly_reports",
    metadata,
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("fields", JSONB, nullable=False),
    Column("prefilled", JSONB, nullable=False),
    Column("status", String(10), nullable=False),
    Column("first_submitted_at", DateTime(timezone=True), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("decided_by", UUID(as_uuid=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_note", Text),
    CheckConstraint("status IN ('submitted', 'approved', 'returned')", name="status"),
)

# Every approve and return of a weekly plan or a monthly report: the approval outcomes of the
# plan-execution score (a plan submitted again over a return keeps one row, not its history).
submission_decisions = Table(
    "submission_decisions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("ref", String(10), nullable=False),
    Column("decision", String(10), nullable=False),
    Column("decided_by", UUID(as_uuid=True), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("kind IN ('weekly_plan', 'monthly_report')", name="kind"),
    CheckConstraint("decision IN ('approve', 'return')", name="decision"),
    Index("ix_submission_decisions_employee_id_kind_ref", "employee_id", "kind", "ref"),
)

spot_checks = Table(
    "spot_checks",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("subject", String(20), nullable=False),
    Column("ref", String(10), nullable=False),
    Column("item", Text, nullable=False),
    Column("result", String(20), nullable=False),
    Column("note", Text),
    Column("checked_by", UUID(as_uuid=True), nullable=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("subject IN ('daily_log', 'weekly_report')", name="subject"),
    CheckConstraint("result IN ('verified', 'not_verified')", name="result"),
    Index("ix_spot_checks_employee_id_period", "employee_id", "period"),
)

# org's working calendar per year (O6, org.calendar.year_set.v1), the highest revision received: the
# days a daily log is owed. A year absent here is the default calendar of shared.calendar.
working_calendars = working_calendars_table(metadata)
