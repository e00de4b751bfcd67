"""Events published by the appraisal service (topics ``appraisal.review``, ``appraisal.score``,
``appraisal.period``)."""

from __future__ import annotations

import uuid
from datetime import datetime
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
