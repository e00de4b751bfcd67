"""Headcount plan (编制, O3): a department's planned positions per role; no hiring beyond it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.errors import RuleViolation


@dataclass(frozen=True)
class HeadcountPlan:
    department_id: uuid.UUID
    role: str
    planned: int


@dataclass(frozen=True)
class HeadcountLine:
    """One role of a department: planned positions beside the employees filling them."""

    role: str
    planned: int
    filled: int

    @property
    def vacancies(self) -> int:
        # Negative when a plan was lowered below the current staff: over plan, nothing is undone.
        return self.planned - self.filled


def may_hire(planned: int, filled: int, joining: int = 1) -> bool:
    """A role without a plan has zero planned positions, so every hire needs an approved plan."""
    return filled + joining <= planned


def ensure_position_open(department_id: uuid.UUID, role: str, planned: int, filled: int) -> None:
    if not may_hire(planned, filled):
        raise RuleViolation(
            f"the headcount plan of this department allows {planned} {role} position(s) and {filled} "
            f"are filled; raise the plan before hiring or transferring another",
            department_id=str(department_id), role=role, planned=planned, filled=filled,
        )
