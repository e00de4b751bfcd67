"""Events published by the appraisal service (topics ``appraisal.review``, ``appraisal.score``,
``appraisal.period``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from shared.events.envelope import Event, register


@register
class ReviewSubmitted(Event):
    event_type = "appraisal.review.submitted.v1"
    topic = "appraisal.review"
    key_field = "employee_id"
    summary = "One evaluation in the flow self → group leader → superior → HR was submitted (A3)."

    review_id: uuid.UUID
    employee_id: uuid.UUID
    period: str  # YYYY-MM
    stage: str  # self, leader, superior, hr
    reviewer_id: uuid.UUID
    ratings: dict[str, Decimal]
    total: Decimal
    submitted_at: datetime


@register
class ScoreUpdated(Event):
    event_type = "appraisal.score.updated.v1"
    topic = "appraisal.score"
    key_field = "employee_id"
    summary = ("An employee's live score for an open period changed because inputs landed (A9); inputs "
               "handled together in one transaction give one event with the resulting score.")

    employee_id: uuid.UUID
    period: str
    score: Decimal
    computed_at: datetime


@register
class AppraisalResultFinalized(Event):
    event_type = "appraisal.result.finalized.v1"
    topic = "appraisal.score"
    key_field = "employee_id"
    summary = (
        "An employee's frozen result for a closed period: score, bonus coefficient (A5), rank and "
        "flags. One per employee, so that PeriodClosed stays small."
    )

    period: str
    employee_id: uuid.UUID
    role: str | None = None
    score: Decimal
    coefficient: Decimal
    rank: int | None = None
    flags: list[str] = []
    # A3: required review stages never submitted, and the rule HR stated for them when closing.
    missing_stages: list[str] = []
    missing_stages_rule: str | None = None
    # 1 at the first close; each close after a reopen gives the period's next revision, which
    # replaces the employee's earlier result for that period (payroll adjusts a locked run).
    revision: int = 1
    # A7: rank by score among the employees of the same department and role.
    department_role_rank: int | None = None
    # A8: the month's plan-execution score (0–100) when the employee's template scores it (a
    # plan_execution line), for a pay rule that adjusts base income by it; None otherwise.
    plan_execution: Decimal | None = None


@register
class PeriodClosed(Event):
    event_type = "appraisal.period.closed.v1"
    topic = "appraisal.period"
    key_field = "period"
    summary = (
        "A monthly period was closed and its scores frozen. Per-employee results travel as "
        "appraisal.result.finalized.v1 (on another partition, possibly later): a subscriber waits "
        "until it holds `employee_count` of them."
    )

    period: str
    closed_at: datetime
    closed_by: uuid.UUID
    employee_count: int
    # 1 at the first close, then one more at each close after a reopen.
    revision: int = 1


@register
class FeedbackInterviewHeld(Event):
    event_type = "appraisal.feedback.interview_held.v1"
    topic = "appraisal.review"
    key_field = "employee_id"
    summary = ("The manager held the feedback interview on an employee's month (A3): date, notes and the "
               "improvement plan agreed.")

    employee_id: uuid.UUID
    period: str
    interviewer_id: uuid.UUID
    held_on: date
    notes: str
    improvement_plan: str


@register
class ResultAcknowledged(Event):
    event_type = "appraisal.result.acknowledged.v1"
    topic = "appraisal.review"
    key_field = "employee_id"
    summary = "The employee saw their month's appraisal after the feedback interview and acknowledged it (A3)."

    employee_id: uuid.UUID
    period: str
    acknowledged_at: datetime
    comment: str | None = None


@register
class PeriodReopened(Event):
    event_type = "appraisal.period.reopened.v1"
    topic = "appraisal.period"
    key_field = "period"
    summary = (
        "HR reopened a closed period, with a reason. Its results stand until the period closes again; "
        "that close publishes PeriodClosed and one AppraisalResultFinalized per employee with the next "
        "`revision`, which replace the earlier ones (a locked pay run gets adjustments, never edits)."
    )

    period: str
    reopened_at: datetime
    reopened_by: uuid.UUID
    reason: str
    # The revision of the results now reopened (the next close publishes revision + 1).
    revision: int


@register
class AnnualResultFinalized(Event):
    event_type = "appraisal.annual_result.finalized.v1"
    topic = "appraisal.score"
    key_field = "employee_id"
    summary = (
        "An employee's annual score (A1): the mean of the year's monthly scores under the stated rule for "
        "months without a result, computed in January for the past year; a recomputation carries a higher "
        "revision and replaces the earlier one."
    )

    year: int
    employee_id: uuid.UUID
    score: Decimal
    coefficient: Decimal
    # The months (YYYY-MM) whose results were averaged, and those of the year without a result.
    months_scored: list[str]
    months_missing: list[str]
    # How months without a result count: employed_months (left out) or zero (counted as 0).
    missing_months_rule: str
    revision: int = 1
    computed_at: datetime


@register
class HonourAwarded(Event):
    event_type = "appraisal.honour.awarded.v1"
    topic = "appraisal.score"
    key_field = "period"
    summary = (
        "A monthly honour (A7: Sales Star, Customer Service Model, Sales Champion, Best Team, Best Newcomer) "
        "was awarded when a period closed, under criteria that are configuration."
    )

    period: str
    honour: str
    name: str
    employee_id: uuid.UUID
    # Best Team is the group's: its leader receives it on the group's behalf.
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    # The measure the criteria ranked on, and its value.
    measure: str
    value: Decimal
    revision: int = 1


@register
class DismissalCaseOpened(Event):
    event_type = "appraisal.dismissal_case.opened.v1"
    topic = "appraisal.score"
    key_field = "employee_id"
    summary = (
        "An employee flagged for retraining (A6) still failed in the results after it: a dismissal case "
        "was opened for HR to decide (淘汰, seed 002). Nothing is decided by the event; HR records the "
        "decision with its reason."
    )

    case_id: uuid.UUID
    employee_id: uuid.UUID
    # The month whose result flagged retraining, and that result's flags.
    retraining_period: str
    retraining_flags: list[str]
    # The results after it that still failed (below ``failing_below``), month by month.
    failing_periods: list[str]
    failing_scores: list[Decimal]
    failing_below: Decimal
    opened_at: datetime
