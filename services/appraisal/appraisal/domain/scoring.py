"""The live score (A2, A3, A4, A9): every indicator of the employee's template scored from the
stored facts and reviews, weighted, and summed. A pure function of what is stored, so the order
in which inputs arrived can never change the result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from appraisal.domain.policy import AppraisalPolicy
from appraisal.domain.templates import TOTAL_WEIGHT, Indicator, Rule, Template

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class IndicatorStatus:
    MEASURED = "measured"  # computed from facts
    RATED = "rated"  # computed from at least one submitted review
    PENDING = "pending"  # a rated indicator no review has rated yet


@dataclass(frozen=True)
class Tally:
    """The facts of one kind for one employee and period: their sum and how many there were."""

    total: Decimal
    count: int


@dataclass(frozen=True)
class SubmittedReview:
    stage: str
    ratings: Mapping[str, Decimal]


@dataclass(frozen=True)
class IndicatorScore:
    key: str
    label: str
    source: str
    rule: str
    raw_value: Decimal | None
    points: Decimal
    weight: Decimal
    contribution: Decimal
    inputs: int
    status: str


@dataclass(frozen=True)
class ScoreCard:
    template_key: str
    indicators: tuple[IndicatorScore, ...]
    total: Decimal


def points_for(indicator: Indicator, value: Decimal) -> Decimal:
    """0–100 points for a raw value under the indicator's rule."""
    if indicator.rule == Rule.LINEAR_TO_TARGET:
        points = min(indicator.param("cap"), value / indicator.param("target") * HUNDRED)
    elif indicator.rule == Rule.DEDUCTION_PER_UNIT:
        points = indicator.param("base") - indicator.param("per_unit") * value
    elif indicator.rule in (Rule.RATING, Rule.SHARE):
        points = value
    else:
        raise ValueError(f"unknown rule {indicator.rule}")
    return quantize(min(HUNDRED, max(ZERO, points)))


def share_of(tally: Tally) -> Decimal | None:
    """The percentage of on-time inputs (each valued 1 on time, 0 late); None without any."""
    if tally.count == 0:
        return None
    return quantize(tally.total / tally.count * HUNDRED)


def composite_ratings(reviews: Sequence[SubmittedReview], policy: AppraisalPolicy) -> dict[str, Decimal]:
    """Per rated indicator, the weighted mean of the stages that rated it (A3).

    While the flow is under way the weights of the stages submitted so far are renormalised,
    so that a self-evaluation alone is read as itself rather than as a fifth of it. HR's
    composite, once given, replaces the others when the policy says so.
    """
    if policy.hr_composite_overrides:
        hr = next((review for review in reviews if review.stage == "hr"), None)
        if hr is not None:
            return {key: quantize(value) for key, value in hr.ratings.items()}
    sums: dict[str, Decimal] = {}
    weights: dict[str, Decimal] = {}
    for review in reviews:
        weight = policy.stage_weights.get(review.stage, ZERO)
        if weight <= 0:
            continue
        for key, rating in review.ratings.items():
            sums[key] = sums.get(key, ZERO) + rating * weight
            weights[key] = weights.get(key, ZERO) + weight
    return {key: quantize(sums[key] / weights[key]) for key in sums}


def score(template: Template, tallies: Mapping[str, Tally], reviews: Sequence[SubmittedReview],
          policy: AppraisalPolicy) -> ScoreCard:
    composite = composite_ratings(reviews, policy)
    lines = []
    for indicator in template.indicators:
        if indicator.is_rated:
            raw = composite.get(indicator.key)
            if raw is None:
                points, status, inputs = quantize(policy.unrated_points), IndicatorStatus.PENDING, 0
            else:
                inputs = sum(1 for review in reviews if indicator.key in review.ratings)
                points, status = points_for(indicator, raw), IndicatorStatus.RATED
        else:
            # No fact of the kind is a measurement too: no absence day recorded scores the full base.
            tally = tallies.get(indicator.source, Tally(ZERO, 0))
            raw, inputs, status = tally.total, tally.count, IndicatorStatus.MEASURED
            if indicator.rule == Rule.SHARE:
                raw = share_of(tally)
                points = quantize(indicator.param("empty")) if raw is None else points_for(indicator, raw)
            else:
                points = points_for(indicator, raw)
        contribution = quantize(points * indicator.weight / TOTAL_WEIGHT)
        lines.append(IndicatorScore(key=indicator.key, label=indicator.label, source=indicator.source,
                                    rule=indicator.rule, raw_value=raw, points=points, weight=indicator.weight,
                                    contribution=contribution, inputs=inputs, status=status))
    total = sum((line.contribution for line in lines), ZERO)
    return ScoreCard(template_key=template.key, indicators=tuple(lines), total=quantize(total))
