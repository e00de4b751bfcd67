"""Tables of training (O7) and retraining assignments (A6), declared on the org metadata.
``org.adapters.tables`` imports this module, so the schema the migrations are checked against
always includes them."""

from __future__ import annotations

from sqlalchemy import (
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
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from org.adapters.tables import _one_of, metadata
from org.domain.training import Assessment, AssignmentStatus, Attendance, SessionKind, SessionStatus

training_sessions = Table(
    "training_sessions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("topic", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("trainer_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("department_id", UUID(as_uuid=True), ForeignKey("departments.id")),
    Column("held_on", Date, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("recorded_by", UUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(_one_of("kind", [kind.value for kind in SessionKind]), name="kind"),
    CheckConstraint(_one_of("status", [status.value for status in SessionStatus]), name="status"),
    CheckConstraint("duration_minutes > 0", name="duration_positive"),
    Index("ix_training_sessions_held_on", "held_on"),
    Index("ix_training_sessions_trainer_id_held_on", "trainer_id", "held_on"),
)

training_attendees = Table(
    "training_attendees",
    metadata,
    Column("session_id", UUID(as_uuid=True), ForeignKey("training_sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("attendance", String(10)),
    Column("result", String(10)),
    Column("score", Numeric(5, 2)),
    PrimaryKeyConstraint("session_id", "employee_id"),
    CheckConstraint("attendance IS NULL OR " + _one_of("attendance", [mark.value for mark in Attendance]),
                    name="attendance"),
    CheckConstraint("result IS NULL OR " + _one_of("result", [result.value for result in Assessment]),
                    name="result"),
    CheckConstraint("result IS NULL OR attendance = 'present'", name="result_needs_presence"),
    CheckConstraint("score IS NULL OR (result IS NOT NULL AND score >= 0 AND score <= 100)", name="score"),
    Index("ix_training_attendees_employee_id", "employee_id"),
)

# No foreign key to employees: the row records what appraisal said, and a flag for someone org
# does not (yet) know must not block the consumer; listings join employees when they exist.
retraining_assignments = Table(
    "retraining_assignments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("flags", JSONB, nullable=False),
    Column("status", String(10), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("source_event_id", UUID(as_uuid=True)),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", UUID(as_uuid=True)),
    Column("note", Text),
    Column("session_id", UUID(as_uuid=True), ForeignKey("training_sessions.id")),
    # Once per employee and period: a redelivered or re-published flag hits this key.
    UniqueConstraint("employee_id", "period"),
    CheckConstraint(_one_of("status", [status.value for status in AssignmentStatus]), name="status"),
    Index("ix_retraining_assignments_status", "status"),
)

# appraisal's dismissal cases (A6, appraisal.dismissal_case.opened.v1) as far as retraining needs them:
# the months whose failing results opened a case get no new retraining assignment. Keyed by the case,
# so a redelivered or re-published case is one row.
retraining_dismissal_cases = Table(
    "retraining_dismissal_cases",
    metadata,
    Column("case_id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("retraining_period", String(7), nullable=False),
    Column("failing_periods", JSONB, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("source_event_id", UUID(as_uuid=True)),
    Index("ix_retraining_dismissal_cases_employee_id", "employee_id"),
)
