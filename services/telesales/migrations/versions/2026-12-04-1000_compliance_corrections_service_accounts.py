"""Compliance, corrections, service accounts, month-end reports (issue 12).

Calls gain the normalised number, the compliance rules they broke, a version and the fingerprint
of the record as first submitted, and the service account that sent them; daily figures count
violations. New: call versions, the do-not-call list and its log, intake refusals, the calling
rules set at run time, service accounts, month-end summaries.

Revision ID: 2026_12_04_1000
Revises: 2026_11_24_1000
Create Date: 2026-12-04 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1000"
down_revision: str | None = "2026_11_24_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("calls", sa.Column("number_normalised", sa.String(32)))
    op.add_column("calls", sa.Column("violations", pg.ARRAY(sa.String(20)), server_default="{}", nullable=False))
    op.add_column("calls", sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    op.add_column("calls", sa.Column("content_hash", sa.String(64)))
    op.add_column("calls", sa.Column("service_account_id", pg.UUID(as_uuid=True)))
    # Digits only, and a Chinese mobile without its country prefix (shared.phones.normalise_phone).
    op.execute(r"""
        UPDATE calls SET number_normalised = CASE
            WHEN regexp_replace(number_dialled, '\D', '', 'g') ~ '^(0086|86)1\d{10}$'
            THEN right(regexp_replace(number_dialled, '\D', '', 'g'), 11)
            ELSE regexp_replace(number_dialled, '\D', '', 'g') END
    """)
    op.create_index("ix_calls_number_normalised_started_at", "calls", ["number_normalised", "started_at"])
    op.add_column("daily_figures", sa.Column("violations", sa.Integer(), server_default="0", nullable=False))

    op.create_table(
        "call_versions",
        sa.Column("call_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("disposition", sa.String(30), nullable=False),
        sa.Column("stage_reached", sa.String(30)),
        sa.Column("notes", sa.Text()),
        sa.Column("effective", sa.Boolean(), nullable=False),
        sa.Column("changed_by", pg.UUID(as_uuid=True)),
        sa.Column("reason", sa.Text()),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("call_id", "version", name="pk_call_versions"),
    )
    op.create_table(
        "do_not_call",
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("added_by", pg.UUID(as_uuid=True)),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("call_id", sa.String(100)),
        sa.Column("note", sa.Text()),
        sa.PrimaryKeyConstraint("number", name="pk_do_not_call"),
        sa.CheckConstraint("source IN ('outcome', 'customer_request', 'import', 'manual')",
                           name="ck_do_not_call_source"),
    )
    op.create_table(
        "do_not_call_log",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("source", sa.String(20)),
        sa.Column("actor_id", pg.UUID(as_uuid=True)),
        sa.Column("reason", sa.Text()),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_do_not_call_log"),
        sa.CheckConstraint("action IN ('added', 'removed')", name="ck_do_not_call_log_action"),
    )
    op.create_index("ix_do_not_call_log_number", "do_not_call_log", ["number"])
    op.create_table(
        "intake_refusals",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(100), nullable=False),
        sa.Column("agent_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("submitted_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("service_account_id", pg.UUID(as_uuid=True)),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_intake_refusals"),
    )
    op.create_index("ix_intake_refusals_submitted_by_id", "intake_refusals", ["submitted_by", "id"])
    op.create_index("ix_intake_refusals_call_id", "intake_refusals", ["call_id"])
    op.create_table(
        "compliance_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rules", pg.JSONB(), nullable=False),
        sa.Column("updated_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_compliance_rules"),
    )
    op.create_table(
        "service_accounts",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("client_id", sa.String(40), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("department_ids", pg.ARRAY(pg.UUID(as_uuid=True)), nullable=False),
        sa.Column("group_ids", pg.ARRAY(pg.UUID(as_uuid=True)), nullable=False),
        sa.Column("created_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", pg.UUID(as_uuid=True)),
        sa.Column("revoke_reason", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_service_accounts"),
        sa.UniqueConstraint("client_id", name="uq_service_accounts_client_id"),
    )
    op.create_table(
        "monthly_reports",
        sa.Column("agent_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("next_month_plan", sa.Text()),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("agent_id", "month", name="pk_monthly_reports"),
    )


def downgrade() -> None:
    for table in ("monthly_reports", "service_accounts", "compliance_rules", "intake_refusals", "do_not_call_log",
                  "do_not_call", "call_versions"):
        op.drop_table(table)
    op.drop_column("daily_figures", "violations")
    op.drop_index("ix_calls_number_normalised_started_at", table_name="calls")
    for column in ("service_account_id", "content_hash", "version", "violations", "number_normalised"):
        op.drop_column("calls", column)
