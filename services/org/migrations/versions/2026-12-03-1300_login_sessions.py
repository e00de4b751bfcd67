"""Login sessions: the refresh tokens behind the gateway's short-lived access tokens.

Revision ID: 2026_12_03_1300
Revises: 2026_12_03_1100
Create Date: 2026-12-03 13:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_03_1300"
down_revision: str | None = "2026_12_03_1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_sessions",
        sa.Column("id", pg.UUID(as_uuid=True), primary_key=True),
        sa.Column("employee_id", pg.UUID(as_uuid=True), sa.ForeignKey("employees.id"), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("succeeded_by", pg.UUID(as_uuid=True)),
        sa.UniqueConstraint("token_digest", name="uq_login_sessions_token_digest"),
    )
    op.create_index("ix_login_sessions_employee_id", "login_sessions", ["employee_id"])


def downgrade() -> None:
    op.drop_index("ix_login_sessions_employee_id", table_name="login_sessions")
    op.drop_table("login_sessions")
