"""The month's plan-execution score (A8: "the month's plan-execution score adjusts base income";
A4: the weekly report is worth nothing when late or untrue).

Six components, each a share of its items done well, weighted by configuration
(APPRAISAL_PLAN_EXECUTION_WEIGHTS):

- daily_logs, weekly_plans, weekly_reports, monthly_report: each item owed in the month counts 1
  when submitted on time, ``late_credit`` when late (A4's default: 0), 0 when missing;
- approvals: each decision on a weekly plan or monthly report of the month, 1 approved, 0 returned;
- spot_checks: each check of the month, 1 verified, 0 not verified.

score = 100 × Σ(weight × share) ÷ Σ(weight of the components with items). A component with nothing
in it yet (no check made, no report due yet) is left out rather than counted as perfect or as
failed; with nothing at all the score is 100: nothing owed is nothing missed. An item counts in the
month it is due (the weekly report in the month of the Monday after its week, by default); an item
not yet due counts once submitted and is missing only past its day — so the score moves live as
days pass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")
HUNDRED = Decimal(100)
ZERO = Decimal(0)


class Component:
    DAILY_LOGS = "daily_logs"
    WEEKLY_PLANS = "weekly_plans"
    WEEKLY_REPORTS = "weekly_reports"
    MONTHLY_REPORT = "monthly_report"
    APPROVALS = "approvals"
    SPOT_CHECKS = "spot_checks"

    ALL = (DAILY_LOGS, WEEKLY_PLANS, WEEKLY_REPORTS, MONTHLY_REPORT, APPROVALS, SPOT_CHECKS)


class Outcome:
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    APPROVED = "approved"
    RETURNED = "returned"
    VERIFIED = "verified"
    NOT_VERIFIED = "not_verified"


@dataclass(frozen=True)
class PlanExecutionPolicy:
    weights: Mapping[str, Decimal]
    # What a late submission earns of an on-time one (0–1).
    late_credit: Decimal


@dataclass(frozen=True)
class Item:
    """One thing the score came from: a day's log, a week's plan or report, the month's report,
    a decision, a spot check."""

    component: str
    ref: str
    outcome: str
    credit: Decimal = ZERO


@dataclass(frozen=True)
class ComponentScore:
    key: str
    weight: Decimal
    items: int
    credit: Decimal
    share: Decimal | None  # credit ÷ items; None: nothing in it, left out
    contribution: Decimal  # points of the 100 it gives


@dataclass(frozen=True)
class PlanExecution:
    score: Decimal
    components: tuple[ComponentScore, ...]
    items: tuple[Item, ...]


def credit_of(outcome: str, policy: PlanExecutionPolicy) -> Decimal:
    if outcome in (Outcome.ON_TIME, Outcome.APPROVED, Outcome.VERIFIED):
        return Decimal(1)
    if outcome == Outcome.LATE:
        return policy.late_credit
    return ZERO


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plan_execution(items: Sequence[Item], policy: PlanExecutionPolicy) -> PlanExecution:
    credited = tuple(Item(item.component, item.ref, item.outcome, credit_of(item.outcome, policy)) for item in items)
    counts: dict[str, int] = {}
    credits: dict[str, Decimal] = {}
    for item in credited:
        counts[item.component] = counts.get(item.component, 0) + 1
        credits[item.component] = credits.get(item.component, ZERO) + item.credit
    used = sum((policy.weights.get(key, ZERO) for key in Component.ALL if counts.get(key)), ZERO)
    components = []
    total = ZERO
    for key in Component.ALL:
        weight = policy.weights.get(key, ZERO)
        count = counts.get(key, 0)
        share = credits[key] / count if count else None
        raw = weight * share * HUNDRED / used if share is not None and used > 0 else ZERO
        total += raw
        rounded = share.quantize(SHARE, rounding=ROUND_HALF_UP) if share is not None else None
        components.append(ComponentScore(key=key, weight=weight, items=count, credit=credits.get(key, ZERO),
                                         share=rounded, contribution=_quantize(raw)))
    score = _quantize(total) if used > 0 else HUNDRED
    return PlanExecution(score=score, components=tuple(components), items=credited)


def validate_weights(weights: Mapping[str, Decimal]) -> None:
    unknown = sorted(set(weights) - set(Component.ALL))
    if unknown:
        raise ValueError(f"plan-execution weights: unknown components {unknown}; expected {list(Component.ALL)}")
    if any(value < 0 for value in weights.values()):
        raise ValueError("plan-execution weights are not below 0")
    if sum(weights.values(), ZERO) <= 0:
        raise ValueError("at least one plan-execution weight is above 0")
