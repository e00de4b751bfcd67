"""Daily work logs, monthly reports, plan decisions and spot checks (A8): ``daily_logs``,
``monthly_reports``, ``submission_decisions``, ``spot_checks``.

Decisions on weekly plans taken before this revision are backfilled from the plans' last decision
(a return followed by a resubmission was not kept, so it is not recovered).

Revision ID: 2026_12_05_1100
Revises: 2026_12_04_1600
Create Date: 2026-12-05 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_05_1100"
down_revision: str | None = "2026_12_04_1600"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_logs",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("work_done", sa.Text(), nullable=False),
        sa.Column("customers_contacted", pg.JSONB(), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.Column("problems", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", "day", name="pk_daily_logs"),
        sa.CheckConstraint("visits >= 0", name="ck_daily_logs_visits"),
    )
    op.create_table(
        "monthly_reports",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("fields", pg.JSONB(), nullable=False),
        sa.Column("prefilled", pg.JSONB(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("decided_by", pg.UUID(as_uuid=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decision_note", sa.Text()),
        sa.PrimaryKeyConstraint("employee_id", "period", name="pk_monthly_reports"),
        sa.CheckConstraint("status IN ('submitted', 'approved', 'returned')", name="ck_monthly_reports_status"),
    )
    op.create_table(
        "submission_decisions",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("ref", sa.String(10), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("decided_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_submission_decisions"),
        sa.CheckConstraint("kind IN ('weekly_plan', 'monthly_report')", name="ck_submission_decisions_kind"),
        sa.CheckConstraint("decision IN ('approve', 'return')", name="ck_submission_decisions_decision"),
    )
    op.create_index("ix_submission_decisions_employee_id_kind_ref", "submission_decisions",
                    ["employee_id", "kind", "ref"])
    op.create_table(
        "spot_checks",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("subject", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(10), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("result", sa.String(20), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("checked_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_spot_checks"),
        sa.CheckConstraint("subject IN ('daily_log', 'weekly_report')", name="ck_spot_checks_subject"),
        sa.CheckConstraint("result IN ('verified', 'not_verified')", name="ck_spot_checks_result"),
    )
    op.create_index("ix_spot_checks_employee_id_period", "spot_checks", ["employee_id", "period"])
    op.execute(
        "INSERT INTO submission_decisions (id, kind, employee_id, ref, decision, decided_by, decided_at) "
        "SELECT gen_random_uuid(), 'weekly_plan', employee_id, week, "
        "CASE status WHEN 'approved' THEN 'approve' ELSE 'return' END, decided_by, decided_at "
        "FROM weekly_plans WHERE status IN ('approved', 'returned') AND decided_by IS NOT NULL "
        "AND decided_at IS NOT NULL")


def downgrade() -> None:
    op.drop_index("ix_spot_checks_employee_id_period", table_name="spot_checks")
    op.drop_table("spot_checks")
    op.drop_index("ix_submission_decisions_employee_id_kind_ref", table_name="submission_decisions")
    op.drop_table("submission_decisions")
    op.drop_table("monthly_reports")
    op.drop_table("daily_logs")
