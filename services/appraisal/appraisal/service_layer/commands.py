"""What callers ask the appraisal service to do. Imperative names; the events they cause are past tense."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from appraisal.domain.templates import Indicator
from shared.auth import Principal


@dataclass(frozen=True)
class SubmitReview:
    period: str
    employee_id: uuid.UUID
    stage: str
    ratings: Mapping[str, Decimal]
    by: Principal


@dataclass(frozen=True)
class ClosePeriod:
    period: str
    by: Principal
    # A3: HR's stated rule for required review stages never submitted (domain.flow.MissingRule);
    # without it the close is refused while any is missing.
    missing_stages_rule: str | None = None


@dataclass(frozen=True)
class ReopenPeriod:
    period: str
    reason: str
    by: Principal


@dataclass(frozen=True)
class ComputeAnnualResults:
    year: int
    by: Principal


@dataclass(frozen=True)
class SubmitWeeklyPlan:
    week: str
    employee_id: uuid.UUID
    content: Mapping[str, str]
    by: Principal


@dataclass(frozen=True)
class DecideWeeklyPlan:
    week: str
    employee_id: uuid.UUID
    decision: str
    by: Principal
    note: str | None = None


@dataclass(frozen=True)
class SubmitWeeklyReport:
    week: str
    employee_id: uuid.UUID
    fields: Mapping[str, str]
    by: Principal


@dataclass(frozen=True)
class RecordInterview:
    period: str
    employee_id: uuid.UUID
    held_on: date
    notes: str
    improvement_plan: str
    by: Principal


@dataclass(frozen=True)
class AcknowledgeResult:
    period: str
    employee_id: uuid.UUID
    by: Principal
    comment: str | None = None


@dataclass(frozen=True)
class SaveTemplate:
    key: str
    name: str
    roles: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    by: Principal


@dataclass(frozen=True)
class InstallTemplatePreset:
    preset: str
    roles: tuple[str, ...]
    by: Principal
    # The new template's key and name; the preset's when not given.
    key: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class DecideDismissalCase:
    """HR's decision on a dismissal case (A6): dismiss or retain, with the reason."""

    case_id: uuid.UUID
    decision: str
    reason: str
    by: Principal


Command = (SubmitReview | ClosePeriod | SaveTemplate | InstallTemplatePreset | RecordInterview
           | AcknowledgeResult | ReopenPeriod | ComputeAnnualResults | SubmitWeeklyPlan | DecideWeeklyPlan
           | SubmitWeeklyReport | DecideDismissalCase)


# --- daily logs, monthly reports and spot checks (A8; handled in service_layer.reports) ----------


@dataclass(frozen=True)
class WriteDailyLog:
    day: date
    employee_id: uuid.UUID
    work_done: str
    customers_contacted: tuple[str, ...]
    visits: int
    problems: str
    by: Principal


@dataclass(frozen=True)
class SubmitMonthlyReport:
    period: str
    employee_id: uuid.UUID
    fields: Mapping[str, str]
    by: Principal


@dataclass(frozen=True)
class DecideMonthlyReport:
    period: str
    employee_id: uuid.UUID
    decision: str
    by: Principal
    note: str | None = None


@dataclass(frozen=True)
class RecordSpotCheck:
    employee_id: uuid.UUID
    subject: str  # domain.reports.SpotCheckSubject
    ref: str  # the day (YYYY-MM-DD) or the week (YYYY-Www)
    item: str
    result: str  # domain.reports.SpotCheckResult
    by: Principal
    note: str | None = None


ReportCommand = WriteDailyLog | SubmitMonthlyReport | DecideMonthlyReport | RecordSpotCheck


@dataclass(frozen=True)
class SweepPlanExecution:
    """Rescore the open months' plan-execution scores once the company day's missed items are known."""
