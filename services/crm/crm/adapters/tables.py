"""The crm database schema (SQLAlchemy Core). Migrations create it; nothing calls ``create_all``.

The org directory replica (``directory_employees``, ``directory_groups``) lives in the same
database; its tables are declared in :mod:`shared.directory`.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from crm.domain.complaints import ComplaintStatus
from crm.domain.deals import DealStatus
from crm.domain.followups import FollowUpStatus
from crm.domain.model import LeadStatus
from crm.domain.projects import ProjectStage
from shared.db import new_metadata

metadata = new_metadata()

MONEY = Numeric(14, 2)


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


customers = Table(
    "customers",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(200), nullable=False),
    # Normalised (digits only, no +86) and lower-cased: the keys of the duplicate check (C3).
    Column("phone", String(20)),
    Column("email", String(254)),
    Column("company", String(200)),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Added by 2026_12_04_1400: credit (C11), the current state; customer_credit_log keeps each change.
    Column("credit_rating", String(20)),
    Column("credit_flag", String(40)),
    Column("credit_reason", String(500)),
    Column("credit_changed_by", UUID(as_uuid=True)),
    Column("credit_changed_at", DateTime(timezone=True)),
    # NULLs are distinct: many customers may lack an e-mail, none may share one.
    UniqueConstraint("phone"),
    UniqueConstraint("email"),
    CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="contact"),
)

leads = Table(
    "leads",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("customers.id"), nullable=False),
    Column("source", String(60), nullable=False),
    Column("status", String(20), nullable=False),
    Column("department_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("owner_id", UUID(as_uuid=True)),
    Column("intent_level", String(40)),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("assigned_at", DateTime(timezone=True)),
    # Added by 2026_12_04_1100: the pool's no-follow-up clock (C5) and why a lead was lost.
    Column("followed_up_at", DateTime(timezone=True)),
    Column("lost_reason", String(500)),
    Column("needs", String(1000)),
    CheckConstraint(_one_of("status", [status.value for status in LeadStatus]), name="status"),
    Index("ix_leads_customer_id", "customer_id"),
    Index("ix_leads_department_id", "department_id"),
    Index("ix_leads_group_id_status", "group_id", "status"),
    Index("ix_leads_owner_id_status", "owner_id", "status"),
)

lead_assignments = Table(
    "lead_assignments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("lead_id", UUID(as_uuid=True), ForeignKey("leads.id"), nullable=False),
    Column("level", String(10), nullable=False),
    Column("group_id", UUID(as_uuid=True), nullable=False),
    Column("rep_id", UUID(as_uuid=True)),
    Column("previous_rep_id", UUID(as_uuid=True)),
    Column("assigned_by", UUID(as_uuid=True), nullable=False),
    Column("strategy", String(40), nullable=False),
    Column("reason", String(500)),
    Column("assigned_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("level IN ('group', 'rep')", name="level"),
    Index("ix_lead_assignments_lead_id", "lead_id"),
)

# A lead's life log (C5): status moves, returns to the pool, claims; with the previous owner and the time.
lead_moves = Table(
    "lead_moves",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("lead_id", UUID(as_uuid=True), ForeignKey("leads.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("from_status", String(20), nullable=False),
    Column("to_status", String(20), nullable=False),
    Column("owner_id", UUID(as_uuid=True)),
    Column("previous_owner_id", UUID(as_uuid=True)),
    Column("group_id", UUID(as_uuid=True)),
    Column("reason", String(500)),
    Column("by", UUID(as_uuid=True)),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("on_day", Date, nullable=False),
    CheckConstraint("kind IN ('status', 'returned', 'claimed')", name="kind"),
    Index("ix_lead_moves_lead_id", "lead_id"),
    Index("ix_lead_moves_owner_id_kind_on_day", "owner_id", "kind", "on_day"),
)

# Follow-up plans (C6): planned, then done (with the outcome) or cancelled.
follow_ups = Table(
    "follow_ups",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("lead_id", UUID(as_uuid=True), ForeignKey("leads.id"), nullable=False),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("method", String(20), nullable=False),
    Column("content", String(1000), nullable=False),
    Column("goal", String(500)),
    Column("status", String(20), nullable=False),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("done_at", DateTime(timezone=True)),
    Column("outcome", String(1000)),
    Column("cancel_reason", String(500)),
    # Added by 2026_12_05_1100: after-sales follow-ups (C7) planned when a deal is signed.
    Column("kind", String(20), nullable=False, server_default="plan"),
    Column("deal_id", UUID(as_uuid=True), ForeignKey("deals.id")),
    CheckConstraint(_one_of("status", [status.value for status in FollowUpStatus]), name="status"),
    CheckConstraint("kind IN ('plan', 'after_sales')", name="kind"),
    Index("ix_follow_ups_lead_id", "lead_id"),
    Index("ix_follow_ups_status_due_at", "status", "due_at"),
    Index("ix_follow_ups_deal_id", "deal_id"),
)

# Complaints (C9), with the lead's placement for scope and the department answerable for them.
complaints = Table(
    "complaints",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("lead_id", UUID(as_uuid=True), ForeignKey("leads.id"), nullable=False),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("customers.id"), nullable=False),
    Column("rep_id", UUID(as_uuid=True)),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True), nullable=False),
    Column("cause", String(60), nullable=False),
    Column("content", String(2000), nullable=False),
    Column("apology", String(500), nullable=False),
    Column("status", String(20), nullable=False),
    Column("recorded_by", UUID(as_uuid=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("responsible_department_id", UUID(as_uuid=True)),
    Column("forwarded_at", DateTime(timezone=True)),
    Column("escalated_at", DateTime(timezone=True)),
    Column("escalated_to", UUID(as_uuid=True)),
    Column("resolution", String(2000)),
    Column("resolved_by", UUID(as_uuid=True)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("satisfaction", String(20)),
    Column("closed_at", DateTime(timezone=True)),
    Column("reopened", Integer, nullable=False),
    CheckConstraint(_one_of("status", [status.value for status in ComplaintStatus]), name="status"),
    Index("ix_complaints_status_recorded_at", "status", "recorded_at"),
    Index("ix_complaints_department_id", "department_id"),
)

# The round-robin rotation of each group (C4): when each rep last got a lead there.
rep_rotation = Table(
    "rep_rotation",
    metadata,
    Column("group_id", UUID(as_uuid=True), nullable=False),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("last_turn", BigInteger, nullable=False),
    Column("last_assigned_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("group_id", "rep_id"),
)

# Added by 2026_12_05_1200: how each group and department distributes (C4), set by its leader or
# manager; without a row the settings' default strategy applies.
distribution_settings = Table(
    "distribution_settings",
    metadata,
    Column("level", String(10), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("strategy", String(20), nullable=False),
    Column("updated_by", UUID(as_uuid=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("level", "unit_id"),
    CheckConstraint("level IN ('group', 'department')", name="level"),
    CheckConstraint("strategy IN ('round_robin', 'weighted', 'least_loaded')", name="strategy"),
)

# Per member (a rep of a group, a group of a department): weight and own cap on open leads.
distribution_members = Table(
    "distribution_members",
    metadata,
    Column("level", String(10), nullable=False),
    Column("unit_id", UUID(as_uuid=True), nullable=False),
    Column("member_id", UUID(as_uuid=True), nullable=False),
    Column("weight", Integer, nullable=False),
    Column("cap", Integer),
    PrimaryKeyConstraint("level", "unit_id", "member_id"),
    CheckConstraint("weight >= 1", name="weight_positive"),
    CheckConstraint("cap IS NULL OR cap >= 0", name="cap_not_negative"),
)

# The round robin of a department over its groups (C4.1), as rep_rotation is of a group over its reps.
group_rotation = Table(
    "group_rotation",
    metadata,
    Column("department_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True), nullable=False),
    Column("last_turn", BigInteger, nullable=False),
    Column("last_assigned_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("department_id", "group_id"),
)

# Two customer records merged into one (C3): per field what was kept and what was dropped, and what moved.
customer_merges = Table(
    "customer_merges",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("kept_id", UUID(as_uuid=True), ForeignKey("customers.id"), nullable=False),
    # No foreign key: the dropped record is gone, its id stays resolvable here.
    Column("dropped_id", UUID(as_uuid=True), nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("moved", JSONB, nullable=False),
    Column("merged_by", UUID(as_uuid=True), nullable=False),
    Column("merged_at", DateTime(timezone=True), nullable=False),
    Index("ix_customer_merges_kept_id", "kept_id"),
    Index("ix_customer_merges_dropped_id", "dropped_id"),
)

# Every export of leads or customers (C10): who, what filter, how many rows, when.
export_log = Table(
    "export_log",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("exported_by", UUID(as_uuid=True), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("format", String(10), nullable=False),
    Column("filters", JSONB, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("unmasked_rows", Integer, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    CheckConstraint("kind IN ('leads', 'customers')", name="kind"),
    Index("ix_export_log_at", "at"),
)

deals = Table(
    "deals",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("customers.id"), nullable=False),
    Column("lead_id", UUID(as_uuid=True), ForeignKey("leads.id")),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("amount", MONEY, nullable=False),
    Column("cost", MONEY),
    Column("currency", String(3), nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Added by 2026_12_04_1000: units sold (per-unit commission plans, P4) and cancellation (退单).
    Column("units", Integer),
    Column("status", String(20), nullable=False, server_default="active"),
    Column("cancelled_on", Date),
    Column("cancel_reason", String(500)),
    Column("cancelled_by", UUID(as_uuid=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    # Each change after signing (the cost) bumps it, so that subscribers keep the newest.
    Column("revision", Integer, nullable=False, server_default="1"),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("cost IS NULL OR cost >= 0", name="cost_not_negative"),
    CheckConstraint("units IS NULL OR units >= 0", name="units_not_negative"),
    CheckConstraint(_one_of("status", [status.value for status in DealStatus]), name="status"),
    Index("ix_deals_rep_id", "rep_id"),
    Index("ix_deals_department_id", "department_id"),
    Index("ix_deals_lead_id", "lead_id"),
)

payments = Table(
    "payments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("deal_id", UUID(as_uuid=True), ForeignKey("deals.id"), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("received_on", Date, nullable=False),
    Column("recorded_by", UUID(as_uuid=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
    Index("ix_payments_deal_id", "deal_id"),
)

# Money given back against one payment (退款); never more than the payment, checked under the deal's lock.
refunds = Table(
    "refunds",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("payment_id", UUID(as_uuid=True), ForeignKey("payments.id"), nullable=False),
    Column("deal_id", UUID(as_uuid=True), ForeignKey("deals.id"), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("refunded_on", Date, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("recorded_by", UUID(as_uuid=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
    Index("ix_refunds_deal_id", "deal_id"),
    Index("ix_refunds_payment_id", "payment_id"),
)

# A deal's payment plan (C8): replaced as a whole, one row per instalment.
instalments = Table(
    "instalments",
    metadata,
    Column("deal_id", UUID(as_uuid=True), ForeignKey("deals.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("due_on", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    PrimaryKeyConstraint("deal_id", "seq"),
    CheckConstraint("amount > 0", name="amount_positive"),
    Index("ix_instalments_due_on", "due_on"),
)

customer_credit_log = Table(
    "customer_credit_log",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("customers.id"), nullable=False),
    Column("rating", String(20)),
    Column("flag", String(40)),
    Column("reason", String(500), nullable=False),
    Column("changed_by", UUID(as_uuid=True), nullable=False),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Index("ix_customer_credit_log_customer_id", "customer_id"),
)

# A customer's request not to be called (T6), one per customer and number: telesales lists the
# number on crm.customer.do_not_call_requested.v1, which names it only by this keyed digest. Keyed
# by both, so that a merge moving the dropped customer's request to the kept one keeps both numbers.
customer_do_not_call = Table(
    "customer_do_not_call",
    metadata,
    Column("customer_id", UUID(as_uuid=True), ForeignKey("customers.id"), primary_key=True),
    Column("phone_digest", String(64), primary_key=True),
    Column("lead_id", UUID(as_uuid=True)),
    Column("note", String(500)),
    Column("requested_by", UUID(as_uuid=True), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
)

# Every reveal and every export of full contact details (C10).
contact_disclosures = Table(
    "contact_disclosures",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("customers.id"), nullable=False),
    Column("lead_id", UUID(as_uuid=True)),
    Column("disclosed_to", UUID(as_uuid=True), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    CheckConstraint("kind IN ('reveal', 'export')", name="kind"),
    Index("ix_contact_disclosures_customer_id", "customer_id"),
)

# Projects (C7): the stage now and the last visit (the cadence's clock); project_stage_changes keeps each move.
projects = Table(
    "projects",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("customers.id"), nullable=False),
    Column("lead_id", UUID(as_uuid=True), ForeignKey("leads.id")),
    Column("name", String(200), nullable=False),
    Column("stage", String(30), nullable=False),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("stage_changed_at", DateTime(timezone=True), nullable=False),
    Column("last_visit_at", DateTime(timezone=True)),
    Column("revision", Integer, nullable=False),
    CheckConstraint(_one_of("stage", [stage.value for stage in ProjectStage]), name="stage"),
    Index("ix_projects_customer_id", "customer_id"),
    Index("ix_projects_rep_id", "rep_id"),
    Index("ix_projects_department_id", "department_id"),
)

project_stage_changes = Table(
    "project_stage_changes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("project_id", UUID(as_uuid=True), ForeignKey("projects.id"), nullable=False),
    Column("from_stage", String(30)),
    Column("to_stage", String(30), nullable=False),
    Column("reason", String(500)),
    Column("by", UUID(as_uuid=True), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("ix_project_stage_changes_project_id", "project_id"),
)

# Field visits (C12), counted per rep per ISO week on the company's date of the visit.
visits = Table(
    "visits",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("customer_id", UUID(as_uuid=True), ForeignKey("customers.id"), nullable=False),
    Column("lead_id", UUID(as_uuid=True), ForeignKey("leads.id")),
    Column("project_id", UUID(as_uuid=True), ForeignKey("projects.id")),
    Column("visited_at", DateTime(timezone=True), nullable=False),
    Column("visited_on", Date, nullable=False),
    Column("place", String(300), nullable=False),
    Column("result", String(1000), nullable=False),
    Column("logged_at", DateTime(timezone=True), nullable=False),
    Index("ix_visits_rep_id_visited_on", "rep_id", "visited_on"),
    Index("ix_visits_customer_id", "customer_id"),
    Index("ix_visits_project_id", "project_id"),
)
