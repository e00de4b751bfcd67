"""Customers (客户档案, C2) and their leads.

A customer is a person or company, known by a phone number and/or an e-mail address that no other
customer has (C3). A lead is one chance to sell to a customer: it came from a source (C1), sits in
a department, then a group's pool, then with one rep (C4). Pool expiry (C5), follow-ups (C6) and
pipeline stages (C7) hang off the lead later; its status list is open for them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from shared.errors import InvalidInput, RuleViolation


class LeadStatus(StrEnum):
    NEW = "new"                  # in its department, no group yet
    IN_GROUP = "in_group"        # in a group's pool, waiting for its leader to hand it out
    ASSIGNED = "assigned"        # a rep works it: counts against the rep's open-lead cap
    WON = "won"                  # a deal was signed on it


OPEN_STATUSES = frozenset({LeadStatus.NEW, LeadStatus.IN_GROUP, LeadStatus.ASSIGNED})


@dataclass
class Customer:
    id: uuid.UUID
    name: str
    phone: str | None
    email: str | None
    company: str | None
    created_by: uuid.UUID
    created_at: datetime

    def __post_init__(self) -> None:
        if not self.phone and not self.email:
            raise InvalidInput("phone", "a customer needs a phone number or an e-mail address")


@dataclass
class Lead:
    id: uuid.UUID
    customer_id: uuid.UUID
    source: str
    status: LeadStatus
    department_id: uuid.UUID
    created_by: uuid.UUID
    created_at: datetime
    group_id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    intent_level: str | None = None
    assigned_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def place_in_group(self, group_id: uuid.UUID, at: datetime) -> uuid.UUID | None:
        """First level of distribution (C4.1): into a group's pool. Returns the rep who held it."""
        self._ensure_open()
        previous = self.owner_id
        self.group_id, self.owner_id, self.status, self.assigned_at = group_id, None, LeadStatus.IN_GROUP, at
        return previous

    def give_to_rep(self, rep_id: uuid.UUID, at: datetime) -> uuid.UUID | None:
        """Second level (C4.2): to a member of the lead's group. Returns the rep who held it."""
        self._ensure_open()
        if self.group_id is None:
            raise RuleViolation("the lead is in no group yet: a manager assigns it to a group first",
                                lead_id=str(self.id))
        if self.owner_id == rep_id:
            raise RuleViolation("the lead is already assigned to this rep", lead_id=str(self.id),
                                rep_id=str(rep_id))
        previous = self.owner_id
        self.owner_id, self.status, self.assigned_at = rep_id, LeadStatus.ASSIGNED, at
        return previous

    def follow(self, holder: Lead, at: datetime) -> None:
        """A lead linked to a known customer goes where the customer already is, so that one
        customer is never worked by two reps (撞单, C3)."""
        self.department_id, self.group_id, self.owner_id = holder.department_id, holder.group_id, holder.owner_id
        if self.owner_id is not None:
            self.status, self.assigned_at = LeadStatus.ASSIGNED, at
        elif self.group_id is not None:
            self.status, self.assigned_at = LeadStatus.IN_GROUP, at

    def found_by(self, rep_id: uuid.UUID, group_id: uuid.UUID, at: datetime) -> None:
        """Own prospecting (C1): the rep who found the lead works it, in their group."""
        self.group_id, self.owner_id, self.status, self.assigned_at = group_id, rep_id, LeadStatus.ASSIGNED, at

    def win(self) -> None:
        self.status = LeadStatus.WON

    def _ensure_open(self) -> None:
        if not self.is_open:
            raise RuleViolation(f"the lead is {self.status.value} and can no longer be distributed",
                                lead_id=str(self.id), status=self.status.value)


@dataclass(frozen=True)
class LeadAssignment:
    """One step of a lead's distribution history (who, to whom, by whom, how, why)."""

    id: uuid.UUID
    lead_id: uuid.UUID
    level: str  # "group" | "rep"
    group_id: uuid.UUID
    rep_id: uuid.UUID | None
    previous_rep_id: uuid.UUID | None
    assigned_by: uuid.UUID
    strategy: str
    reason: str | None
    assigned_at: datetime


@dataclass(frozen=True)
class ContactDisclosure:
    """An audit row: someone read a customer's full contact details (reveal) or exported them (C10)."""

    id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    disclosed_to: uuid.UUID
    kind: str  # "reveal" | "export"
    at: datetime
