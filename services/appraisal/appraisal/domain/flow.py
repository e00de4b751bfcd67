"""The whole review (A3) around the ratings: which stages a close still lacks, what HR's stated
rule makes of a missing stage, when each stage is due (A1), and the feedback interview and the
employee's acknowledgement that end the flow.

A missing stage is never re-weighted silently: the close is refused while one is missing, and HR
closing anyway names one of the rules below, which every affected result records."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from appraisal.domain.periods import Period
from appraisal.domain.reviews import Stage
from appraisal.domain.scoring import SubmittedReview
from appraisal.domain.templates import Template
from shared.errors import Conflict, Forbidden, InvalidInput

ZERO = Decimal(0)


class MissingRule:
    """What a stage that was never submitted counts as when HR closes anyway."""

    # Every rated indicator of the missing stage is rated 0, at the stage's full weight.
    ZERO = "zero"
    # The missing stage counts as the group leader's ratings; 0 where the leader's is missing too.
    LEADER = "leader"
    # The stages submitted share the missing stages' weight in proportion to their own (stated,
    # and recorded on the result, so it is not silent); none submitted: the unrated points.
    REWEIGHT = "reweight"

    ALL = (ZERO, LEADER, REWEIGHT)


def missing_stages(submitted: Collection[str], required: Sequence[str]) -> list[str]:
    """The required stages not yet submitted, in the flow's order."""
    return [stage for stage in Stage.ORDER if stage in required and stage not in submitted]


def apply_missing_rule(reviews: Sequence[SubmittedReview], missing: Sequence[str], rule: str,
                       template: Template) -> list[SubmittedReview]:
    """The reviews the close scores: those submitted plus, per missing stage, what ``rule`` makes of it."""
    if rule not in MissingRule.ALL:
        raise InvalidInput("missing_stages_rule", f"must be one of {', '.join(MissingRule.ALL)}")
    if rule == MissingRule.REWEIGHT or not missing:
        return list(reviews)
    keys = [indicator.key for indicator in template.rated]
    leader = next((review for review in reviews if review.stage == Stage.LEADER), None)
    filled = list(reviews)
    for stage in missing:
        if rule == MissingRule.LEADER and leader is not None:
            ratings = {key: leader.ratings.get(key, ZERO) for key in keys}
        else:
            ratings = {key: ZERO for key in keys}
        filled.append(SubmittedReview(stage, ratings))
    return filled


def due_on(period: Period, stage: str, due_days: Mapping[str, int]) -> date:
    """The day a stage of ``period`` is due: a day of the following month (A1)."""
    return period.next().first_day.replace(day=due_days[stage])


@dataclass(frozen=True)
class OverdueReview:
    employee_id: uuid.UUID
    stage: str
    due_on: date
    # Whom the org chart names for the stage today; None for HR's stage or when nobody is named.
    reviewer_id: uuid.UUID | None


@dataclass(frozen=True)
class Feedback:
    """The feedback interview (A3) and, once given, the employee's acknowledgement of the result."""

    employee_id: uuid.UUID
    period: str
    interviewer_id: uuid.UUID
    held_on: date
    notes: str
    improvement_plan: str
    recorded_at: datetime
    acknowledged_at: datetime | None = None
    acknowledgement_comment: str | None = None


def ensure_interview_may_follow(submitted: Collection[str], required: Sequence[str], period: Period,
                                held_on: date, today: date) -> None:
    """The interview discusses a finished review: every required stage is in, and it is held
    between the month's end and today."""
    missing = missing_stages(submitted, required)
    if missing:
        raise Conflict(f"the {missing[0]} evaluation comes before the feedback interview", stage="interview",
                       missing_stages=missing)
    if held_on > today:
        raise InvalidInput("held_on", "an interview is recorded once held, not in advance")
    if held_on < period.first_day:
        raise InvalidInput("held_on", f"must not be before the period {period} began")


def ensure_may_acknowledge(feedback: Feedback | None, employee_id: uuid.UUID, by: uuid.UUID) -> Feedback:
    if by != employee_id:
        raise Forbidden("only the employee appraised acknowledges their result", stage="acknowledgement")
    if feedback is None:
        raise Conflict("the feedback interview comes before the acknowledgement", stage="acknowledgement",
                       missing_stages=["interview"])
    if feedback.acknowledged_at is not None:
        raise Conflict("the result has already been acknowledged", stage="acknowledgement",
                       acknowledged_at=feedback.acknowledged_at.isoformat())
    return feedback
