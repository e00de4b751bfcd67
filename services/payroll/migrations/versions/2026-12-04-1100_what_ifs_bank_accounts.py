"""What-if recomputations (issue 9 item 10) and payroll-held bank accounts for the bank-transfer
export (item 11).

Revision ID: 2026_12_04_1100
Revises: 2026_12_04_1000
Create Date: 2026-12-04 11:00:00

Written out in full, not derived from ``payroll.adapters.tables``: a migration is history.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "2026_12_04_1100"
down_revision: str | None = "2026_12_04_1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "what_ifs",
        sa.Column("id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("run_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("run_status", sa.String(20), nullable=False),
        sa.Column("asked_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("draft", pg.JSONB(), nullable=False),
        sa.Column("result", pg.JSONB(), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["pay_runs.id"], name="fk_what_ifs_run_id_pay_runs"),
        sa.PrimaryKeyConstraint("id", name="pk_what_ifs"),
    )
    op.create_index("ix_what_ifs_period", "what_ifs", ["period"])
    op.create_table(
        "bank_accounts",
        sa.Column("employee_id", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("account_holder", sa.String(200), nullable=False),
        sa.Column("bank_name", sa.String(200), nullable=False),
        sa.Column("account_number", sa.String(40), nullable=False),
        sa.Column("updated_by", pg.UUID(as_uuid=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("employee_id", name="pk_bank_accounts"),
    )


def downgrade() -> None:
    op.drop_table("bank_accounts")
    op.drop_index("ix_what_ifs_period", table_name="what_ifs")
    op.drop_table("what_ifs")
