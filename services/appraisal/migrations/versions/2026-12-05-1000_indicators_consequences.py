"""A2's remaining measured indicators in the seeded templates, and A6's retraining and dismissal
cases (issue 10 items 2 and 7).

Revision ID: 2026_12_05_1000
Revises: 2026_12_05_1100
Create Date: 2026-12-05 10:00:00

Applied after 2026_12_05_1100 (A8's daily logs and monthly reports), which reached main first,
although its id sorts later: the id is the one this work was given.

The seeded ``sales`` and ``telesales`` templates gain new customers, visits, follow-ups done on
time and complaint-handling timeliness where the seeds list them (000: 新客户开发数量, 客户拜访次数,
客户投诉处理及时率; 003: 新客户开发数量, 跟进), their weights rebalanced to sum to 100. A template HR has
edited since it was seeded is company data and is left exactly as it is: only a template still
holding the seeded indicators is changed (and only one holding these is changed back on downgrade).

Written out in full, not derived from the presets: a migration is history.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_05_1000"
down_revision: str | None = "2026_12_05_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rated(key: str, label: str, weight: str) -> dict:
    return {"key": key, "label": label, "source": "review", "weight": weight, "rule": "rating", "params": {}}


def _to_target(key: str, label: str, source: str, weight: str, target: str) -> dict:
    return {"key": key, "label": label, "source": source, "weight": weight, "rule": "linear_to_target",
            "params": {"target": target, "cap": "100"}}


def _attendance(weight: str) -> dict:
    return {"key": "attendance", "label": "Attendance (考勤)", "source": "absence_days", "weight": weight,
            "rule": "deduction_per_unit", "params": {"per_unit": "4", "base": "100"}}


TEAMWORK = _rated("teamwork", "Teamwork: cooperation, sharing, helping colleagues", "10")
ABILITY = _rated("ability", "Ability: product knowledge, sales skills, problem solving", "10")
# The share of complaints closed on time; a month without any is no lapse (100 points).
COMPLAINTS = {"key": "complaints_on_time", "label": "Complaints handled on time, % (客户投诉处理及时率)",
              "source": "complaints_on_time", "weight": "5", "rule": "share", "params": {"empty": "100"}}

# As 2026_11_23_1100 seeded them.
SALES_BEFORE = [
    _to_target("sales_amount", "Sales amount against the monthly target (销售额)", "sales_amount", "30", "100000"),
    _to_target("contracts_signed", "Contracts signed (签约)", "contracts_signed", "10", "4"),
    _to_target("collections", "Collections (回款)", "collections", "15", "80000"),
    _to_target("leads_worked", "Leads assigned and worked", "leads_assigned", "5", "20"),
    TEAMWORK, ABILITY, _attendance("20"),
]
TELESALES_BEFORE = [
    _to_target("calls_dialled", "Calls dialled against target (外呼量)", "calls_dialled", "25", "660"),
    _to_target("effective_conversations", "Effective conversations (有效通话)", "effective_conversations", "25",
               "150"),
    _to_target("orders", "Orders signed (成交)", "contracts_signed", "10", "3"),
    TEAMWORK, ABILITY, _attendance("20"),
]

# Seed 000's results and process indicators. Visits: C12's 20 a week, four weeks.
SALES_AFTER = [
    _to_target("sales_amount", "Sales amount against the monthly target (销售额)", "sales_amount", "20", "100000"),
    _to_target("new_customers", "New customers won (新客户开发数量)", "new_customers", "5", "4"),
    _to_target("contracts_signed", "Contracts signed (签约)", "contracts_signed", "5", "4"),
    _to_target("collections", "Collections (回款)", "collections", "10", "80000"),
    _to_target("leads_worked", "Leads assigned and worked", "leads_assigned", "5", "20"),
    _to_target("visits", "Customer visits (客户拜访次数)", "visits", "5", "80"),
    _to_target("follow_ups_on_time", "Follow-ups done on time (按时跟进)", "follow_ups_on_time", "5", "40"),
    COMPLAINTS,
    TEAMWORK, ABILITY, _attendance("20"),
]
# Seed 003's telesales KPIs with its customer development and follow-up.
TELESALES_AFTER = [
    _to_target("calls_dialled", "Calls dialled against target (外呼量)", "calls_dialled", "20", "660"),
    _to_target("effective_conversations", "Effective conversations (有效通话)", "effective_conversations", "20",
               "150"),
    _to_target("orders", "Orders signed (成交)", "contracts_signed", "10", "3"),
    _to_target("new_customers", "New customers won (新客户开发数量)", "new_customers", "5", "2"),
    _to_target("follow_ups_on_time", "Follow-ups done on time (按时跟进)", "follow_ups_on_time", "5", "40"),
    COMPLAINTS,
    TEAMWORK, ABILITY, _attendance("15"),
]


def _swap(key: str, current: list[dict], new: list[dict]) -> None:
    # JSONB equality ignores key order: the template is swapped only if it still holds ``current``.
    op.get_bind().execute(
        sa.text("UPDATE templates SET indicators = CAST(:new AS jsonb) "
                "WHERE key = :key AND indicators = CAST(:current AS jsonb)"),
        {"key": key, "new": json.dumps(new), "current": json.dumps(current)})


def upgrade() -> None:
    _swap("sales", SALES_BEFORE, SALES_AFTER)
    _swap("telesales", TELESALES_BEFORE, TELESALES_AFTER)

    op.create_table(
        "retraining_cases",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("flags", pg.JSONB(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("judged_on", pg.JSONB(), server_default="[]", nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_retraining_cases"),
        sa.UniqueConstraint("employee_id", "period", name="uq_retraining_cases_employee_id_period"),
        sa.CheckConstraint("status IN ('open', 'passed', 'failed')", name="ck_retraining_cases_status"),
    )
    op.create_index("uq_retraining_cases_open_employee_id", "retraining_cases", ["employee_id"], unique=True,
                    postgresql_where=sa.text("status = 'open'"))
    op.create_table(
        "dismissal_cases",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("retraining_case_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("retraining_period", sa.String(7), nullable=False),
        sa.Column("retraining_flags", pg.JSONB(), nullable=False),
        sa.Column("failing", pg.JSONB(), nullable=False),
        sa.Column("failing_below", sa.Numeric(7, 2), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decision", sa.String(10)),
        sa.Column("reason", sa.Text()),
        sa.Column("decided_by", pg.UUID(as_uuid=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_dismissal_cases"),
        sa.ForeignKeyConstraint(["retraining_case_id"], ["retraining_cases.id"],
                                name="fk_dismissal_cases_retraining_case_id_retraining_cases"),
        sa.UniqueConstraint("retraining_case_id", name="uq_dismissal_cases_retraining_case_id"),
        sa.CheckConstraint("decision IS NULL OR decision IN ('dismiss', 'retain')", name="ck_dismissal_cases_decision"),
    )
    op.create_index("ix_dismissal_cases_employee_id", "dismissal_cases", ["employee_id"])


def downgrade() -> None:
    op.drop_index("ix_dismissal_cases_employee_id", table_name="dismissal_cases")
    op.drop_table("dismissal_cases")
    op.drop_index("uq_retraining_cases_open_employee_id", table_name="retraining_cases")
    op.drop_table("retraining_cases")
    _swap("telesales", TELESALES_AFTER, TELESALES_BEFORE)
    _swap("sales", SALES_AFTER, SALES_BEFORE)
