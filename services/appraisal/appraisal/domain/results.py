"""What a closed period decides per employee: the bonus coefficient (A5), the rank (A7) and the
retraining flags (A6)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from appraisal.domain.policy import AppraisalPolicy, CoefficientBand
from appraisal.domain.scoring import ScoreCard, quantize

K = TypeVar("K")


@dataclass(frozen=True)
class AppraisalResult:
    """An employee's frozen result for a closed period."""

    period: str
    employee_id: uuid.UUID
    role: str
    card: ScoreCard
    coefficient: Decimal
    rank: int
    flags: tuple[str, ...]
    finalized_at: datetime
    # A3: the required review stages that were never submitted, and HR's stated rule for them.
    missing_stages: tuple[str, ...] = ()
    missing_stages_rule: str | None = None
    # The period's close that froze it: 1, then one more for each close after a reopen.
    revision: int = 1
    # A7: the department at the close, and the rank among its employees of the same role.
    department_id: uuid.UUID | None = None
    department_role_rank: int | None = None

    @property
    def score(self) -> Decimal:
        return self.card.total


class Flag:
    RETRAINING_SCORE_BELOW_MINIMUM = "retraining:score_below_minimum"
    RETRAINING_CONSECUTIVE_LOW_SCORES = "retraining:consecutive_low_scores"


def validate_bands(bands: Sequence[CoefficientBand]) -> None:
    if not bands:
        raise ValueError("at least one coefficient band is needed")
    minimums = [band.minimum for band in bands]
    if minimums != sorted(minimums, reverse=True) or len(set(minimums)) != len(minimums):
        raise ValueError("coefficient bands must be listed from the highest minimum down, each once")
    if minimums[-1] != 0:
        raise ValueError("the lowest coefficient band must start at 0 so that every score has one")


def coefficient_for(score: Decimal, bands: Sequence[CoefficientBand]) -> Decimal:
    """The band is decided on the exact score: 89.99 is below 90, so it earns the 80–89 band."""
    chosen = next((band for band in bands if score >= band.minimum), bands[-1])
    return quantize(chosen.coefficient)


def ranks(scores: Mapping[K, Decimal]) -> dict[K, int]:
    """Competition ranking: equal scores share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in scores.items()}


def flags_for(score: Decimal, earlier: Sequence[Decimal | None], policy: AppraisalPolicy) -> list[str]:
    """``earlier`` holds the frozen scores of the preceding months, most recent first; None where
    the employee had no result, which breaks a run of low months."""
    flags = []
    if score < policy.retraining_below:
        flags.append(Flag.RETRAINING_SCORE_BELOW_MINIMUM)
    needed = policy.low_score_months - 1
    run = [score, *earlier[:needed]]
    if len(run) == policy.low_score_months and all(
        value is not None and value < policy.low_score_below for value in run
    ):
        flags.append(Flag.RETRAINING_CONSECUTIVE_LOW_SCORES)
    return flags
