"""Follow-up plans (跟进计划, C6): after each contact the rep records the next one — when, how, what,
what for. A plan is done (with its outcome) or cancelled; one not done by its time is overdue, for
the rep and for the leader to see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.errors import InvalidInput, RuleViolation

FOLLOW_UP_PLAN = "plan"
FOLLOW_UP_AFTER_SALES = "after_sales"


class FollowUpStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass
class FollowUp:
    id: uuid.UUID
    lead_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID
    due_at: datetime
    method: str
    content: str
    goal: str | None
    status: FollowUpStatus
    created_by: uuid.UUID
    created_at: datetime
    done_at: datetime | None = None
    outcome: str | None = None
    cancel_reason: str | None = None
    # "plan" for the rep's own plans; "after_sales" for the visits planned when a deal is signed (C7),
    # which stay with the deal's rep even if the lead moves on, and go when the deal is cancelled.
    kind: str = FOLLOW_UP_PLAN
    deal_id: uuid.UUID | None = None

    @property
    def after_sales(self) -> bool:
        return self.kind == FOLLOW_UP_AFTER_SALES

    def is_overdue(self, now: datetime) -> bool:
        return self.status is FollowUpStatus.PLANNED and self.due_at < now

    def done(self, *, outcome: str, at: datetime) -> None:
        if self.status is not FollowUpStatus.PLANNED:
            raise RuleViolation(f"the follow-up is already {self.status.value}", follow_up_id=str(self.id),
                                follow_up_status=self.status.value)
        self.status, self.outcome, self.done_at = FollowUpStatus.DONE, outcome, at

    def cancel(self, reason: str) -> None:
        if self.status is not FollowUpStatus.PLANNED:
            raise RuleViolation(f"the follow-up is already {self.status.value}", follow_up_id=str(self.id),
                                follow_up_status=self.status.value)
        self.status, self.cancel_reason = FollowUpStatus.CANCELLED, reason


def planned_fields(*, due_at: datetime, method: str, content: str, goal: str | None, methods: tuple[str, ...],
                   now: datetime, horizon_days: int = 365, field_prefix: str = ""
                   ) -> tuple[datetime, str, str, str | None]:
    if due_at.tzinfo is None:
        raise InvalidInput(f"{field_prefix}due_at", "give a time with its offset, e.g. 2026-12-05T10:00:00+08:00")
    if due_at <= now:
        raise InvalidInput(f"{field_prefix}due_at", "a follow-up is planned for a time still to come")
    if due_at > now + timedelta(days=horizon_days):
        raise InvalidInput(f"{field_prefix}due_at", f"at most {horizon_days} days ahead")
    value = method.strip().lower()
    if value not in methods:
        raise InvalidInput(f"{field_prefix}method", f"unknown method {method!r}; one of: {', '.join(methods)}")
    content = content.strip()
    if not content:
        raise InvalidInput(f"{field_prefix}content", "say what the follow-up is about")
    return due_at, value, content, (goal or "").strip() or None
