"""Create the appraisal schema: periods, templates (seeded with the default sales and telesales
templates), facts, reviews, live scores, frozen results, the org directory replica, and the
outbox and inbox.

Revision ID: 2026_11_23_1100
Revises:
Create Date: 2026-11-23 11:00:00

Written out in full, not derived from ``appraisal.adapters.tables``: a migration is history and
must not change when the current model does. The seeded templates are company data from here on:
HR edits them through ``PUT /templates/{key}``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.migrations import create_directory_tables_v1, create_messaging_tables_v1, drop_messaging_tables_v1

revision: str = "2026_11_23_1100"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rated(key: str, label: str, weight: str) -> dict:
    return {"key": key, "label": label, "source": "review", "weight": weight, "rule": "rating", "params": {}}


def _to_target(key: str, label: str, source: str, weight: str, target: str) -> dict:
    return {"key": key, "label": label, "source": source, "weight": weight, "rule": "linear_to_target",
            "params": {"target": target, "cap": "100"}}


# A4: 100 − 4 points per absence day. Assumed at full marks until org records attendance
# (settings: APPRAISAL_ATTENDANCE_RECORDED, APPRAISAL_ASSUMED_ATTENDANCE_POINTS).
ATTENDANCE = {"key": "attendance", "label": "Attendance (考勤)", "source": "absence_days", "weight": "20",
              "rule": "deduction_per_unit", "params": {"per_unit": "4", "base": "100"}}

# A2 results and process indicators measured from crm events, teamwork and ability from reviews.
SALES_TEMPLATE = [
    _to_target("sales_amount", "Sales amount against the monthly target (销售额)", "sales_amount", "30", "100000"),
    _to_target("contracts_signed", "Contracts signed (签约)", "contracts_signed", "10", "4"),
    _to_target("collections", "Collections (回款)", "collections", "15", "80000"),
    _to_target("leads_worked", "Leads assigned and worked", "leads_assigned", "5", "20"),
    _rated("teamwork", "Teamwork: cooperation, sharing, helping colleagues", "10"),
    _rated("ability", "Ability: product knowledge, sales skills, problem solving", "10"),
    ATTENDANCE,
]

# T4: 30 dials a day over about 22 working days.
TELESALES_TEMPLATE = [
    _to_target("calls_dialled", "Calls dialled against target (外呼量)", "calls_dialled", "25", "660"),
    _to_target("effective_conversations", "Effective conversations (有效通话)", "effective_conversations", "25",
               "150"),
    _to_target("orders", "Orders signed (成交)", "contracts_signed", "10", "3"),
    _rated("teamwork", "Teamwork: cooperation, sharing, helping colleagues", "10"),
    _rated("ability", "Ability: product knowledge, sales skills, problem solving", "10"),
    ATTENDANCE,
]


def upgrade() -> None:
    create_messaging_tables_v1(op)
    create_directory_tables_v1(op)

    op.create_table(
        "periods",
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("status", sa.String(10), server_default="open", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("closed_by", pg.UUID(as_uuid=True)),
        sa.Column("employee_count", sa.Integer()),
        sa.PrimaryKeyConstraint("period", name="pk_periods"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_periods_status"),
    )

    templates = op.create_table(
        "templates",
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("indicators", pg.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_by", pg.UUID(as_uuid=True)),
        sa.PrimaryKeyConstraint("key", name="pk_templates"),
    )
    template_roles = op.create_table(
        "template_roles",
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("template_key", sa.String(60), nullable=False),
        sa.PrimaryKeyConstraint("role", name="pk_template_roles"),
        sa.ForeignKeyConstraint(["template_key"], ["templates.key"], ondelete="CASCADE",
                                name="fk_template_roles_template_key_templates"),
    )
    op.create_index("ix_template_roles_template_key", "template_roles", ["template_key"])
    op.bulk_insert(templates, [
        {"key": "sales", "name": "Sales representatives and group leaders", "indicators": SALES_TEMPLATE},
        {"key": "telesales", "name": "Telesales agents", "indicators": TELESALES_TEMPLATE},
    ])
    op.bulk_insert(template_roles, [
        {"role": "sales_rep", "template_key": "sales"},
        {"role": "group_leader", "template_key": "sales"},
        {"role": "telesales_agent", "template_key": "telesales"},
    ])

    op.create_table(
        "facts",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("event_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_facts"),
        sa.UniqueConstraint("source_id", "kind", name="uq_facts_source_id_kind"),
    )
    op.create_index("ix_facts_period_employee_id", "facts", ["period", "employee_id"])

    op.create_table(
        "reviews",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("reviewer_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("ratings", pg.JSONB(), nullable=False),
        sa.Column("total", sa.Numeric(7, 2), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
        sa.UniqueConstraint("employee_id", "period", "stage", name="uq_reviews_employee_id_period_stage"),
        sa.CheckConstraint("stage IN ('self', 'leader', 'superior', 'hr')", name="ck_reviews_stage"),
    )
    op.create_index("ix_reviews_period", "reviews", ["period"])

    op.create_table(
        "scores",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("role", sa.String(40)),
        sa.Column("template_key", sa.String(60)),
        sa.Column("total", sa.Numeric(7, 2)),
        sa.Column("breakdown", pg.JSONB()),
        sa.Column("computed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("employee_id", "period", name="pk_scores"),
    )
    op.create_index("ix_scores_period", "scores", ["period"])

    op.create_table(
        "results",
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("template_key", sa.String(60), nullable=False),
        sa.Column("score", sa.Numeric(7, 2), nullable=False),
        sa.Column("coefficient", sa.Numeric(6, 2), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("flags", pg.JSONB(), nullable=False),
        sa.Column("breakdown", pg.JSONB(), nullable=False),
        sa.Column("finalized_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("period", "employee_id", name="pk_results"),
    )
    op.create_index("ix_results_employee_id", "results", ["employee_id"])


def downgrade() -> None:
    for table in ("results", "scores", "reviews", "facts", "template_roles", "templates", "periods",
                  "directory_groups", "directory_employees"):
        op.drop_table(table)
    drop_messaging_tables_v1(op)
