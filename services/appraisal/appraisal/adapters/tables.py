"""The appraisal database schema (SQLAlchemy Core). Migrations create it; nothing calls ``create_all``."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from shared.db import new_metadata
from shared.directory import directory_metadata

metadata = new_metadata()

# The directory replica's tables live in this database too; the migration check compares them.
ALL_METADATA = (metadata, directory_metadata)

Score = Numeric(7, 2)

periods = Table(
    "periods",
    metadata,
    Column("period", String(7), primary_key=True),
    Column("status", String(10), nullable=False, server_default="open"),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", UUID(as_uuid=True)),
    Column("employee_count", Integer),
    # Closes so far (0: never closed); a close after a reopen gives its results the next one.
    Column("revision", Integer, nullable=False, server_default="0"),
    Column("reopened_at", DateTime(timezone=True)),
    Column("reopened_by", UUID(as_uuid=True)),
    Column("reopen_reason", Text),
    CheckConstraint("status IN ('open', 'closed')", name="status"),
)

templates = Table(
    "templates",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("name", String(200), nullable=False),
    # [{key, label, source, weight, rule, params}], weights summing to 100 (checked on write).
    Column("indicators", JSONB, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_by", UUID(as_uuid=True)),
)

# A role is scored by one template at most: the primary key says so when two edits race.
template_roles = Table(
    "template_roles",
    metadata,
    Column("role", String(40), primary_key=True),
    Column("template_key", String(60), ForeignKey("templates.key", ondelete="CASCADE"), nullable=False),
    Index("ix_template_roles_template_key", "template_key"),
)

facts = Table(
    "facts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("value", Numeric(18, 2), nullable=False),
    Column("source_id", String(200), nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("occurred_on", Date, nullable=False),
    Column("late", Boolean, nullable=False, server_default="false"),
    Column("recorded_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # Null for add-only facts; for a revised source (a day's attendance) the producer's revision
    # of the value stored, which only a higher one replaces.
    Column("revision", Integer),
    # A redelivered or re-published event finds its fact already there.
    UniqueConstraint("source_id", "kind"),
    Index("ix_facts_period_employee_id", "period", "employee_id"),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("stage", String(10), nullable=False),
    Column("reviewer_id", UUID(as_uuid=True), nullable=False),
    Column("ratings", JSONB, nullable=False),
    Column("total", Score, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    # Each stage once per employee and period, whatever two concurrent requests try.
    UniqueConstraint("employee_id", "period", "stage"),
    CheckConstraint("stage IN ('self', 'leader', 'superior', 'hr')", name="stage"),
    Index("ix_reviews_period", "period"),
)

# The live score of an open period, stored for reads; a row is also the per-employee-period
# lock that serialises concurrent recomputations.
scores = Table(
    "scores",
    metadata,
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("role", String(40)),
    Column("template_key", String(60)),
    Column("total", Score),
    Column("breakdown", JSONB),
    Column("computed_at", DateTime(timezone=True)),
    PrimaryKeyConstraint("employee_id", "period"),
    Index("ix_scores_period", "period"),
)

# Frozen at close: what payroll and the A6 history read.
results = Table(
    "results",
    metadata,
    Column("period", String(7), nullable=False),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("role", String(40), nullable=False),
    Column("template_key", String(60), nullable=False),
    Column("score", Score, nullable=False),
    Column("coefficient", Numeric(6, 2), nullable=False),
    Column("rank", Integer, nullable=False),
    Column("flags", JSONB, nullable=False),
    Column("breakdown", JSONB, nullable=False),
    Column("finalized_at", DateTime(timezone=True), nullable=False),
    # A3: required stages never submitted and HR's stated rule for them at the close.
    Column("missing_stages", JSONB, nullable=False, server_default="[]"),
    Column("missing_stages_rule", String(20)),
    # The period's revision that froze this result; a close after a reopen replaces it.
    Column("revision", Integer, nullable=False, server_default="1"),
    # A7: the department at the close and the rank by score among its employees of the same role.
    Column("department_id", UUID(as_uuid=True)),
    Column("department_role_rank", Integer),
    PrimaryKeyConstraint("period", "employee_id"),
    Index("ix_results_employee_id", "employee_id"),
)

# A3: the feedback interview after the reviews, and the employee's acknowledgement of the result.
feedback = Table(
    "feedback",
    metadata,
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("interviewer_id", UUID(as_uuid=True), nullable=False),
    Column("held_on", Date, nullable=False),
    Column("notes", Text, nullable=False),
    Column("improvement_plan", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledgement_comment", Text),
    PrimaryKeyConstraint("employee_id", "period"),
)

# The roles each employee held and from when (org's hires and transfers), so that a month is
# scored under the role held at its end (domain.roles), not the one held when it is closed.
role_history = Table(
    "role_history",
    metadata,
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("role", String(40), nullable=False),
    PrimaryKeyConstraint("employee_id", "effective_on"),
)

# Every change to a period after its first close: the reopen and its reason, late inputs then
# counted, reviews submitted while reopened, each result the next close revised (old → new).
period_audit = Table(
    "period_audit",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    # The order entries were written in; several share one instant.
    Column("seq", BigInteger, Identity(), nullable=False),
    Column("period", String(7), nullable=False),
    Column("action", String(30), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", UUID(as_uuid=True)),
    Column("employee_id", UUID(as_uuid=True)),
    Column("details", JSONB, nullable=False),
    Index("ix_period_audit_period", "period"),
)

# A1: the annual score of a past year per employee, computed in January (or later, again).
annual_results = Table(
    "annual_results",
    metadata,
    Column("year", Integer, nullable=False),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("score", Score, nullable=False),
    Column("coefficient", Numeric(6, 2), nullable=False),
    Column("months_scored", JSONB, nullable=False),
    Column("months_missing", JSONB, nullable=False),
    Column("missing_months_rule", String(20), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("computed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("year", "employee_id"),
)

# A7: the honours a close awarded (replaced by the next close after a reopen).
honours = Table(
    "honours",
    metadata,
    Column("period", String(7), nullable=False),
    Column("honour", String(40), nullable=False),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("name", String(200), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("measure", String(40), nullable=False),
    Column("value", Numeric(18, 2), nullable=False),
    Column("revision", Integer, nullable=False),
    PrimaryKeyConstraint("period", "honour", "employee_id"),
)

# A8: weekly plans (submitted → approved or returned) and weekly reports.
weekly_plans = Table(
    "weekly_plans",
    metadata,
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("week", String(8), nullable=False),
    Column("content", JSONB, nullable=False),
    Column("status", String(10), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("decided_by", UUID(as_uuid=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("decision_note", Text),
    PrimaryKeyConstraint("employee_id", "week"),
    CheckConstraint("status IN ('submitted', 'approved', 'returned')", name="status"),
)

weekly_reports = Table(
    "weekly_reports",
    metadata,
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("week", String(8), nullable=False),
    Column("fields", JSONB, nullable=False),
    Column("prefilled", JSONB, nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("late", Boolean, nullable=False),
    PrimaryKeyConstraint("employee_id", "week"),
)

# Per telesales call, the highest version applied (telesales.call.logged.v1 is 1, each correction
# the next): the guard against redelivered and reordered versions, and what a lead's intent mark is
# derived from. Calls logged before this table existed enter it with their first correction.
calls = Table(
    "calls",
    metadata,
    Column("call_id", String(200), primary_key=True),
    Column("agent_id", UUID(as_uuid=True), nullable=False),
    Column("lead_id", UUID(as_uuid=True)),
    Column("period", String(7), nullable=False),
    Column("call_date", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Column("disposition", String(40), nullable=False),
    Column("effective", Boolean, nullable=False),
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("ix_calls_agent_id_period_lead_id", "agent_id", "period", "lead_id"),
)

# A6: a retraining case per flagged month, followed by the results after it (domain.consequences).
# One open case per employee: a flag while one is open belongs to it.
retraining_cases = Table(
    "retraining_cases",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("period", String(7), nullable=False),
    Column("flags", JSONB, nullable=False),
    Column("status", String(10), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    # [{period, score}]: the results after ``period`` the case was settled on.
    Column("judged_on", JSONB, nullable=False, server_default="[]"),
    Column("settled_at", DateTime(timezone=True)),
    # A period closed again after a reopen finds its case.
    UniqueConstraint("employee_id", "period"),
    Index("uq_retraining_cases_open_employee_id", "employee_id", unique=True,
          postgresql_where=text("status = 'open'")),
    CheckConstraint("status IN ('open', 'passed', 'failed')", name="status"),
)

# A6: still failing after retraining — a case for HR, who records the decision and its reason.
dismissal_cases = Table(
    "dismissal_cases",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("employee_id", UUID(as_uuid=True), nullable=False),
    Column("retraining_case_id", UUID(as_uuid=True), ForeignKey("retraining_cases.id"), nullable=False),
    Column("retraining_period", String(7), nullable=False),
    Column("retraining_flags", JSONB, nullable=False),
    # [{period, score}]: the results after retraining that still failed.
    Column("failing", JSONB, nullable=False),
    Column("failing_below", Score, nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("decision", String(10)),
    Column("reason", Text),
    Column("decided_by", UUID(as_uuid=True)),
    Column("decided_at", DateTime(timezone=True)),
    UniqueConstraint("retraining_case_id"),
    Index("ix_dismissal_cases_employee_id", "employee_id"),
    CheckConstraint("decision IS NULL OR decision IN ('dismiss', 'retain')", name="decision"),
)

# The A8 report tables join this metadata when it is loaded (see report_tables).
from appraisal.adapters import report_tables as _report_tables  # noqa: E402, F401
from appraisal.adapters import sweeps as _sweeps  # noqa: E402, F401
