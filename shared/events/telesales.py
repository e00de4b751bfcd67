"""Events published by the telesales service (topic ``telesales.call``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from shared.events.envelope import Event, register


@register
class CallLogged(Event):
    event_type = "telesales.call.logged.v1"
    topic = "telesales.call"
    key_field = "agent_id"
    summary = (
        "A call was recorded (T1). Keyed by agent so one agent's calls stay in order. `effective` is "
        "the company's effective-conversation rule applied when stored; the dialled number is not carried."
    )

    call_id: str
    agent_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    started_at: datetime
    call_date: date
    duration_seconds: int
    connected: bool
    disposition: str
    effective: bool
    stage_reached: str | None = None
    # Compliance rules the call broke (T6): do_not_call, outside_hours, daily_cap, weekly_cap.
    violations: list[str] = Field(default_factory=list)
    # Always 1 here; a correction publishes the next version as ``telesales.call.corrected.v1``.
    version: int = 1


@register
class CallCorrected(Event):
    event_type = "telesales.call.corrected.v1"
    topic = "telesales.call"
    key_field = "agent_id"
    summary = (
        "A stored call was corrected by its agent or their leader: `version` (2, 3, …) replaces every "
        "earlier version of `call_id`. A consumer keeps, per call_id, the latest version it applied and "
        "ignores one not above it (redelivery, reordering); it swaps the call's previous contribution "
        "(`previous_*`) for the new one, so a correction counts exactly once. The number is not carried."
    )

    call_id: str
    agent_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    started_at: datetime
    call_date: date
    duration_seconds: int
    connected: bool
    version: int
    disposition: str
    effective: bool
    stage_reached: str | None = None
    previous_version: int
    previous_disposition: str
    previous_effective: bool
    previous_stage_reached: str | None = None
    corrected_by: uuid.UUID
    corrected_at: datetime
