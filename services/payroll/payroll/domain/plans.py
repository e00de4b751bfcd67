"""Compensation plans (P1): per role, versioned by the period from which they apply.

A run uses the plan in force for its period: the version with the latest ``effective_from``
not after the period. A role sets one version per period (a second one for the same period is a
409), and a change may not apply from a period whose run is locked, so a locked run's plan is
never rewritten; a draft run picks a change up when it is recomputed.

A plan says which parts of pay apply (``parts``). Performance pay is the appraisal's (P2:
standard × score ÷ full score) unless the plan states ``performance_fixed``: the amount paid
each month where the role is not appraised. A plan whose parts need a score (performance pay
without a fixed amount, or the bonus) is an *appraised* plan: its people cannot be paid without
an appraisal result.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from payroll.domain import versions as by_period
from shared.errors import Conflict, InvalidInput

BASE, PERFORMANCE_PAY, BONUS, COMMISSION = "base", "performance_pay", "bonus", "commission"
PROFIT_SHARE = "profit_share"  # P5: a branch manager's or finance supervisor's share of the branch's profit
# A1 + P3: the year-end bonus on the annual score, paid once a year (:mod:`payroll.domain.annual`).
ANNUAL_BONUS = "annual_bonus"
PARTS = (BASE, PERFORMANCE_PAY, BONUS, COMMISSION, PROFIT_SHARE, ANNUAL_BONUS)
# What a plan stated without ``parts`` pays: the four parts of a salesperson's pay (P1).
DEFAULT_PARTS = (BASE, PERFORMANCE_PAY, BONUS, COMMISSION)


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
    parts: frozenset[str] = frozenset(DEFAULT_PARTS)
    # Paid as performance pay where the role is not appraised; None: from the appraisal (P2).
    performance_fixed: Decimal | None = None
    # Set on the plan a run resolves for one person when their override applied (see overrides.py).
    override_version: int | None = None
    # The named commission plan paying the commission part (commission_plans.py); None: the flat
    # commission_rate on money collected, as before commission plans existed.
    commission_plan: str | None = None
    # A person's own target for a target plan (from their override); None: the plan's.
    commission_target: Decimal | None = None
    # The annual bonus base, multiplied by the annual score's coefficient (the annual_bonus part).
    annual_bonus_base: Decimal = Decimal("0.00")
    # A8: the month's plan-execution score adjusts base income (payroll.domain.annual); off by default.
    base_follows_plan_execution: bool = False

    def pays(self, part: str) -> bool:
        return part in self.parts

    @property
    def needs_result(self) -> bool:
        """Whether paying it takes an appraisal result: a score for performance pay, a coefficient for the bonus."""
        return self.pays(BONUS) or (self.pays(PERFORMANCE_PAY) and self.performance_fixed is None)


def ensure_parts(parts: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(parts)
    unknown = sorted(chosen - set(PARTS))
    if unknown:
        raise InvalidInput("parts", f"unknown part(s) {unknown}; a plan's parts are among {list(PARTS)}")
    return chosen


def ensure_plan_execution_fits(parts: frozenset[str], base_follows_plan_execution: bool) -> None:
    """A8 adjusts base income: a plan without the base part has nothing for it to adjust."""
    if base_follows_plan_execution and BASE not in parts:
        raise InvalidInput("base_follows_plan_execution",
                           "plan execution adjusts base income (A8); this plan does not pay the base part")


def ensure_profit_share_fits(role: str, parts: frozenset[str], manager_roles: Iterable[str],
                             finance_roles: Iterable[str]) -> None:
    """P5: the profit share is for the branch's manager and its finance supervisor, and managers take
    no commission."""
    if PROFIT_SHARE not in parts:
        return
    sides = sorted({*manager_roles, *finance_roles})
    if role not in sides:
        raise InvalidInput("parts", f"only the roles {sides} share the branch's profit (P5); {role!r} does not")
    if COMMISSION in parts:
        raise InvalidInput("parts", "a plan paying a profit share pays no commission (P5: managers take none)")


def ensure_new_period(versions: Iterable[CompensationPlan], effective_from: str) -> None:
    """One version per role and period (:mod:`payroll.domain.versions`)."""
    by_period.ensure_new_period(versions, effective_from)


def plan_in_force(plans: Iterable[CompensationPlan], role: str, period: str) -> CompensationPlan | None:
    return by_period.in_force((plan for plan in plans if plan.role == role), period)


def ensure_change_applies_to_open_periods(effective_from: str, latest_locked_period: str | None) -> None:
    """A plan change must not reach back into a period whose run is locked (P8): versions are
    open-ended, so one starting before that period would apply to it too."""
    if latest_locked_period is not None and effective_from <= latest_locked_period:
        raise Conflict(
            f"the pay run of {latest_locked_period} is locked; a plan change may apply from a later period only",
            field="effective_from", latest_run_period=latest_locked_period,
        )
