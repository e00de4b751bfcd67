"""Per-person plan overrides (P1, P4 "per role and per person"): a person may be paid on other
amounts than their role's plan, versioned by effective period exactly as role plans are.

An override states any subset of the amounts; what it leaves out comes from the role plan in
force for the same period, so a later role-plan change still reaches the person for the amounts
the override does not state. The parts that apply stay the role plan's.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from payroll.domain.plans import CompensationPlan
from payroll.domain.versions import ensure_new_period, in_force
from shared.errors import InvalidInput

AMOUNTS = ("monthly_base", "performance_standard", "performance_fixed", "bonus_base", "commission_rate")
# What else an override may state: the person's own commission plan (by key) and target (P4 "per person").
COMMISSION_TERMS = ("commission_plan", "commission_target")


@dataclass(frozen=True)
class PlanOverride:
    employee_id: uuid.UUID
    version: int
    effective_from: str  # YYYY-MM
    monthly_base: Decimal | None = None
    performance_standard: Decimal | None = None
    performance_fixed: Decimal | None = None
    bonus_base: Decimal | None = None
    commission_rate: Decimal | None = None
    commission_plan: str | None = None
    commission_target: Decimal | None = None
    set_by: uuid.UUID | None = None
    set_at: datetime | None = None

    def __post_init__(self) -> None:
        if not self.overridden():
            raise InvalidInput("monthly_base", f"an override states at least one of {list(AMOUNTS + COMMISSION_TERMS)}")
        for name, value in self.overridden().items():
            if isinstance(value, Decimal) and value < 0:
                raise InvalidInput(name, "may not be negative")

    def overridden(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in AMOUNTS + COMMISSION_TERMS if getattr(self, name) is not None}


def override_in_force(overrides: Iterable[PlanOverride], employee_id: uuid.UUID, period: str) -> PlanOverride | None:
    return in_force((each for each in overrides if each.employee_id == employee_id), period)


def ensure_new_override_period(versions: Iterable[PlanOverride], effective_from: str) -> None:
    ensure_new_period(versions, effective_from, lambda each: f"override version {each.version}")


def resolve(plan: CompensationPlan, override: PlanOverride | None) -> CompensationPlan:
    """The plan one person is paid on: the role plan with the override's amounts."""
    if override is None:
        return plan
    return dataclasses.replace(plan, override_version=override.version, **override.overridden())
