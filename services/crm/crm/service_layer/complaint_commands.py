"""What callers ask of complaints (C9)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.auth import Principal


@dataclass(frozen=True)
class RecordComplaint:
    by: Principal
    lead_id: uuid.UUID
    cause: str
    content: str
    apology: str  # the apology made to the customer when the complaint came in


@dataclass(frozen=True)
class ForwardComplaint:
    by: Principal
    complaint_id: uuid.UUID
    department_id: uuid.UUID


@dataclass(frozen=True)
class ResolveComplaint:
    by: Principal
    complaint_id: uuid.UUID
    resolution: str


@dataclass(frozen=True)
class CloseComplaint:
    by: Principal
    complaint_id: uuid.UUID
    satisfaction: str


@dataclass(frozen=True)
class EscalateOverdueComplaints:
    """The schedule's sweep: unanswered complaints past the set time go to the supervisor."""
