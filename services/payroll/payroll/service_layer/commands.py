"""What callers ask the payroll service to do. Imperative names; the events they cause are past tense."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal


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


@dataclass(frozen=True)
class ApproveRun:
    run_id: uuid.UUID
    by: uuid.UUID


@dataclass(frozen=True)
class LockRun:
    run_id: uuid.UUID
    by: uuid.UUID


Command = SetPlan | ApproveRun | LockRun
