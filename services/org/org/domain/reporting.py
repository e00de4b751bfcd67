"""Reporting lines (O2): every employee has at most one manager, and the lines never loop."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from shared.errors import RuleViolation


def reporting_cycle(
    employee_id: uuid.UUID, new_manager_id: uuid.UUID | None, manager_of: Mapping[uuid.UUID, uuid.UUID | None]
) -> list[uuid.UUID] | None:
    """The loop that making ``new_manager_id`` the manager of ``employee_id`` would close, or None.

    ``manager_of`` maps each employee on the chain above ``new_manager_id`` to their manager; the
    returned list starts and ends with ``employee_id`` and follows the reporting line upwards.
    """
    chain = [employee_id]
    seen = {employee_id}
    current = new_manager_id
    while current is not None:
        chain.append(current)
        if current == employee_id:
            return chain
        if current in seen:
            # A loop above that does not pass through this employee: not this change's doing.
            return None
        seen.add(current)
        current = manager_of.get(current)
    return None


def ensure_no_reporting_cycle(
    employee_id: uuid.UUID, new_manager_id: uuid.UUID | None, manager_of: Mapping[uuid.UUID, uuid.UUID | None]
) -> None:
    cycle = reporting_cycle(employee_id, new_manager_id, manager_of)
    if cycle is not None:
        raise RuleViolation(
            "this manager would close a loop in the reporting line",
            conflicting_employee_id=str(new_manager_id), cycle=[str(member) for member in cycle],
        )
