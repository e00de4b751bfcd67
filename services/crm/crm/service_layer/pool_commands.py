"""What callers ask of a lead's life (C2) and the pool (C5)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from crm.domain.model import LeadStatus
from shared.auth import Principal


@dataclass(frozen=True)
class ChangeLeadStatus:
    by: Principal
    lead_id: uuid.UUID
    status: LeadStatus
    reason: str | None = None


@dataclass(frozen=True)
class ReleaseLead:
    """The holder (or their leader) gives a lead back to the group's pool."""

    by: Principal
    lead_id: uuid.UUID
    reason: str


@dataclass(frozen=True)
class ClaimLead:
    by: Principal
    lead_id: uuid.UUID


@dataclass(frozen=True)
class ReclaimIdleLeads:
    """The schedule's sweep: every held lead past its level's periods returns to the pool."""


@dataclass(frozen=True)
class UpdateLeadArchive:
    """The holder (or their leader) keeps the archive current (C2): intent level, needs. ``None`` leaves
    a field as it is; an empty string clears it."""

    by: Principal
    lead_id: uuid.UUID
    intent_level: str | None = None
    needs: str | None = None
