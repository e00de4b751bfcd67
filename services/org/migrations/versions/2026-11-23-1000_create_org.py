"""Create the org schema: departments, regions, sales groups, employees, assignment history,
leadership history, headcount plans, credentials, and the outbox and inbox.

Revision ID: 2026_11_23_1000
Revises:
Create Date: 2026-11-23 10:00:00

Written out in full, not derived from ``org.adapters.tables``: a migration is history and must
not change when the current model does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.migrations import create_messaging_tables_v1, drop_messaging_tables_v1

revision: str = "2026_11_23_1000"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = (
    "'sales_director', 'regional_manager', 'department_manager', 'supervisor', 'group_leader', 'sales_rep', "
    "'telesales_agent', 'sales_assistant', 'hr', 'finance', 'admin'"
)


def _id() -> sa.Column:
    return sa.Column("id", pg.UUID(as_uuid=True), nullable=False)


def _created_at(name: str = "created_at") -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    create_messaging_tables_v1(op)

    op.create_table(
        "departments",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_departments"),
        sa.UniqueConstraint("name", name="uq_departments_name"),
        sa.CheckConstraint("kind IN ('field_sales', 'telesales', 'marketing', 'admin')", name="ck_departments_kind"),
    )

    op.create_table(
        "regions",
        _id(),
        sa.Column("department_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_regions"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"], name="fk_regions_department_id_departments"),
        sa.UniqueConstraint("department_id", "name", name="uq_regions_department_id_name"),
    )

    # employees.group_id gets its foreign key once sales_groups exists (the two refer to each other).
    op.create_table(
        "employees",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("department_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("region_id", pg.UUID(as_uuid=True)),
        sa.Column("group_id", pg.UUID(as_uuid=True)),
        sa.Column("manager_id", pg.UUID(as_uuid=True)),
        sa.Column("hired_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date()),
        sa.Column("leave_reason", sa.Text()),
        _created_at(),
        _created_at("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_employees"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name="fk_employees_department_id_departments"),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name="fk_employees_region_id_regions"),
        sa.ForeignKeyConstraint(["manager_id"], ["employees.id"], name="fk_employees_manager_id_employees"),
        sa.CheckConstraint(f"role IN ({ROLES})", name="ck_employees_role"),
        sa.CheckConstraint("status IN ('active', 'retraining', 'left')", name="ck_employees_status"),
    )
    op.create_index("ix_employees_department_id_role", "employees", ["department_id", "role"])
    op.create_index("ix_employees_group_id", "employees", ["group_id"])
    op.create_index("ix_employees_manager_id", "employees", ["manager_id"])

    op.create_table(
        "sales_groups",
        _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("department_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("region_id", pg.UUID(as_uuid=True)),
        sa.Column("leader_id", pg.UUID(as_uuid=True), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name="pk_sales_groups"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name="fk_sales_groups_department_id_departments"),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name="fk_sales_groups_region_id_regions"),
        sa.ForeignKeyConstraint(["leader_id"], ["employees.id"], name="fk_sales_groups_leader_id_employees"),
        sa.UniqueConstraint("department_id", "name", name="uq_sales_groups_department_id_name"),
        sa.UniqueConstraint("leader_id", name="uq_sales_groups_leader_id"),
    )
    op.create_foreign_key("fk_employees_group_id_sales_groups", "employees", "sales_groups", ["group_id"], ["id"])

    op.create_table(
        "employee_assignments",
        _id(),
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        sa.Column("department_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("region_id", pg.UUID(as_uuid=True)),
        sa.Column("group_id", pg.UUID(as_uuid=True)),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("manager_id", pg.UUID(as_uuid=True)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text()),
        _created_at("recorded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_employee_assignments"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"],
                                name="fk_employee_assignments_employee_id_employees"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name="fk_employee_assignments_department_id_departments"),
        sa.ForeignKeyConstraint(["region_id"], ["regions.id"], name="fk_employee_assignments_region_id_regions"),
        sa.ForeignKeyConstraint(["group_id"], ["sales_groups.id"],
                                name="fk_employee_assignments_group_id_sales_groups"),
        sa.ForeignKeyConstraint(["manager_id"], ["employees.id"],
                                name="fk_employee_assignments_manager_id_employees"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ck_employee_assignments_valid_interval"),
        sa.CheckConstraint(f"role IN ({ROLES})", name="ck_employee_assignments_role"),
        sa.CheckConstraint("status IN ('active', 'retraining')", name="ck_employee_assignments_status"),
    )
    op.create_index("ix_employee_assignments_employee_id_valid_from", "employee_assignments",
                    ["employee_id", "valid_from"])
    op.create_index("uq_employee_assignments_open", "employee_assignments", ["employee_id"], unique=True,
                    postgresql_where=sa.text("valid_to IS NULL"))

    op.create_table(
        "group_leaderships",
        _id(),
        sa.Column("group_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("leader_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date()),
        _created_at("recorded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_group_leaderships"),
        sa.ForeignKeyConstraint(["group_id"], ["sales_groups.id"], name="fk_group_leaderships_group_id_sales_groups"),
        sa.ForeignKeyConstraint(["leader_id"], ["employees.id"], name="fk_group_leaderships_leader_id_employees"),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ck_group_leaderships_valid_interval"),
    )
    op.create_index("ix_group_leaderships_group_id_valid_from", "group_leaderships", ["group_id", "valid_from"])
    op.create_index("uq_group_leaderships_open", "group_leaderships", ["group_id"], unique=True,
                    postgresql_where=sa.text("valid_to IS NULL"))

    op.create_table(
        "headcount_plans",
        sa.Column("department_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("planned", sa.Integer(), nullable=False),
        _created_at("updated_at"),
        sa.PrimaryKeyConstraint("department_id", "role", name="pk_headcount_plans"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name="fk_headcount_plans_department_id_departments"),
        sa.CheckConstraint("planned >= 0", name="ck_headcount_plans_planned_not_negative"),
        sa.CheckConstraint(f"role IN ({ROLES})", name="ck_headcount_plans_role"),
    )

    op.create_table(
        "credentials",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        _created_at(),
        _created_at("updated_at"),
        sa.PrimaryKeyConstraint("employee_id", name="pk_credentials"),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name="fk_credentials_employee_id_employees"),
        sa.UniqueConstraint("login", name="uq_credentials_login"),
    )


def downgrade() -> None:
    op.drop_table("credentials")
    op.drop_table("headcount_plans")
    op.drop_table("group_leaderships")
    op.drop_table("employee_assignments")
    op.drop_constraint("fk_employees_group_id_sales_groups", "employees", type_="foreignkey")
    op.drop_table("sales_groups")
    op.drop_table("employees")
    op.drop_table("regions")
    op.drop_table("departments")
    drop_messaging_tables_v1(op)
