"""What callers ask of follow-up plans (C6)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shared.auth import Principal


@dataclass(frozen=True)
class NextFollowUp:
    due_at: datetime
    method: str
    content: str
    goal: str | None = None


@dataclass(frozen=True)
class PlanFollowUp:
    by: Principal
    lead_id: uuid.UUID
    plan: NextFollowUp


@dataclass(frozen=True)
class CompleteFollowUp:
    """The follow-up was done; ``next`` plans the one after it in the same transaction."""

    by: Principal
    follow_up_id: uuid.UUID
    outcome: str
    next: NextFollowUp | None = None


@dataclass(frozen=True)
class CancelFollowUp:
    by: Principal
    follow_up_id: uuid.UUID
    reason: str
