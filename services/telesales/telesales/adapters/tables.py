"""The telesales database schema (SQLAlchemy Core). Migrations create it; nothing calls ``create_all``."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from shared.db import new_metadata
from telesales.domain.calls import CallStage, Disposition
from telesales.domain.compliance import DncSource

metadata = new_metadata()


def _one_of(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(str(value)) for value in values)})"


calls = Table(
    "calls",
    metadata,
    # Chosen by the client (telephony system or desktop): a retried submission finds it taken.
    Column("call_id", String(100), primary_key=True),
    Column("agent_id", UUID(as_uuid=True), nullable=False),
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("lead_id", UUID(as_uuid=True)),
    # Customer data (C10): read whole by the calling agent only, never put into an event.
    Column("number_dialled", String(32), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("call_date", Date, nullable=False),
    Column("duration_seconds", Integer, nullable=False),
    Column("connected", Boolean, nullable=False),
    Column("disposition", String(30), nullable=False),
    Column("effective", Boolean, nullable=False),
    Column("stage_reached", String(30)),
    Column("notes", Text),
    Column("next_step", Text),
    Column("submitted_by", UUID(as_uuid=True)),
    Column("received_at", DateTime(timezone=True)),
    Column("stored_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # shared.phones.normalise_phone of the number: what the do-not-call list and the caps compare.
    Column("number_normalised", String(32)),
    Column("violations", ARRAY(String(20)), nullable=False, server_default="{}"),
    Column("version", Integer, nullable=False, server_default="1"),
    # Of the record as first submitted: a resubmission under the same call_id must match it.
    Column("content_hash", String(64)),
    Column("service_account_id", UUID(as_uuid=True)),
    CheckConstraint("duration_seconds >= 0", name="duration_not_negative"),
    CheckConstraint(_one_of("disposition", Disposition), name="disposition"),
    CheckConstraint("stage_reached IS NULL OR " + _one_of("stage_reached", CallStage), name="stage_reached"),
    Index("ix_calls_agent_id_started_at", "agent_id", "started_at"),
    Index("ix_calls_group_id_call_date", "group_id", "call_date"),
    Index("ix_calls_department_id_call_date", "department_id", "call_date"),
    Index("ix_calls_call_date", "call_date"),
    Index("ix_calls_number_normalised_started_at", "number_normalised", "started_at"),
)

daily_figures = Table(
    "daily_figures",
    metadata,
    Column("agent_id", UUID(as_uuid=True), nullable=False),
    Column("call_date", Date, nullable=False),
    # The agent's placement as of the latest call counted that day.
    Column("group_id", UUID(as_uuid=True)),
    Column("department_id", UUID(as_uuid=True)),
    Column("dials", Integer, nullable=False),
    Column("connected", Integer, nullable=False),
    Column("effective", Integer, nullable=False),
    Column("intents", Integer, nullable=False),
    Column("appointments", Integer, nullable=False),
    Column("orders", Integer, nullable=False),
    Column("talk_seconds", BigInteger, nullable=False),
    Column("violations", Integer, nullable=False, server_default="0"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("agent_id", "call_date"),
    Index("ix_daily_figures_call_date_group_id", "call_date", "group_id"),
    Index("ix_daily_figures_call_date_department_id", "call_date", "department_id"),
)

FIGURE_COLUMNS = ("dials", "connected", "effective", "intents", "appointments", "orders", "talk_seconds",
                  "violations")

# Every version of a corrected call, the first (as submitted) included; the calls row is the latest.
call_versions = Table(
    "call_versions",
    metadata,
    Column("call_id", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("disposition", String(30), nullable=False),
    Column("stage_reached", String(30)),
    Column("notes", Text),
    Column("effective", Boolean, nullable=False),
    Column("changed_by", UUID(as_uuid=True)),
    Column("reason", Text),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("call_id", "version"),
)

do_not_call = Table(
    "do_not_call",
    metadata,
    Column("number", String(32), primary_key=True),
    Column("source", String(20), nullable=False),
    Column("added_by", UUID(as_uuid=True)),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("call_id", String(100)),
    Column("note", Text),
    CheckConstraint(_one_of("source", DncSource), name="source"),
)

# Who put a number on the list or took it off, when and why; the list itself holds only the present.
do_not_call_log = Table(
    "do_not_call_log",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("number", String(32), nullable=False),
    Column("action", String(10), nullable=False),
    Column("source", String(20)),
    Column("actor_id", UUID(as_uuid=True)),
    Column("reason", Text),
    Column("at", DateTime(timezone=True), nullable=False),
    CheckConstraint("action IN ('added', 'removed')", name="action"),
    Index("ix_do_not_call_log_number", "number"),
)

# A customer's request not to be called, as crm announced it: the number only by its keyed digest
# (shared.phones.phone_digest), since no event carries it. A call to a number with this digest is
# flagged like one to a listed number; an authorised role removes it by the number, like any entry.
do_not_call_requests = Table(
    "do_not_call_requests",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("customer_id", UUID(as_uuid=True), nullable=False),
    Column("lead_id", UUID(as_uuid=True)),
    Column("requested_by", UUID(as_uuid=True), nullable=False),
    Column("requested_at", DateTime(timezone=True), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    # Added by migration 2026_12_06_1000: after a key rotation crm announces the same request under the new key;
    # this is the digest (under the previous key) it renames. One request, two names: listed and
    # removed together, counted once.
    Column("replaces", String(64)),
    Index("ix_do_not_call_requests_replaces", "replaces"),
)

# Records intake accepted that the worker could not store: a call_id taken by different content,
# or a service account acting outside its scope or after its revocation. The sender reads them back.
intake_refusals = Table(
    "intake_refusals",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("call_id", String(100), nullable=False),
    Column("agent_id", UUID(as_uuid=True), nullable=False),
    Column("submitted_by", UUID(as_uuid=True), nullable=False),
    Column("service_account_id", UUID(as_uuid=True)),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("detail", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Index("ix_intake_refusals_submitted_by_id", "submitted_by", "id"),
    Index("ix_intake_refusals_call_id", "call_id"),
)

# One row (id 1) once an administrator sets the calling rules; until then the settings' defaults.
compliance_rules = Table(
    "compliance_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rules", JSONB, nullable=False),
    Column("updated_by", UUID(as_uuid=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

service_accounts = Table(
    "service_accounts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("client_id", String(40), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("department_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    Column("group_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    Column("created_by", UUID(as_uuid=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("rotated_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by", UUID(as_uuid=True)),
    Column("revoke_reason", Text),
)

# The agent's month-end summary (T5): the figures are read live, the words are the agent's.
monthly_reports = Table(
    "monthly_reports",
    metadata,
    Column("agent_id", UUID(as_uuid=True), nullable=False),
    Column("month", String(7), nullable=False),
    Column("summary", Text, nullable=False),
    Column("next_month_plan", Text),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("agent_id", "month"),
)
