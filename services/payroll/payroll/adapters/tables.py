"""The payroll database schema (SQLAlchemy Core). Migrations create it; nothing calls ``create_all``."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
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
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.calendar_replica import working_calendars_table
from shared.db import new_metadata

metadata = new_metadata()

MONEY = Numeric(14, 2)
RATE = Numeric(9, 6)
SCORE = Numeric(9, 4)

compensation_plans = Table(
    "compensation_plans",
    metadata,
    Column("role", String(40), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_from", String(7), nullable=False),
    Column("monthly_base", MONEY, nullable=False),
    Column("performance_standard", MONEY, nullable=False),
    Column("bonus_base", MONEY, nullable=False),
    Column("commission_rate", RATE, nullable=False),
    Column("set_by", UUID(as_uuid=True)),
    Column("set_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Which parts of pay the plan applies (plans.PARTS); versions before parts existed paid all four.
    Column("parts", JSONB, nullable=False),
    # Performance pay of a role that is not appraised; NULL: from the appraisal (P2).
    Column("performance_fixed", MONEY),
    # The named commission plan (commission_plans.key) paying the commission part; NULL: the flat
    # commission_rate on money collected.
    Column("commission_plan", String(60)),
    # The annual bonus part's base (payroll.domain.annual); versions before it existed: 0.
    Column("annual_bonus_base", MONEY, nullable=False, server_default="0"),
    # A8: whether the month's plan-execution score adjusts base income; versions before it: no.
    Column("base_follows_plan_execution", Boolean, nullable=False, server_default="false"),
    CheckConstraint("monthly_base >= 0 AND performance_standard >= 0 AND bonus_base >= 0", name="amounts"),
    CheckConstraint("commission_rate >= 0 AND commission_rate <= 1", name="rate"),
    CheckConstraint("performance_fixed IS NULL OR performance_fixed >= 0", name="performance_fixed"),
)

# A person's amounts that differ from their role's plan, versioned by period like the plans;
# a NULL amount is the role plan's.
plan_overrides = Table(
    "plan_overrides",
    metadata,
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_from", String(7), nullable=False),
    Column("monthly_base", MONEY),
    Column("performance_standard", MONEY),
    Column("performance_fixed", MONEY),
    Column("bonus_base", MONEY),
    Column("commission_rate", RATE),
    # A person's own commission plan and target (P4 "per person").
    Column("commission_plan", String(60)),
    Column("commission_target", MONEY),
    Column("set_by", UUID(as_uuid=True)),
    Column("set_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("employee_id", "effective_from"),
    CheckConstraint("coalesce(monthly_base, 0) >= 0 AND coalesce(performance_standard, 0) >= 0 "
                    "AND coalesce(performance_fixed, 0) >= 0 AND coalesce(bonus_base, 0) >= 0", name="amounts"),
    CheckConstraint("commission_rate IS NULL OR (commission_rate >= 0 AND commission_rate <= 1)", name="rate"),
)

# One-off awards (特别激励, P1); ``run_id`` is the run that pays it (claimed when a run is computed).
special_incentives = Table(
    "special_incentives",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("entered_by", UUID(as_uuid=True), nullable=False),
    Column("entered_at", DateTime(timezone=True), nullable=False),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
    Column("cancelled_by", UUID(as_uuid=True)),
    Column("cancelled_at", DateTime(timezone=True)),
    CheckConstraint("amount > 0", name="amount"),
    Index("ix_special_incentives_unpaid", "period", postgresql_where=text("run_id IS NULL AND cancelled_at IS NULL")),
)

# Facts received from appraisal, kept as they came: the run is derived from them.
closed_periods = Table(
    "closed_periods",
    metadata,
    Column("period", String(7), primary_key=True),
    Column("employee_count", Integer, nullable=False),
    Column("closed_at", DateTime(timezone=True), nullable=False),
    Column("closed_by", UUID(as_uuid=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The highest revision received: a close after a reopen replaces the earlier one.
    Column("revision", Integer, nullable=False, server_default="1"),
)

appraisal_results = Table(
    "appraisal_results",
    metadata,
    Column("period", String(7), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("role", String(40)),
    Column("score", SCORE, nullable=False),
    Column("coefficient", SCORE, nullable=False),
    Column("rank", Integer),
    Column("flags", JSONB, nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The highest revision received replaces a lower one; a lower or equal one arriving late changes nothing.
    Column("revision", Integer, nullable=False, server_default="1"),
    # A8: the month's plan-execution score (0–100) when the template scores it.
    Column("plan_execution", SCORE),
)

# appraisal.period.reopened.v1, one row per reopened revision: the period's run waits for the next one.
period_reopens = Table(
    "period_reopens",
    metadata,
    Column("period", String(7), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("reason", String(2000), nullable=False),
    Column("reopened_at", DateTime(timezone=True), nullable=False),
    Column("reopened_by", UUID(as_uuid=True), nullable=False),
)

pay_runs = Table(
    "pay_runs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(7), nullable=False),
    Column("status", String(20), nullable=False),
    Column("payslip_count", Integer, nullable=False),
    Column("total_gross", MONEY, nullable=False),
    Column("full_score_at", SCORE, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("approved_by", UUID(as_uuid=True)),
    Column("approved_at", DateTime(timezone=True)),
    Column("locked_by", UUID(as_uuid=True)),
    Column("locked_at", DateTime(timezone=True)),
    # The people the run cannot pay and why (roster.Blocker as JSON); replaced on each recompute.
    Column("blockers", JSONB, nullable=False),
    Column("appraisal_revision", Integer, nullable=False, server_default="1"),
    Column("awaiting_revision", String(2000)),
    # Exactly one run per period, whatever the order or number of deliveries.
    UniqueConstraint("period"),
    CheckConstraint("status IN ('computed', 'approved', 'locked')", name="status"),
)

# Money collected (回款), credited to the rep. ``run_id`` says which run paid its commission:
# its own period's run, or a later one as an adjustment (``settled_as``).
payments = Table(
    "payments",
    metadata,
    Column("payment_id", UUID(as_uuid=True), primary_key=True),
    Column("deal_id", UUID(as_uuid=True), nullable=False),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("received_on", Date, nullable=False),
    Column("period", String(7), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
    Column("settled_as", String(20)),
    CheckConstraint("settled_as IS NULL OR settled_as IN ('commission', 'adjustment')", name="settled_as"),
    Index("ix_payments_unsettled", "period", "rep_id", postgresql_where=text("run_id IS NULL")),
)

payslips = Table(
    "payslips",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("employee_name", String(200)),
    Column("role", String(40), nullable=False),
    # Where the employee sat when the run was computed: the scope a department manager reads by.
    Column("department_id", UUID(as_uuid=True)),
    Column("group_id", UUID(as_uuid=True)),
    Column("plan_version", Integer, nullable=False),
    # NULL for someone not appraised (a plan paying fixed performance pay and no bonus).
    Column("score", SCORE),
    Column("coefficient", SCORE),
    Column("override_version", Integer),
    Column("gross", MONEY, nullable=False),
    # The lines with their rule, formula and inputs: written once with the run, never updated.
    Column("lines", JSONB, nullable=False),
    UniqueConstraint("run_id", "employee_id"),
    Index("ix_payslips_employee_id_period", "employee_id", "period"),
    Index("ix_payslips_department_id", "department_id"),
)

# org's working calendar per year (O6), the highest revision received; a year absent here is the
# default calendar of shared.calendar.
working_calendars = working_calendars_table(metadata)

# Each employee's classified working days (O6) as org last revised them. ``settled_run_id`` is the
# run that last paid the day as it now stands; a new revision clears it, and the next run pays the
# difference for the day's period if that period already has a run (P8).
attendance_days = Table(
    "attendance_days",
    metadata,
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("work_date", Date, nullable=False),
    Column("period", String(7), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("classification", String(30), nullable=False),
    Column("absence_days", Numeric(3, 1), nullable=False),
    Column("minor_latenesses", Integer, nullable=False),
    Column("late_minutes", Integer, nullable=False),
    Column("early_minutes", Integer, nullable=False),
    Column("leave_days", Numeric(3, 1), nullable=False),
    Column("leave_type", String(40)),
    Column("leave_paid", Boolean),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    # Business instant (the company clock) of the last change: what a correction after a run shows.
    Column("changed_at", DateTime(timezone=True), nullable=False),
    Column("settled_run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
    PrimaryKeyConstraint("employee_id", "work_date"),
    CheckConstraint("absence_days >= 0 AND absence_days <= 1 AND leave_days >= 0 AND leave_days <= 1 "
                    "AND minor_latenesses >= 0", name="amounts"),
    Index("ix_attendance_days_period_employee_id", "period", "employee_id"),
    Index("ix_attendance_days_unsettled", "period", "employee_id", postgresql_where=text("settled_run_id IS NULL")),
)

# What each run paid for each employee's attendance of a period, and on which basis (base, caps,
# policy): the own period's lines, or a later run's difference after a correction. The sum over runs
# is what the period's attendance has cost so far; a correction pays only what differs from it.
attendance_settlements = Table(
    "attendance_settlements",
    metadata,
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("amount", MONEY, nullable=False),
    Column("basis", JSONB, nullable=False),
    Index("ix_attendance_settlements_employee_id_period", "employee_id", "period"),
)

# Expense claims (P7). The receipts travel with the claim; ``paid_run_id`` is the run that
# reimbursed it (a recomputed draft run takes it again only while it is still that run's).
expense_claims = Table(
    "expense_claims",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    # The claimant's department at submission (directory replica): whose manager approves it.
    Column("department_id", UUID(as_uuid=True)),
    Column("category", String(40), nullable=False),
    Column("incurred_on", Date, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("receipts", JSONB, nullable=False),
    Column("description", String(2000), nullable=False),
    Column("status", String(20), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("approved_amount", MONEY),
    Column("refused_amount", MONEY),
    Column("reason", String(2000)),
    Column("decided_by", UUID(as_uuid=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("paid_run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
    Column("paid_period", String(7)),
    CheckConstraint("amount > 0 AND (approved_amount IS NULL OR approved_amount >= 0) "
                    "AND (refused_amount IS NULL OR refused_amount >= 0)", name="amounts"),
    CheckConstraint("status IN ('submitted', 'approved', 'refused')", name="status"),
    Index("ix_expense_claims_employee_id_category_incurred_on", "employee_id", "category", "incurred_on"),
    Index("ix_expense_claims_department_id", "department_id"),
    Index("ix_expense_claims_unpaid", "employee_id",
          postgresql_where=text("status = 'approved' AND paid_run_id IS NULL")),
)

# Disputes of a locked payslip's line (P8), with their history; an accepted one is paid by the run
# in ``paid_run_id``. At most one open dispute per line.
payslip_disputes = Table(
    "payslip_disputes",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("payslip_id", UUID(as_uuid=True), ForeignKey("payslips.id"), nullable=False),
    Column("line_index", Integer, nullable=False),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("line_rule", String(60), nullable=False),
    Column("line_amount", MONEY, nullable=False),
    Column("status", String(20), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("history", JSONB, nullable=False),
    Column("resolution_amount", MONEY),
    Column("paid_run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
    Column("paid_period", String(7)),
    CheckConstraint("status IN ('open', 'answered', 'accepted', 'refused')", name="status"),
    CheckConstraint("resolution_amount IS NULL OR resolution_amount > 0", name="resolution_amount"),
    Index("uq_payslip_disputes_open_line", "payslip_id", "line_index", unique=True,
          postgresql_where=text("status IN ('open', 'answered')")),
    Index("ix_payslip_disputes_employee_id", "employee_id"),
)

# --- deals, refunds, commission plans, accruals and clawbacks (P4, migration 2026_12_04_1000) ------

# Deals signed (crm.deal.won.v1), as crm first sent them. ``run_id``: the run that paid commission
# on signing (plans settled on signing), or that took it into a profit figure.
deals = Table(
    "deals",
    metadata,
    Column("deal_id", UUID(as_uuid=True), primary_key=True),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("amount", MONEY, nullable=False),
    Column("cost", MONEY),
    Column("profit", MONEY),
    Column("units", Integer),
    Column("currency", String(3), nullable=False),
    Column("signed_on", Date, nullable=False),
    Column("period", String(7), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
    CheckConstraint("units IS NULL OR units >= 0", name="units"),
    Index("ix_deals_rep_id_period", "rep_id", "period"),
    Index("ix_deals_department_id_period", "department_id", "period"),
)

# A deal's cost corrected after signing (crm.deal.cost_set.v1): the highest revision wins, whether it
# arrives before or after the deal; reads of a deal take its cost and profit from here when present.
deal_costs = Table(
    "deal_costs",
    metadata,
    Column("deal_id", UUID(as_uuid=True), primary_key=True),
    Column("cost", MONEY, nullable=False),
    Column("profit", MONEY, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

# Cancellations (crm.deal.cancelled.v1), in their own table so that one arriving before its deal is
# kept. ``settled_run_id``: the run that reversed the commission paid on the deal.
deal_cancellations = Table(
    "deal_cancellations",
    metadata,
    Column("deal_id", UUID(as_uuid=True), primary_key=True),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("amount", MONEY, nullable=False),
    Column("units", Integer),
    Column("cancelled_on", Date, nullable=False),
    Column("period", String(7), nullable=False),
    Column("reason", String(2000), nullable=False),
    Column("cancelled_by", UUID(as_uuid=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("settled_run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
)

# Money given back (crm.payment.refunded.v1); kept whether or not payroll knows the payment yet.
# ``settled_run_id``: the run that reversed the commission paid on the refunded money (or found none).
refunds = Table(
    "refunds",
    metadata,
    Column("refund_id", UUID(as_uuid=True), primary_key=True),
    Column("payment_id", UUID(as_uuid=True), nullable=False),
    Column("deal_id", UUID(as_uuid=True), nullable=False),
    Column("rep_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("amount", MONEY, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("refunded_on", Date, nullable=False),
    Column("period", String(7), nullable=False),
    Column("reason", String(2000), nullable=False),
    Column("recorded_by", UUID(as_uuid=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("settled_run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
    CheckConstraint("amount > 0", name="amount"),
    Index("ix_refunds_payment_id", "payment_id"),
    Index("ix_refunds_unsettled", "rep_id", postgresql_where=text("settled_run_id IS NULL")),
)

EXACT = Numeric(20, 8)  # commission before the line's rounding: what a reversal is computed from

# Named commission plans (P4), versioned by period like the role plans; ``definition`` is the plan's
# data as the API states it (basis, settlement, rates, annual bonus, pool, allowance).
commission_plans = Table(
    "commission_plans",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("effective_from", String(7), nullable=False),
    Column("definition", JSONB, nullable=False),
    Column("description", String(2000), nullable=False),
    Column("set_by", UUID(as_uuid=True)),
    Column("set_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("key", "effective_from"),
)

# What each deal or payment earned each employee on a run (exact), so that a refund or cancellation
# reverses exactly that. The id is derived from (run, employee, source): a recomputed draft run writes
# the same ids again, so reversals recorded against them by other runs still point at them.
commission_accruals = Table(
    "commission_accruals",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), nullable=False),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("source_id", UUID(as_uuid=True), nullable=False),
    Column("deal_id", UUID(as_uuid=True), nullable=False),
    Column("money", MONEY, nullable=False),
    Column("earned", EXACT, nullable=False),
    Column("plan", String(80), nullable=False),
    CheckConstraint("kind IN ('deal', 'payment')", name="kind"),
    Index("ix_commission_accruals_source_id", "source_id"),
    Index("ix_commission_accruals_deal_id", "deal_id"),
    Index("ix_commission_accruals_run_id", "run_id"),
)

# Reversals of accruals (P4 clawback) by the run that took them back; no foreign key to the accrual:
# a draft run being recomputed rewrites its accruals under the same ids.
commission_clawbacks = Table(
    "commission_clawbacks",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), nullable=False),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("accrual_id", UUID(as_uuid=True), nullable=False),
    Column("cause", String(20), nullable=False),
    Column("cause_id", UUID(as_uuid=True), nullable=False),
    Column("amount", EXACT, nullable=False),
    CheckConstraint("cause IN ('refund', 'cancellation')", name="cause"),
    CheckConstraint("amount > 0", name="amount"),
    Index("ix_commission_clawbacks_accrual_id", "accrual_id"),
    Index("ix_commission_clawbacks_run_id", "run_id"),
)

# The clawback balance each run took in and left owing per employee: what is owed before a run is
# Σ (carried − brought) over the other runs, so recomputing a draft run (deleting its rows) gives it back.
commission_balances = Table(
    "commission_balances",
    metadata,
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("brought", MONEY, nullable=False),
    Column("carried", MONEY, nullable=False),
    CheckConstraint("brought >= 0 AND carried >= 0", name="amounts"),
)

# What-if recomputations of a closed period under draft plans (issue 9 item 10): the draft as asked
# and the per-person comparison, written once; nothing else stores or emits anything for them.
what_ifs = Table(
    "what_ifs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("period", String(7), nullable=False),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), nullable=False),
    # The run's status when asked: a draft run may still change, a locked one never.
    Column("run_status", String(20), nullable=False),
    Column("asked_by", UUID(as_uuid=True), nullable=False),
    Column("asked_at", DateTime(timezone=True), nullable=False),
    Column("note", String(500)),
    Column("draft", JSONB, nullable=False),
    Column("result", JSONB, nullable=False),
    Index("ix_what_ifs_period", "period"),
)

# Where a person's pay is transferred (the directory holds no bank details): kept by finance,
# read in full by finance only, masked to the last four digits for anyone else (see exports.py).
bank_accounts = Table(
    "bank_accounts",
    metadata,
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("account_holder", String(200), nullable=False),
    Column("bank_name", String(200), nullable=False),
    Column("account_number", String(40), nullable=False),
    Column("updated_by", UUID(as_uuid=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# The difference a revised appraisal result makes to what a locked run paid someone (P8.revision), one row
# per person, period and revision; ``run_id`` is the later run that pays it (released on its recompute).
revision_adjustments = Table(
    "revision_adjustments",
    metadata,
    Column("period", String(7), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("revision", Integer, primary_key=True),
    Column("locked_run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), nullable=False),
    Column("plan_version", Integer, nullable=False),
    Column("before", JSONB, nullable=False),
    Column("after", JSONB, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_revision_adjustments_unpaid", "employee_id", postgresql_where=text("run_id IS NULL")),
)

# appraisal.annual_result.finalized.v1: the highest revision of each person's annual score (A1).
annual_results = Table(
    "annual_results",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("score", SCORE, nullable=False),
    Column("coefficient", SCORE, nullable=False),
    Column("months_scored", JSONB, nullable=False),
    Column("months_missing", JSONB, nullable=False),
    Column("missing_months_rule", String(40), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

# What each run did about a person's annual bonus: paid it (the revision and amount), or owed it for
# want of an annual result (the reason). A draft run's rows go when it is recomputed.
annual_bonus_settlements = Table(
    "annual_bonus_settlements",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("employee_id", UUID(as_uuid=True), primary_key=True),
    Column("run_id", UUID(as_uuid=True), ForeignKey("pay_runs.id"), primary_key=True),
    Column("status", String(10), nullable=False),
    Column("annual_bonus_base", MONEY, nullable=False),
    Column("plan_version", Integer, nullable=False),
    Column("revision", Integer),
    Column("amount", MONEY),
    Column("reason", String(400)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("status IN ('paid', 'owed')", name="status"),
    CheckConstraint("status = 'owed' OR (revision IS NOT NULL AND amount IS NOT NULL)", name="paid_figures"),
)
