"""Customers (客户档案, C2) and their leads.

A customer is a person or company, known by a phone number and/or an e-mail address that no other
customer has (C3). A lead is one chance to sell to a customer: it came from a source (C1), sits in
a department, then a group's pool, then with one rep (C4). Pool expiry (C5), follow-ups (C6) and
pipeline stages (C7) hang off the lead later; its status list is open for them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from shared.errors import Conflict, InvalidInput, RuleViolation


class LeadStatus(StrEnum):
    NEW = "new"                  # in its department, no group yet
    IN_GROUP = "in_group"        # in a group's pool (公海): the leader hands it out, or a member claims it
    ASSIGNED = "assigned"        # a rep holds it, not yet contacted: counts against the rep's open-lead cap
    CONTACTED = "contacted"      # the rep reached the customer
    INTENT = "intent"            # the customer shows intent
    NEGOTIATING = "negotiating"  # terms under discussion
    WON = "won"                  # a deal was signed on it
    LOST = "lost"                # given up, with a reason


# A rep's working statuses, in the order a sale moves through them; all count against the cap.
HELD_STATUSES = (LeadStatus.ASSIGNED, LeadStatus.CONTACTED, LeadStatus.INTENT, LeadStatus.NEGOTIATING)
OPEN_STATUSES = frozenset({LeadStatus.NEW, LeadStatus.IN_GROUP, *HELD_STATUSES})


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
    # The last follow-up (a status move forward or a follow-up done): the pool's no-follow-up clock (C5).
    followed_up_at: datetime | None = None
    lost_reason: str | None = None
    needs: str | None = None  # what the customer wants from this sale (C2 archive)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_held(self) -> bool:
        return self.status in HELD_STATUSES and self.owner_id is not None

    def move_to(self, status: LeadStatus, *, reason: str | None, at: datetime) -> LeadStatus:
        """The rep's lifecycle (C2): forward freely, backwards only with a reason; lost needs a reason.
        Won comes from a deal, the pool from a release or a reclaim. Returns the status it left."""
        if not self.is_held:
            raise RuleViolation(f"the lead is {self.status.value}: only a lead a rep holds moves through the "
                                f"sales stages", lead_id=str(self.id), lead_status=self.status.value)
        if status not in (*HELD_STATUSES[1:], LeadStatus.LOST):
            raise InvalidInput("status", "one of: contacted, intent, negotiating, lost (won comes from a deal)")
        if status == self.status:
            raise RuleViolation(f"the lead is already {status.value}", lead_id=str(self.id))
        if status is LeadStatus.LOST:
            if not reason:
                raise InvalidInput("reason", "a lost lead records why")
            self.lost_reason = reason
        else:
            if HELD_STATUSES.index(status) < HELD_STATUSES.index(self.status) and not reason:
                raise InvalidInput("reason", f"moving back from {self.status.value} to {status.value} needs a reason")
            # A stage move means the rep spoke to the customer: it restarts the pool's no-follow-up clock.
            self.followed_up_at = at
        previous, self.status = self.status, status
        return previous

    def followed_up(self, at: datetime) -> None:
        if not self.is_held:
            raise RuleViolation("only a lead a rep holds is followed up", lead_id=str(self.id),
                                lead_status=self.status.value)
        self.followed_up_at = at

    def return_to_pool(self, at: datetime) -> uuid.UUID:
        """Back to its group's pool (or, without a group, its department's): the holder loses it (C5)."""
        if not self.is_held:
            raise RuleViolation(f"the lead is {self.status.value}: only a held lead returns to the pool",
                                lead_id=str(self.id), lead_status=self.status.value)
        assert self.owner_id is not None
        previous = self.owner_id
        self.owner_id, self.assigned_at, self.followed_up_at = None, at, None
        self.status = LeadStatus.IN_GROUP if self.group_id is not None else LeadStatus.NEW
        return previous

    def claim(self, rep_id: uuid.UUID, at: datetime) -> None:
        """A member takes a lead from their group's pool, first come first served."""
        if self.status is not LeadStatus.IN_GROUP or self.owner_id is not None:
            raise Conflict("the lead is no longer in the pool: someone claimed or was given it first",
                           lead_id=str(self.id), lead_status=self.status.value)
        self.owner_id, self.status, self.assigned_at, self.followed_up_at = rep_id, LeadStatus.ASSIGNED, at, None

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
        self.owner_id, self.status, self.assigned_at, self.followed_up_at = rep_id, LeadStatus.ASSIGNED, at, None
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
                                lead_id=str(self.id), lead_status=self.status.value)


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
class LeadMove:
    """One line of a lead's life log: a status move, a return to the pool, a claim (C5: every move logged
    with the previous owner and the time). ``by`` is None for the service's own schedule."""

    id: uuid.UUID
    lead_id: uuid.UUID
    kind: str  # "status" | "returned" | "claimed"
    from_status: str
    to_status: str
    owner_id: uuid.UUID | None  # who holds it after the move
    previous_owner_id: uuid.UUID | None
    group_id: uuid.UUID | None
    reason: str | None
    by: uuid.UUID | None
    at: datetime
    on_day: date  # the company's date of ``at``: claims per rep per day are counted on it


@dataclass(frozen=True)
class ContactDisclosure:
    """An audit row: someone read a customer's full contact details (reveal) or exported them (C10)."""

    id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    disclosed_to: uuid.UUID
    kind: str  # "reveal" | "export"
    at: datetime
