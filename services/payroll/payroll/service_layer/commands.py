"""What callers ask the payroll service to do. Imperative names; the events they cause are past tense."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class SetPlan:
    """A new version of a role's compensation plan, in force from ``effective_from`` on."""

    role: str
    effective_from: str
    monthly_base: Decimal
    performance_standard: Decimal
    bonus_base: Decimal
    commission_rate: Decimal
    set_by: uuid.UUID
    # Which parts of pay apply (plans.PARTS); None: all four, as before parts existed.
    parts: frozenset[str] | None = None
    # Performance pay where the role is not appraised; None: from the appraisal (P2).
    performance_fixed: Decimal | None = None
    # The named commission plan paying the commission part; None: the flat commission_rate (P4).
    commission_plan: str | None = None
    # The annual bonus part's base (A1 + P3), and whether plan execution adjusts base income (A8).
    annual_bonus_base: Decimal = Decimal("0.00")
    base_follows_plan_execution: bool = False


@dataclass(frozen=True)
class SetPlanOverride:
    """A new version of one person's amounts that differ from their role's plan."""

    employee_id: uuid.UUID
    effective_from: str
    amounts: dict[str, Any]  # any subset of overrides.AMOUNTS + COMMISSION_TERMS
    set_by: uuid.UUID


@dataclass(frozen=True)
class AwardIncentive:
    """A special incentive (特别激励): a one-off line on a run."""

    employee_id: uuid.UUID
    period: str
    amount: Decimal
    reason: str
    by: uuid.UUID


@dataclass(frozen=True)
class CancelIncentive:
    incentive_id: uuid.UUID
    by: uuid.UUID


@dataclass(frozen=True)
class RecomputeRun:
    run_id: uuid.UUID
    by: uuid.UUID


@dataclass(frozen=True)
class ApproveRun:
    run_id: uuid.UUID
    by: uuid.UUID


@dataclass(frozen=True)
class LockRun:
    run_id: uuid.UUID
    by: uuid.UUID


Command = SetPlan | SetPlanOverride | AwardIncentive | CancelIncentive | RecomputeRun | ApproveRun | LockRun
