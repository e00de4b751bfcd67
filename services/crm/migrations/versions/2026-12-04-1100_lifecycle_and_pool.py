"""Leads get the sales stages (contacted, intent, negotiating, lost), the pool's follow-up clock, the
customer's needs, and a life log of moves (status, returned to the pool, claimed).

Revision ID: 2026_12_04_1100
Revises: 2026_12_04_1000
Create Date: 2026-12-04 11:00:00
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

_STATUSES = ("new", "in_group", "assigned", "contacted", "intent", "negotiating", "won", "lost")


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("leads", sa.Column("followed_up_at", sa.DateTime(timezone=True)))
    op.add_column("leads", sa.Column("lost_reason", sa.String(500)))
    op.add_column("leads", sa.Column("needs", sa.String(1000)))
    op.drop_constraint("ck_leads_status", "leads", type_="check")
    op.create_check_constraint("ck_leads_status", "leads",
                               f"status IN ({', '.join(repr(status) for status in _STATUSES)})")

    op.create_table(
        "lead_moves",
        _uuid("id", False),
        _uuid("lead_id", False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        _uuid("owner_id"),
        _uuid("previous_owner_id"),
        _uuid("group_id"),
        sa.Column("reason", sa.String(500)),
        _uuid("by"),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lead_moves"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_lead_moves_lead_id_leads"),
        sa.CheckConstraint("kind IN ('status', 'returned', 'claimed')", name="ck_lead_moves_kind"),
    )
    op.create_index("ix_lead_moves_lead_id", "lead_moves", ["lead_id"])
    op.create_index("ix_lead_moves_owner_id_kind_on_day", "lead_moves", ["owner_id", "kind", "on_day"])


def downgrade() -> None:
    op.drop_table("lead_moves")
    op.drop_constraint("ck_leads_status", "leads", type_="check")
    op.execute("UPDATE leads SET status = 'assigned' WHERE status IN ('contacted', 'intent', 'negotiating')")
    op.execute("UPDATE leads SET status = 'in_group' WHERE status = 'lost'")
    op.create_check_constraint("ck_leads_status", "leads", "status IN ('new', 'in_group', 'assigned', 'won')")
    op.drop_column("leads", "needs")
    op.drop_column("leads", "lost_reason")
    op.drop_column("leads", "followed_up_at")
