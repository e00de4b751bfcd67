"""The evaluation flow (A3): self-evaluation → group leader → superior → HR's composite, each
stage once, in order, by the one person (or function) it belongs to."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from appraisal.domain.scoring import ZERO, quantize
from appraisal.domain.templates import Template
from shared.errors import Conflict, Forbidden, InvalidInput


class Stage:
    SELF = "self"
    LEADER = "leader"
    SUPERIOR = "superior"
    HR = "hr"

    ORDER = (SELF, LEADER, SUPERIOR, HR)


@dataclass(frozen=True)
class Review:
    id: uuid.UUID
    employee_id: uuid.UUID
    period: str
    stage: str
    reviewer_id: uuid.UUID
    ratings: Mapping[str, Decimal]
    total: Decimal
    submitted_at: datetime


@dataclass(frozen=True)
class Reviewee:
    """The employee under review and the people the flow names for them."""

    employee_id: uuid.UUID
    department_id: uuid.UUID | None
    # The leader of the employee's group; for a leader of their own group, their manager.
    leader_id: uuid.UUID | None
    # The leader's manager.
    superior_id: uuid.UUID | None


@dataclass(frozen=True)
class Reviewer:
    employee_id: uuid.UUID
    department_id: uuid.UUID | None
    # Holds a department-wide role (department or regional manager, supervisor).
    department_wide: bool
    is_hr: bool


def ensure_may_review(stage: str, reviewee: Reviewee, reviewer: Reviewer) -> None:
    """Forbidden, with the reason, unless ``reviewer`` is whom the stage belongs to."""
    if stage == Stage.SELF:
        if reviewer.employee_id != reviewee.employee_id:
            raise Forbidden("the self-evaluation is written by the employee themself", stage=stage)
        return
    if reviewer.employee_id == reviewee.employee_id:
        raise Forbidden("an employee writes only their own self-evaluation", stage=stage)
    if stage == Stage.LEADER:
        if reviewee.leader_id is None or reviewer.employee_id != reviewee.leader_id:
            raise Forbidden("the leader evaluation is written by the leader of the employee's group",
                            stage=stage)
        return
    if stage == Stage.SUPERIOR:
        is_leaders_manager = reviewee.superior_id is not None and reviewer.employee_id == reviewee.superior_id
        heads_department = (reviewer.department_wide and reviewer.department_id is not None
                            and reviewer.department_id == reviewee.department_id)
        if not (is_leaders_manager or heads_department):
            raise Forbidden("the superior evaluation is written by the group leader's manager or a "
                            "department-wide manager of the employee's department", stage=stage)
        return
    if stage == Stage.HR:
        if not reviewer.is_hr:
            raise Forbidden("the composite evaluation is written by HR", stage=stage)
        return
    raise InvalidInput("stage", f"must be one of {', '.join(Stage.ORDER)}")


def ensure_distinct_reviewer(stage: str, reviewer_id: uuid.UUID, submitted: Collection[Review]) -> None:
    """Each stage by a different person (A3): a manager who is both the leader and the leader's
    manager writes one of the two, and the other stays missing until someone else writes it or
    HR closes with a stated rule."""
    for review in submitted:
        if review.reviewer_id == reviewer_id and review.stage != stage:
            raise Forbidden(f"{reviewer_id} already wrote the {review.stage} evaluation; each stage is written "
                            f"by a different person", stage=stage, written_stage=review.stage)


def ensure_in_order(stage: str, submitted: Collection[str]) -> None:
    """Conflict unless every earlier stage is in and this one is not."""
    if stage in submitted:
        raise Conflict(f"the {stage} evaluation has already been submitted", stage=stage)
    position = Stage.ORDER.index(stage)
    missing = [earlier for earlier in Stage.ORDER[:position] if earlier not in submitted]
    if missing:
        raise Conflict(f"the {missing[0]} evaluation comes first", stage=stage, missing_stages=missing)


def validate_ratings(ratings: Mapping[str, Decimal], template: Template) -> None:
    """A review rates exactly the template's rated indicators, each 0–100."""
    expected = {indicator.key for indicator in template.rated}
    if not expected:
        raise Conflict(f"template {template.key} has no rated indicators to review", template=template.key)
    for key, value in ratings.items():
        if key not in expected:
            raise InvalidInput(f"ratings.{key}", f"is not a rated indicator of template {template.key}; "
                                                 f"expected {', '.join(sorted(expected))}")
        if not ZERO <= value <= Decimal(100):
            raise InvalidInput(f"ratings.{key}", "must be between 0 and 100")
    missing = sorted(expected - ratings.keys())
    if missing:
        raise InvalidInput(f"ratings.{missing[0]}", "is missing: a review rates every rated indicator")


def review_total(ratings: Mapping[str, Decimal], template: Template) -> Decimal:
    """One number per review: its ratings weighted as the template weighs the indicators."""
    rated = template.rated
    weight = sum((indicator.weight for indicator in rated), ZERO)
    return quantize(sum((ratings[indicator.key] * indicator.weight for indicator in rated), ZERO) / weight)
