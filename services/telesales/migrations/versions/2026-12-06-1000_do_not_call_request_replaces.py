"""A customer's do-not-call request announced again under a rotated phone-digest key names the
digest it replaces (brief digest-rotation), so that both names are one request.

Revision ID: 2026_12_06_1000
Revises: 2026_12_05_1000
Create Date: 2026-12-06 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2026_12_06_1000"
down_revision: str | None = "2026_12_05_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("do_not_call_requests", sa.Column("replaces", sa.String(64), nullable=True))
    op.create_index("ix_do_not_call_requests_replaces", "do_not_call_requests", ["replaces"])


def downgrade() -> None:
    op.drop_index("ix_do_not_call_requests_replaces", table_name="do_not_call_requests")
    op.drop_column("do_not_call_requests", "replaces")
