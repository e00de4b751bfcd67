"""What callers ask of projects (C7) and field visits (C12)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shared.auth import Principal


@dataclass(frozen=True)
class CreateProject:
    """A project on a customer, or on one of its leads; ``rep_id`` defaults to who holds the customer."""

    by: Principal
    name: str
    customer_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    stage: str | None = None
    rep_id: uuid.UUID | None = None


@dataclass(frozen=True)
class MoveProjectStage:
    by: Principal
    project_id: uuid.UUID
    stage: str
    reason: str | None = None


@dataclass(frozen=True)
class LogVisit:
    """The caller visited a customer (C12)."""

    by: Principal
    customer_id: uuid.UUID
    visited_at: datetime
    place: str
    result: str
    lead_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
