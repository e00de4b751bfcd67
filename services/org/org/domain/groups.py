"""Group leadership (O1): a group has exactly one leader, a person leads at most one group, and the
leader is an active member of the group's department."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from org.domain.model import Employee, EmployeeStatus, Placement, SalesGroup
from shared.errors import InvalidInput, RuleViolation


@dataclass
class LeadershipTerm:
    """One leader's time at the head of one group; closed, never edited, when the leader changes."""

    id: uuid.UUID
    group_id: uuid.UUID
    leader_id: uuid.UUID
    valid_from: date
    valid_to: date | None = None


def ensure_may_lead(candidate: Employee, department_id: uuid.UUID, led_group: SalesGroup | None, *,
                    field: str = "leader_id") -> None:
    """``led_group`` is the group ``candidate`` leads today, if any."""
    if candidate.status != EmployeeStatus.ACTIVE:
        raise InvalidInput(field, f"must be an active employee; this one is {candidate.status.value}")
    if candidate.department_id != department_id:
        raise InvalidInput(field, "must be an employee of the group's department")
    if led_group is not None:
        raise RuleViolation(
            "a person leads at most one group, and this employee already leads one",
            conflicting_group_id=str(led_group.id), conflicting_employee_id=str(candidate.id),
        )


def ensure_leader_stays(led_group: SalesGroup | None, target: Placement) -> None:
    """A leader may not move out of the group they lead: the group would be led by an outsider."""
    if led_group is not None and target.group_id != led_group.id:
        raise RuleViolation(
            "this employee leads a group; appoint another leader before moving them out of it",
            led_group_id=str(led_group.id),
        )


def ensure_leader_may_leave(led_group: SalesGroup | None) -> None:
    if led_group is not None:
        raise RuleViolation(
            "this employee leads a group; appoint another leader before recording the leaving",
            led_group_id=str(led_group.id),
        )


def next_term(current: LeadershipTerm, leader_id: uuid.UUID, effective_date: date) -> LeadershipTerm:
    if effective_date < current.valid_from:
        raise InvalidInput("effective_date", f"must be on or after {current.valid_from.isoformat()}, when the "
                                             f"current leader took over")
    current.valid_to = effective_date
    return LeadershipTerm(id=uuid.uuid4(), group_id=current.group_id, leader_id=leader_id,
                          valid_from=effective_date)
