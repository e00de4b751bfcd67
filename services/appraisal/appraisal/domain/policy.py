"""The company's appraisal policy: every number the rules use, built from settings, never a
constant in the rules themselves (A3, A4, A5, A6)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from appraisal.domain.plan_execution import PlanExecutionPolicy
from appraisal.domain.reports import ReportPolicy

if TYPE_CHECKING:  # honours ranks with results, which reads this policy
    from appraisal.domain.honours import HonourRule


@dataclass(frozen=True)
class CoefficientBand:
    """Scores at or above ``minimum`` (and below the next band up) earn ``coefficient`` (A5)."""

    minimum: Decimal
    coefficient: Decimal


@dataclass(frozen=True)
class AppraisalPolicy:
    # Composite weights of the review stages (A3: self 20, leader 40, superior 40).
    stage_weights: Mapping[str, Decimal]
    # HR's composite (A3), when submitted, is the final word on the rated indicators.
    hr_composite_overrides: bool
    # Points a rated indicator earns while no review has rated it yet.
    unrated_points: Decimal
    # A4: a half-day absence deducts like a full one on the attendance indicator (pay, P6, still
    # deducts half a day's wage; that is payroll's rule).
    half_day_counts_as_full: bool
    # Highest band first; the last band's minimum must be 0 so that every score has a band.
    bands: tuple[CoefficientBand, ...]
    # A6: one month below this flags retraining …
    retraining_below: Decimal
    # … and so do ``low_score_months`` consecutive months below this.
    low_score_below: Decimal
    low_score_months: int
    # A3: the review stages a close requires for everyone whose template has rated indicators;
    # a close without one of them needs HR's stated rule (domain.flow.MissingRule).
    required_stages: tuple[str, ...]
    # A1: day of the month after the period by which each stage is due (forms to HR by the 8th,
    # the appraisal done in the first ten days).
    stage_due_days: Mapping[str, int]
    # Seed 003's intent customers: the call dispositions that mark the called lead as one.
    intent_dispositions: frozenset[str]
    # A1: how months of the year without a result count in the annual score (domain.annual).
    annual_missing_months: str
    # A7: the honours awarded at each close (domain.honours).
    honours: tuple[HonourRule, ...]
    # A8: days from the week's Monday by which the weekly plan and the weekly report are due.
    weekly_plan_due_offset_days: int
    weekly_report_due_offset_days: int
    # A2 complaint-handling timeliness: besides crm's on_time, an upper bound on hours_to_resolve
    # (None: crm's on_time alone decides).
    complaint_on_time_max_hours: Decimal | None = None
    # A6: the months after a retraining flag whose results judge it, and the score below which a
    # result still fails (domain.consequences).
    retraining_follow_up_months: int = 1
    dismissal_failing_below: Decimal = Decimal(70)
    # A8: daily logs, the monthly report and their days (domain.reports) …
    reports: ReportPolicy = field(default_factory=ReportPolicy)
    # … and the plan-execution score made of them (domain.plan_execution); the settings give both.
    plan_execution: PlanExecutionPolicy | None = None
