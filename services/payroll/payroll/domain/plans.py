"""Compensation plans (P1): per role, versioned by the period from which they apply.

A run uses the plan in force for its period: the version with the latest ``effective_from``
not after the period (the latest version when one period was set twice). A change may only
apply from a period that has no pay run yet, so a computed run's plan is never rewritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from shared.errors import Conflict


@dataclass(frozen=True)
class CompensationPlan:
    role: str
    version: int
    effective_from: str  # YYYY-MM
    monthly_base: Decimal  # 基本底薪
    performance_standard: Decimal  # 绩效工资 earned in full at the full score (P2)
    bonus_base: Decimal  # 绩效奖金 base, multiplied by the appraisal coefficient (P3)
    commission_rate: Decimal  # share of money collected in the period (P4, settled by collection)
    set_by: uuid.UUID | None = None
    set_at: datetime | None = None


def plan_in_force(plans: Iterable[CompensationPlan], role: str, period: str) -> CompensationPlan | None:
    candidates = [p for p in plans if p.role == role and p.effective_from <= period]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.effective_from, p.version))


def ensure_change_applies_to_open_periods(effective_from: str, latest_run_period: str | None) -> None:
    """A plan change must not reach back into a period already paid or being paid."""
    if latest_run_period is not None and effective_from <= latest_run_period:
        raise Conflict(
            f"period {latest_run_period} already has a pay run; a plan change may apply from a later period only",
            field="effective_from", latest_run_period=latest_run_period,
        )
