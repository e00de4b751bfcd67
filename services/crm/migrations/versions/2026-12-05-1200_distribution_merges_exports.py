"""Distribution strategies per group and department (C4), customer merges (C3), the export log (C10).

Revision ID: 2026_12_05_1200
Revises: 2026_12_04_1400
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_05_1200"
down_revision: str | None = "2026_12_05_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def _at(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "distribution_settings",
        sa.Column("level", sa.String(10), nullable=False),
        _uuid("unit_id", False),
        sa.Column("strategy", sa.String(20), nullable=False),
        _uuid("updated_by", False),
        _at("updated_at", False),
        sa.PrimaryKeyConstraint("level", "unit_id", name="pk_distribution_settings"),
        sa.CheckConstraint("level IN ('group', 'department')", name="ck_distribution_settings_level"),
        sa.CheckConstraint("strategy IN ('round_robin', 'weighted', 'least_loaded')",
                           name="ck_distribution_settings_strategy"),
    )
    op.create_table(
        "distribution_members",
        sa.Column("level", sa.String(10), nullable=False),
        _uuid("unit_id", False),
        _uuid("member_id", False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("cap", sa.Integer()),
        sa.PrimaryKeyConstraint("level", "unit_id", "member_id", name="pk_distribution_members"),
        sa.CheckConstraint("weight >= 1", name="ck_distribution_members_weight_positive"),
        sa.CheckConstraint("cap IS NULL OR cap >= 0", name="ck_distribution_members_cap_not_negative"),
    )
    op.create_table(
        "group_rotation",
        _uuid("department_id", False),
        _uuid("group_id", False),
        sa.Column("last_turn", sa.BigInteger(), nullable=False),
        _at("last_assigned_at", False),
        sa.PrimaryKeyConstraint("department_id", "group_id", name="pk_group_rotation"),
    )
    op.create_table(
        "customer_merges",
        _uuid("id", False),
        _uuid("kept_id", False),
        _uuid("dropped_id", False),
        sa.Column("fields", pg.JSONB(), nullable=False),
        sa.Column("moved", pg.JSONB(), nullable=False),
        _uuid("merged_by", False),
        _at("merged_at", False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_merges"),
        sa.ForeignKeyConstraint(["kept_id"], ["customers.id"], name="fk_customer_merges_kept_id_customers"),
    )
    op.create_index("ix_customer_merges_kept_id", "customer_merges", ["kept_id"])
    op.create_index("ix_customer_merges_dropped_id", "customer_merges", ["dropped_id"])
    op.create_table(
        "export_log",
        _uuid("id", False),
        _uuid("exported_by", False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("filters", pg.JSONB(), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("unmasked_rows", sa.Integer(), nullable=False),
        _at("at", False),
        sa.PrimaryKeyConstraint("id", name="pk_export_log"),
        sa.CheckConstraint("kind IN ('leads', 'customers')", name="ck_export_log_kind"),
    )
    op.create_index("ix_export_log_at", "export_log", ["at"])


def downgrade() -> None:
    for table in ("export_log", "customer_merges", "group_rotation", "distribution_members", "distribution_settings"):
        op.drop_table(table)
