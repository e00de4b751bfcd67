"""The org database schema (SQLAlchemy Core). Migrations create it; nothing calls ``create_all``."""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from org.domain.model import DepartmentKind, EmployeeStatus
from shared.auth import Role
from shared.db import new_metadata

metadata = new_metadata()


def _one_of(column: str, values: tuple[str, ...] | list[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


ROLE_CHECK = _one_of("role", Role.ALL)
PLACED_STATUS_CHECK = _one_of("status", [EmployeeStatus.ACTIVE.value, EmployeeStatus.RETRAINING.value])

departments = Table(
    "departments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("name"),
    CheckConstraint(_one_of("kind", [kind.value for kind in DepartmentKind]), name="kind"),
)

regions = Table(
    "regions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("department_id", UUID(as_uuid=True), ForeignKey("departments.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("department_id", "name"),
)

employees = Table(
    "employees",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(40), nullable=False),
    Column("status", String(20), nullable=False),
    Column("department_id", UUID(as_uuid=True), ForeignKey("departments.id"), nullable=False),
    Column("region_id", UUID(as_uuid=True), ForeignKey("regions.id")),
    # Groups reference their leader and employees their group: one of the two keys is added after
    # both tables exist.
    Column("group_id", UUID(as_uuid=True), ForeignKey("sales_groups.id", use_alter=True)),
    Column("manager_id", UUID(as_uuid=True), ForeignKey("employees.id")),
    Column("hired_on", Date, nullable=False),
    Column("left_on", Date),
    Column("leave_reason", Text),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint(ROLE_CHECK, name="role"),
    CheckConstraint(_one_of("status", [status.value for status in EmployeeStatus]), name="status"),
    Index("ix_employees_department_id_role", "department_id", "role"),
    Index("ix_employees_group_id", "group_id"),
    Index("ix_employees_manager_id", "manager_id"),
)

sales_groups = Table(
    "sales_groups",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("department_id", UUID(as_uuid=True), ForeignKey("departments.id"), nullable=False),
    Column("region_id", UUID(as_uuid=True), ForeignKey("regions.id")),
    # One column, not a membership flag: a group cannot have two leaders or none.
    Column("leader_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("department_id", "name"),
    # A person leads at most one group; the database has the last word when two requests race.
    UniqueConstraint("leader_id"),
)

employee_assignments = Table(
    "employee_assignments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("department_id", UUID(as_uuid=True), ForeignKey("departments.id"), nullable=False),
    Column("region_id", UUID(as_uuid=True), ForeignKey("regions.id")),
    Column("group_id", UUID(as_uuid=True), ForeignKey("sales_groups.id")),
    Column("role", String(40), nullable=False),
    Column("manager_id", UUID(as_uuid=True), ForeignKey("employees.id")),
    Column("status", String(20), nullable=False),
    Column("reason", Text),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_interval"),
    CheckConstraint(ROLE_CHECK, name="role"),
    CheckConstraint(PLACED_STATUS_CHECK, name="status"),
    Index("ix_employee_assignments_employee_id_valid_from", "employee_id", "valid_from"),
    Index("uq_employee_assignments_open", "employee_id", unique=True, postgresql_where=text("valid_to IS NULL")),
)

group_leaderships = Table(
    "group_leaderships",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("group_id", UUID(as_uuid=True), ForeignKey("sales_groups.id"), nullable=False),
    Column("leader_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_interval"),
    Index("ix_group_leaderships_group_id_valid_from", "group_id", "valid_from"),
    Index("uq_group_leaderships_open", "group_id", unique=True, postgresql_where=text("valid_to IS NULL")),
)

headcount_plans = Table(
    "headcount_plans",
    metadata,
    Column("department_id", UUID(as_uuid=True), ForeignKey("departments.id"), nullable=False),
    Column("role", String(40), nullable=False),
    Column("planned", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("department_id", "role"),
    CheckConstraint("planned >= 0", name="planned_not_negative"),
    CheckConstraint(ROLE_CHECK, name="role"),
)

# Apart from employees so that no query reading people can return a password hash by accident.
credentials = Table(
    "credentials",
    metadata,
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), primary_key=True),
    Column("login", String(64), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("login"),
)

# Training's and the login sessions' tables live in their own modules but on this metadata; importing it here keeps
# "the tables the code declares" one set wherever the metadata is read.
from org.adapters import session_tables, training_tables  # noqa: E402, F401
