"""Create the crm schema: customers, leads, their distribution history and round-robin rotation,
deals, payments, the contact-disclosure log, the org directory replica, and the outbox and inbox.

Revision ID: 2026_11_24_1000
Revises:
Create Date: 2026-11-24 10:00:00

Written out in full, not derived from ``crm.adapters.tables``: a migration is history and must
not change when the current model does.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from shared.migrations import create_directory_tables_v1, create_messaging_tables_v1, drop_messaging_tables_v1

revision: str = "2026_11_24_1000"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _uuid(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, pg.UUID(as_uuid=True), nullable=nullable)


def _at(name: str, nullable: bool = False, **kwargs) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, **kwargs)


def _money(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Numeric(14, 2), nullable=nullable)


def upgrade() -> None:
    create_messaging_tables_v1(op)
    create_directory_tables_v1(op)

    op.create_table(
        "customers",
        _uuid("id", False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(20)),
        sa.Column("email", sa.String(254)),
        sa.Column("company", sa.String(200)),
        _uuid("created_by", False),
        _at("created_at", server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("phone", name="uq_customers_phone"),
        sa.UniqueConstraint("email", name="uq_customers_email"),
        sa.CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="ck_customers_contact"),
    )

    op.create_table(
        "leads",
        _uuid("id", False),
        _uuid("customer_id", False),
        sa.Column("source", sa.String(60), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _uuid("department_id", False),
        _uuid("group_id"),
        _uuid("owner_id"),
        sa.Column("intent_level", sa.String(40)),
        _uuid("created_by", False),
        _at("created_at"),
        _at("assigned_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_leads"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_leads_customer_id_customers"),
        sa.CheckConstraint("status IN ('new', 'in_group', 'assigned', 'won')", name="ck_leads_status"),
    )
    op.create_index("ix_leads_customer_id", "leads", ["customer_id"])
    op.create_index("ix_leads_department_id", "leads", ["department_id"])
    op.create_index("ix_leads_group_id_status", "leads", ["group_id", "status"])
    op.create_index("ix_leads_owner_id_status", "leads", ["owner_id", "status"])

    op.create_table(
        "lead_assignments",
        _uuid("id", False),
        _uuid("lead_id", False),
        sa.Column("level", sa.String(10), nullable=False),
        _uuid("group_id", False),
        _uuid("rep_id"),
        _uuid("previous_rep_id"),
        _uuid("assigned_by", False),
        sa.Column("strategy", sa.String(40), nullable=False),
        sa.Column("reason", sa.String(500)),
        _at("assigned_at"),
        sa.PrimaryKeyConstraint("id", name="pk_lead_assignments"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_lead_assignments_lead_id_leads"),
        sa.CheckConstraint("level IN ('group', 'rep')", name="ck_lead_assignments_level"),
    )
    op.create_index("ix_lead_assignments_lead_id", "lead_assignments", ["lead_id"])

    op.create_table(
        "rep_rotation",
        _uuid("group_id", False),
        _uuid("rep_id", False),
        sa.Column("last_turn", sa.BigInteger(), nullable=False),
        _at("last_assigned_at"),
        sa.PrimaryKeyConstraint("group_id", "rep_id", name="pk_rep_rotation"),
    )

    op.create_table(
        "deals",
        _uuid("id", False),
        _uuid("customer_id", False),
        _uuid("lead_id"),
        _uuid("rep_id", False),
        _uuid("group_id"),
        _uuid("department_id"),
        _money("amount"),
        _money("cost", nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        _uuid("created_by", False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_deals"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_deals_customer_id_customers"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], name="fk_deals_lead_id_leads"),
        sa.CheckConstraint("amount > 0", name="ck_deals_amount_positive"),
        sa.CheckConstraint("cost IS NULL OR cost >= 0", name="ck_deals_cost_not_negative"),
    )
    op.create_index("ix_deals_rep_id", "deals", ["rep_id"])
    op.create_index("ix_deals_department_id", "deals", ["department_id"])
    op.create_index("ix_deals_lead_id", "deals", ["lead_id"])

    op.create_table(
        "payments",
        _uuid("id", False),
        _uuid("deal_id", False),
        _money("amount"),
        sa.Column("received_on", sa.Date(), nullable=False),
        _uuid("recorded_by", False),
        _at("recorded_at"),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.ForeignKeyConstraint(["deal_id"], ["deals.id"], name="fk_payments_deal_id_deals"),
        sa.CheckConstraint("amount > 0", name="ck_payments_amount_positive"),
    )
    op.create_index("ix_payments_deal_id", "payments", ["deal_id"])

    op.create_table(
        "contact_disclosures",
        _uuid("id", False),
        _uuid("customer_id", False),
        _uuid("lead_id"),
        _uuid("disclosed_to", False),
        sa.Column("kind", sa.String(10), nullable=False),
        _at("at"),
        sa.PrimaryKeyConstraint("id", name="pk_contact_disclosures"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"],
                                name="fk_contact_disclosures_customer_id_customers"),
        sa.CheckConstraint("kind IN ('reveal', 'export')", name="ck_contact_disclosures_kind"),
    )
    op.create_index("ix_contact_disclosures_customer_id", "contact_disclosures", ["customer_id"])


def downgrade() -> None:
    for table in ("contact_disclosures", "payments", "deals", "rep_rotation", "lead_assignments", "leads",
                  "customers", "directory_groups", "directory_employees"):
        op.drop_table(table)
    drop_messaging_tables_v1(op)
