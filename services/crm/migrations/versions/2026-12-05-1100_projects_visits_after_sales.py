"""Projects and their stage history (C7), field visits (C12), after-sales follow-ups (C7).

Revision ID: 2026_12_05_1100
Revises: 2026_12_04_1400
Create Date: 2026-12-05 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_05_1100"
down_revision: str | None = "2026_12_04_1400"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STAGES = "'early_design', 'bidding', 'deepened_design', 'stocking_execution', 'acceptance'"


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("follow_ups", sa.Column("kind", sa.String(20), nullable=False, server_default="plan"))
    op.add_column("follow_ups", _uuid("deal_id"))
    op.create_foreign_key("fk_follow_ups_deal_id_deals", "follow_ups", "deals", ["deal_id"], ["id"])
    op.create_check_constraint("ck_follow_ups_kind", "follow_ups", "kind IN ('plan', 'after_sales')")
    op.create_index("ix_follow_ups_deal_id", "follow_ups", ["deal_id"])

    op.create_table(
        "projects",
        _uuid("id", False),
        _uuid("customer_id", False),
        _uuid("lead_id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("stage", sa.String(30), nullable=False),
        _uuid("rep_id", False),
        _uuid("group_id"),
        _uuid("department_id"),
        _uuid("created_by", False),
        _at("created_at", False),
        _at("stage_changed_at", False),
        _at("last_visit_at"),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_projects_customer_id_customers"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_projects_lead_id_leads"),
        sa.CheckConstraint(f"stage IN ({_STAGES})", name="ck_projects_stage"),
    )
    op.create_index("ix_projects_customer_id", "projects", ["customer_id"])
    op.create_index("ix_projects_rep_id", "projects", ["rep_id"])
    op.create_index("ix_projects_department_id", "projects", ["department_id"])

    op.create_table(
        "project_stage_changes",
        _uuid("id", False),
        _uuid("project_id", False),
        sa.Column("from_stage", sa.String(30)),
        sa.Column("to_stage", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(500)),
        _uuid("by", False),
        _at("at", False),
        sa.PrimaryKeyConstraint("id", name="pk_project_stage_changes"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_project_stage_changes_project_id_projects"),
    )
    op.create_index("ix_project_stage_changes_project_id", "project_stage_changes", ["project_id"])

    op.create_table(
        "visits",
        _uuid("id", False),
        _uuid("rep_id", False),
        _uuid("group_id"),
        _uuid("department_id"),
        _uuid("customer_id", False),
        _uuid("lead_id"),
        _uuid("project_id"),
        _at("visited_at", False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(300), nullable=False),
        sa.Column("result", sa.String(1000), nullable=False),
        _at("logged_at", False),
        sa.PrimaryKeyConstraint("id", name="pk_visits"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_visits_customer_id_customers"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_visits_lead_id_leads"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_visits_project_id_projects"),
    )
    op.create_index("ix_visits_rep_id_visited_on", "visits", ["rep_id", "visited_on"])
    op.create_index("ix_visits_customer_id", "visits", ["customer_id"])
    op.create_index("ix_visits_project_id", "visits", ["project_id"])


def downgrade() -> None:
    op.drop_table("visits")
    op.drop_table("project_stage_changes")
    op.drop_table("projects")
    op.drop_index("ix_follow_ups_deal_id", "follow_ups")
    op.drop_constraint("ck_follow_ups_kind", "follow_ups", type_="check")
    op.drop_constraint("fk_follow_ups_deal_id_deals", "follow_ups", type_="foreignkey")
    op.drop_column("follow_ups", "deal_id")
    op.drop_column("follow_ups", "kind")
