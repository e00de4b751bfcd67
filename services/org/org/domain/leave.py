"""Leave requests (请假, O6): asked for in advance, approved by the group leader and, above a
length, by the department manager too; refused with a reason; cancelled before they start.
Leave is counted in whole working days; a type with an annual quota may not be overdrawn."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from shared.errors import Conflict, InvalidInput, RuleViolation


class LeaveStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    CANCELLED = "cancelled"


# Requests that hold their days: a new request may not overlap them, and they count against the quota.
HOLDING = (LeaveStatus.PENDING, LeaveStatus.APPROVED)


@dataclass
class LeaveRequest:
    id: uuid.UUID
    employee_id: uuid.UUID
    leave_type: str
    start: date
    end: date
    # Working days of the employee inside [start, end], fixed at submission.
    days: int
    reason: str | None
    requested_by: uuid.UUID
    status: LeaveStatus = LeaveStatus.PENDING
    needs_manager: bool = False
    leader_approved_by: uuid.UUID | None = None
    manager_approved_by: uuid.UUID | None = None
    decided_by: uuid.UUID | None = None
    decision_reason: str | None = None
    created_at: datetime | None = None

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end

    def approve_as_leader(self, approver: uuid.UUID) -> None:
        self._ensure_pending()
        if self.leader_approved_by is not None:
            raise Conflict("the group leader has already approved this request; the department manager decides now")
        self.leader_approved_by = approver
        if not self.needs_manager:
            self.status = LeaveStatus.APPROVED
            self.decided_by = approver

    def approve_as_manager(self, approver: uuid.UUID) -> None:
        self._ensure_pending()
        if self.leader_approved_by is None:
            raise RuleViolation("the group leader approves first")
        self.manager_approved_by = approver
        self.status = LeaveStatus.APPROVED
        self.decided_by = approver

    def approve_outright(self, approver: uuid.UUID) -> None:
        """HR's decision, standing in for both steps."""
        self._ensure_pending()
        self.status = LeaveStatus.APPROVED
        self.decided_by = approver

    def refuse(self, by: uuid.UUID, reason: str) -> None:
        self._ensure_pending()
        if not reason.strip():
            raise InvalidInput("reason", "a refusal says why")
        self.status = LeaveStatus.REFUSED
        self.decided_by = by
        self.decision_reason = reason

    def cancel(self, by: uuid.UUID, today: date, *, may_cancel_started: bool) -> None:
        if self.status not in HOLDING:
            raise Conflict(f"the request is {self.status.value}; only a pending or approved one can be cancelled",
                           status=self.status.value)
        if self.start <= today and not may_cancel_started:
            raise RuleViolation("the leave has started; only HR may cancel it now", start=self.start.isoformat())
        self.status = LeaveStatus.CANCELLED
        self.decided_by = by

    def _ensure_pending(self) -> None:
        if self.status != LeaveStatus.PENDING:
            raise Conflict(f"the request is {self.status.value}, not pending", status=self.status.value)


# Longer absences are not leave requests but a change of employment status.
MAX_LEAVE_SPAN = timedelta(days=366)


def ensure_leave_dates(start: date, end: date, today: date, *, past_allowed: bool) -> None:
    if end < start:
        raise InvalidInput("end", "is before start")
    if end - start >= MAX_LEAVE_SPAN:
        raise InvalidInput("end", "a leave request covers at most a year")
    if start < today and not past_allowed:
        raise InvalidInput("start", f"leave is requested in advance: {start.isoformat()} is before the company's "
                                    f"today {today.isoformat()}")


def ensure_no_overlap(others: list[LeaveRequest], start: date, end: date) -> None:
    for other in others:
        if other.status in HOLDING and other.overlaps(start, end):
            raise Conflict(f"overlaps the {other.status.value} request {other.id} ({other.start.isoformat()} to "
                           f"{other.end.isoformat()})", field="start", conflicting_request_id=str(other.id))


def ensure_within_quota(leave_type: str, quota: int | None, year: int, used: int, asked: int) -> None:
    if quota is not None and used + asked > quota:
        raise RuleViolation(f"{leave_type} leave of {year}: {asked} day(s) asked, {max(0, quota - used)} left of "
                            f"{quota}", field="leave_type", quota=quota, used=used, asked=asked)
