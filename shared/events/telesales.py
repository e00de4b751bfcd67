"""Events published by the telesales service (topic ``telesales.call``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

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
