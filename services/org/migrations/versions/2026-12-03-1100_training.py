"""Training (O7): sessions with their attendance sheet and assessments, and retraining
assignments opened by appraisal's A6 flags.

Revision ID: 2026_12_03_1100
Revises: 2026_12_03_1000
Create Date: 2026-12-03 11:00:00

Written out in full, not derived from ``org.adapters.training_tables``: a migration is history.
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


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "training_sessions",
        _uuid("id", nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        _uuid("trainer_id", nullable=False),
        _uuid("department_id"),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _uuid("recorded_by", nullable=False),
        _now("created_at"),
        _now("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_training_sessions"),
        sa.ForeignKeyConstraint(["trainer_id"], ["employees.id"], name="fk_training_sessions_trainer_id_employees"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name="fk_training_sessions_department_id_departments"),
        sa.CheckConstraint("kind IN ('onboarding', 'regular', 'retraining')", name="ck_training_sessions_kind"),
        sa.CheckConstraint("status IN ('planned', 'held')", name="ck_training_sessions_status"),
        sa.CheckConstraint("duration_minutes > 0", name="ck_training_sessions_duration_positive"),
    )
    op.create_index("ix_training_sessions_held_on", "training_sessions", ["held_on"])
    op.create_index("ix_training_sessions_trainer_id_held_on", "training_sessions", ["trainer_id", "held_on"])

    op.create_table(
        "training_attendees",
        _uuid("session_id", nullable=False),
        _uuid("employee_id", nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.String(10)),
        sa.Column("result", sa.String(10)),
        sa.Column("score", sa.Numeric(5, 2)),
        sa.PrimaryKeyConstraint("session_id", "employee_id", name="pk_training_attendees"),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"], ondelete="CASCADE",
                                name="fk_training_attendees_session_id_training_sessions"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name="fk_training_attendees_employee_id_employees"),
        sa.CheckConstraint("attendance IS NULL OR attendance IN ('present', 'absent')",
                           name="ck_training_attendees_attendance"),
        sa.CheckConstraint("result IS NULL OR result IN ('pass', 'fail')", name="ck_training_attendees_result"),
        sa.CheckConstraint("result IS NULL OR attendance = 'present'",
                           name="ck_training_attendees_result_needs_presence"),
        sa.CheckConstraint("score IS NULL OR (result IS NOT NULL AND score >= 0 AND score <= 100)",
                           name="ck_training_attendees_score"),
    )
    op.create_index("ix_training_attendees_employee_id", "training_attendees", ["employee_id"])

    op.create_table(
        "retraining_assignments",
        _uuid("id", nullable=False),
        _uuid("employee_id", nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("flags", pg.JSONB(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        _uuid("source_event_id"),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        _uuid("closed_by"),
        sa.Column("note", sa.Text()),
        _uuid("session_id"),
        sa.PrimaryKeyConstraint("id", name="pk_retraining_assignments"),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"],
                                name="fk_retraining_assignments_session_id_training_sessions"),
        sa.UniqueConstraint("employee_id", "period", name="uq_retraining_assignments_employee_id_period"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_retraining_assignments_status"),
    )
    op.create_index("ix_retraining_assignments_status", "retraining_assignments", ["status"])


def downgrade() -> None:
    op.drop_table("retraining_assignments")
    op.drop_table("training_attendees")
    op.drop_table("training_sessions")
