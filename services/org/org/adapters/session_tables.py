"""The login sessions' table, on org's metadata (imported by ``tables``)."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.dialects.postgresql import UUID

from org.adapters.tables import metadata

login_sessions = Table(
    "login_sessions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), ForeignKey("employees.id"), nullable=False),
    Column("token_digest", String(64), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("succeeded_by", UUID(as_uuid=True)),
    UniqueConstraint("token_digest"),
    Index("ix_login_sessions_employee_id", "employee_id"),
)
