"""What callers ask the telesales service to do. Imperative names; the events they cause are past tense."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from telesales.domain.calls import CallStage, Disposition


@dataclass(frozen=True)
class SubmitCall:
    """One call record as a telephony system or an agent's desktop sends it to intake (T1)."""

    call_id: str
    agent_id: uuid.UUID
    number_dialled: str
    started_at: datetime
    duration_seconds: int
    connected: bool
    disposition: Disposition
    lead_id: uuid.UUID | None = None
    stage_reached: CallStage | None = None
    notes: str | None = None
    next_step: str | None = None


@dataclass(frozen=True)
class RecordCall:
    """Store a submitted call (the worker's side of intake)."""

    call: SubmitCall
    submitted_by: uuid.UUID
    received_at: datetime
    claimed_group_id: uuid.UUID | None = None
    claimed_department_id: uuid.UUID | None = None
