"""What callers ask of training (O7) and retraining (A6). Each command carries the caller, whose
role and scope decide whether they may record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from org.domain.training import AttendeeRecord, SessionKind
from shared.auth import Principal


@dataclass(frozen=True)
class RecordTrainingSession:
    topic: str
    kind: SessionKind
    trainer_id: uuid.UUID
    held_on: date
    duration_minutes: int
    attendees: tuple[AttendeeRecord, ...]
    by: Principal
    department_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordTrainingSheet:
    """Replace a session's attendance sheet: who attends, present or absent, and their assessment."""

    session_id: uuid.UUID
    attendees: tuple[AttendeeRecord, ...]
    by: Principal


@dataclass(frozen=True)
class CloseRetrainingAssignment:
    assignment_id: uuid.UUID
    note: str
    by: Principal
    session_id: uuid.UUID | None = None
