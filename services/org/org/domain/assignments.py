"""Assignment history (O5): each placement an employee held and from when to when.

A transfer closes the open assignment and opens the next one; no dated row is ever edited
beyond setting the end of the open one, so the past reads the same after any change.
Intervals are half-open: an assignment covers ``valid_from`` up to, not including, ``valid_to``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from org.domain.model import Employee, Placement
from shared.errors import InvalidInput


@dataclass
class Assignment:
    id: uuid.UUID
    employee_id: uuid.UUID
    placement: Placement
    valid_from: date
    valid_to: date | None = None
    reason: str | None = None

    @property
    def is_open(self) -> bool:
        return self.valid_to is None


def first_assignment(employee: Employee) -> Assignment:
    return Assignment(id=uuid.uuid4(), employee_id=employee.id, placement=employee.placement,
                      valid_from=employee.hired_on, reason="hired")


def close(current: Assignment, ends_on: date, *, field: str) -> None:
    """End the open assignment; refusing an end before its start is what keeps history unrewritten."""
    if ends_on < current.valid_from:
        raise InvalidInput(
            field, f"must be on or after {current.valid_from.isoformat()}, when the current assignment began; "
                   f"history before it cannot be rewritten",
        )
    current.valid_to = ends_on


def succeed(current: Assignment, placement: Placement, effective_date: date, reason: str | None, *,
            field: str) -> Assignment:
    """Close ``current`` on ``effective_date`` and return the assignment that follows it."""
    close(current, effective_date, field=field)
    return Assignment(id=uuid.uuid4(), employee_id=current.employee_id, placement=placement,
                      valid_from=effective_date, reason=reason)


def ensure_not_in_future(field: str, value: date, today: date) -> None:
    # Changes take effect now; a dated change that has not happened yet would need a scheduler
    # to make the current record true on the day, which the service does not have (yet).
    if value > today:
        raise InvalidInput(field, f"must not be after today ({today.isoformat()}); future-dated changes "
                                  f"are not supported")
