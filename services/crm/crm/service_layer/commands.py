"""What callers ask the crm service to do. Imperative names; the events they cause are past tense.
Each command carries the caller, whose scope every use case checks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crm.domain.dedupe import OnDuplicate
from shared.auth import Principal


@dataclass(frozen=True)
class CreateLead:
    by: Principal
    name: str
    source: str
    phone: str | None = None
    email: str | None = None
    company: str | None = None
    intent_level: str | None = None
    department_id: uuid.UUID | None = None
    on_duplicate: OnDuplicate = OnDuplicate.REFUSE


@dataclass(frozen=True)
class ImportRow:
    """One data row of a CSV import; ``row`` is its line number in the file (the header is line 1)."""

    row: int
    values: dict[str, str]


@dataclass(frozen=True)
class ImportLeads:
    by: Principal
    rows: list[ImportRow]
    default_source: str | None = None
    department_id: uuid.UUID | None = None
    on_duplicate: OnDuplicate = OnDuplicate.REFUSE


@dataclass(frozen=True)
class AssignLeadToGroup:
    by: Principal
    lead_id: uuid.UUID
    group_id: uuid.UUID
    reason: str | None = None
    reassign: bool = False  # move a lead that is already in a group


@dataclass(frozen=True)
class AssignLeadToRep:
    by: Principal
    lead_id: uuid.UUID
    rep_id: uuid.UUID
    reason: str | None = None
    reassign: bool = False  # take a lead from the rep who holds it


@dataclass(frozen=True)
class DistributeGroupLeads:
    """The group's strategy (or ``strategy``) over the group's pool, or over the given leads of it."""

    by: Principal
    group_id: uuid.UUID
    lead_ids: list[uuid.UUID] | None = None
    strategy: str | None = None


@dataclass(frozen=True)
class RecordDeal:
    by: Principal
    amount: Decimal
    signed_on: date
    lead_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    cost: Decimal | None = None
    rep_id: uuid.UUID | None = None
    units: int | None = None  # units sold, for per-unit commission plans (P4)


@dataclass(frozen=True)
class RecordPayment:
    by: Principal
    deal_id: uuid.UUID
    amount: Decimal
    received_on: date


@dataclass(frozen=True)
class RevealContact:
    by: Principal
    lead_id: uuid.UUID


Command = (
    CreateLead | ImportLeads | AssignLeadToGroup | AssignLeadToRep | DistributeGroupLeads | RecordDeal
    | RecordPayment | RevealContact
)
