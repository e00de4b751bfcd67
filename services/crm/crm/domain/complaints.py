"""Complaints (投诉, C9): recorded at once with the apology made, forwarded to the department
responsible, escalated to its supervisor when unanswered after the set time (default 2 days), closed
with the customer's satisfaction — an unsatisfied customer reopens it — and analysed monthly.

open ──forward──▶ forwarded ──resolve──▶ resolved ──close(satisfied|neutral)──▶ closed
  └──────────────resolve──────────────────▲   └──close(unsatisfied)──▶ back to open/forwarded
Escalation is a mark (``escalated_at``), not a status: the complaint stays where it was, with the
supervisor now answerable for it."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from shared.errors import InvalidInput, RuleViolation


class ComplaintStatus(StrEnum):
    OPEN = "open"
    FORWARDED = "forwarded"
    RESOLVED = "resolved"
    CLOSED = "closed"


UNANSWERED = (ComplaintStatus.OPEN, ComplaintStatus.FORWARDED)
SATISFACTIONS = ("satisfied", "neutral", "unsatisfied")


@dataclass
class Complaint:
    id: uuid.UUID
    lead_id: uuid.UUID
    customer_id: uuid.UUID
    rep_id: uuid.UUID | None  # who held the customer when the complaint came in
    group_id: uuid.UUID | None
    department_id: uuid.UUID
    cause: str
    content: str
    apology: str
    status: ComplaintStatus
    recorded_by: uuid.UUID
    recorded_at: datetime
    responsible_department_id: uuid.UUID | None = None
    forwarded_at: datetime | None = None
    escalated_at: datetime | None = None
    escalated_to: uuid.UUID | None = None
    resolution: str | None = None
    resolved_by: uuid.UUID | None = None
    resolved_at: datetime | None = None
    satisfaction: str | None = None
    closed_at: datetime | None = None
    reopened: int = 0

    @property
    def answerable_department(self) -> uuid.UUID:
        return self.responsible_department_id or self.department_id

    def forward(self, department_id: uuid.UUID, at: datetime) -> None:
        if self.status not in UNANSWERED:
            raise RuleViolation(f"the complaint is {self.status.value}: it is no longer forwarded",
                                complaint_id=str(self.id), complaint_status=self.status.value)
        self.responsible_department_id, self.forwarded_at, self.status = department_id, at, ComplaintStatus.FORWARDED

    def escalation_due(self, after: timedelta, now: datetime) -> bool:
        return self.status in UNANSWERED and self.escalated_at is None and self.recorded_at + after <= now

    def escalate(self, to: uuid.UUID | None, at: datetime) -> None:
        self.escalated_at, self.escalated_to = at, to

    def resolve(self, resolution: str, by: uuid.UUID, at: datetime) -> None:
        if self.status not in UNANSWERED:
            raise RuleViolation(f"the complaint is {self.status.value}", complaint_id=str(self.id),
                                complaint_status=self.status.value)
        self.resolution, self.resolved_by, self.resolved_at, self.status = (
            resolution, by, at, ComplaintStatus.RESOLVED)

    def close(self, satisfaction: str, at: datetime) -> bool:
        """True when closed; an unsatisfied customer sends it back to be answered again (C9: tracked
        to a satisfactory answer), with its first recording time, so escalation still counts from it."""
        if satisfaction not in SATISFACTIONS:
            raise InvalidInput("satisfaction", f"one of: {', '.join(SATISFACTIONS)}")
        if self.status is not ComplaintStatus.RESOLVED:
            raise RuleViolation("only an answered complaint is closed", complaint_id=str(self.id),
                                complaint_status=self.status.value)
        self.satisfaction = satisfaction
        if satisfaction == "unsatisfied":
            self.status = ComplaintStatus.FORWARDED if self.responsible_department_id else ComplaintStatus.OPEN
            self.resolution, self.resolved_by, self.resolved_at = None, None, None
            self.reopened += 1
            return False
        self.status, self.closed_at = ComplaintStatus.CLOSED, at
        return True

    def hours_to_resolve(self) -> Decimal | None:
        if self.resolved_at is None:
            return None
        seconds = Decimal((self.resolved_at - self.recorded_at).total_seconds())
        return (seconds / Decimal(3600)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CauseAnalysis:
    """One month's complaints (C9): how many, why, where, how fast."""

    month: str
    total: int
    by_cause: dict[str, int]
    by_department: dict[uuid.UUID, int]
    escalated: int
    resolved: int
    closed: int
    average_hours_to_resolve: Decimal | None


def analyse(month: str, complaints: list[Complaint]) -> CauseAnalysis:
    hours = [h for h in (c.hours_to_resolve() for c in complaints) if h is not None]
    average = (sum(hours, Decimal(0)) / len(hours)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) \
        if hours else None
    return CauseAnalysis(
        month=month, total=len(complaints), by_cause=dict(Counter(c.cause for c in complaints)),
        by_department=dict(Counter(c.answerable_department for c in complaints)),
        escalated=sum(1 for c in complaints if c.escalated_at is not None),
        resolved=sum(1 for c in complaints if c.resolved_at is not None),
        closed=sum(1 for c in complaints if c.status is ComplaintStatus.CLOSED),
        average_hours_to_resolve=average)
