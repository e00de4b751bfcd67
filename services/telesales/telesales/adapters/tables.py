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
from sqlalchemy.dialects.postgresql import UUID

from shared.db import new_metadata
from telesales.domain.calls import CallStage, Disposition

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
    CheckConstraint("duration_seconds >= 0", name="duration_not_negative"),
    CheckConstraint(_one_of("disposition", Disposition), name="disposition"),
    CheckConstraint("stage_reached IS NULL OR " + _one_of("stage_reached", CallStage), name="stage_reached"),
    Index("ix_calls_agent_id_started_at", "agent_id", "started_at"),
    Index("ix_calls_group_id_call_date", "group_id", "call_date"),
    Index("ix_calls_department_id_call_date", "department_id", "call_date"),
    Index("ix_calls_call_date", "call_date"),
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
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("agent_id", "call_date"),
    Index("ix_daily_figures_call_date_group_id", "call_date", "group_id"),
    Index("ix_daily_figures_call_date_department_id", "call_date", "department_id"),
)

FIGURE_COLUMNS = ("dials", "connected", "effective", "intents", "appointments", "orders", "talk_seconds")
