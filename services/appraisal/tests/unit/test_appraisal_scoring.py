"""Scoring rules, template weights and the review composite (A2, A3, A4)."""

from __future__ import annotations

import dataclasses

import pytest
from appraisal_builders import ATTENDANCE, d, policy, rated, sales_template, to_target

from appraisal.domain.scoring import IndicatorStatus, SubmittedReview, Tally, composite_ratings, points_for, score
from appraisal.domain.templates import Indicator, Rule, Source, Template, validate_template
from shared.auth import Role
from shared.errors import InvalidInput


class TestRules:
    def test_linear_to_target_is_proportional_below_the_target(self):
        assert points_for(to_target("x", Source.SALES_AMOUNT, 30, "100000"), d(45000)) == d("45.00")

    def test_linear_to_target_is_capped_at_100_points(self):
        assert points_for(to_target("x", Source.SALES_AMOUNT, 30, "100000"), d(250000)) == d(100)

    def test_linear_to_target_rounds_half_up_to_cents(self):
        assert points_for(to_target("x", Source.CALLS_DIALLED, 30, "3"), d(2)) == d("66.67")

    def test_attendance_loses_four_points_per_absence_day(self):
        assert points_for(ATTENDANCE, d(3)) == d(88)

    def test_attendance_never_goes_below_zero(self):
        assert points_for(ATTENDANCE, d(40)) == d(0)


class TestTemplates:
    def test_the_default_like_template_is_valid(self):
        validate_template(sales_template(), Role.ALL)

    def test_weights_must_sum_to_100(self):
        template = sales_template()
        lighter = dataclasses.replace(template, indicators=template.indicators[:-1])
        with pytest.raises(InvalidInput, match="weights must sum to 100, not 80"):
            validate_template(lighter, Role.ALL)

    def test_a_review_source_needs_the_rating_rule(self):
        wrong = Indicator(key="teamwork", source=Source.REVIEW, weight=d(100), rule=Rule.LINEAR_TO_TARGET,
                          params={"target": d(1)})
        with pytest.raises(InvalidInput) as refused:
            validate_template(Template("t", "T", ("sales_rep",), (wrong,)), Role.ALL)
        assert refused.value.extra["errors"][0]["field"] == "indicators[0].rule"

    def test_a_missing_target_is_named(self):
        missing = Indicator(key="calls", source=Source.CALLS_DIALLED, weight=d(100), rule=Rule.LINEAR_TO_TARGET)
        with pytest.raises(InvalidInput) as refused:
            validate_template(Template("t", "T", ("telesales_agent",), (missing,)), Role.ALL)
        assert refused.value.extra["errors"][0]["field"] == "indicators[0].params.target"

    def test_an_unknown_role_is_refused(self):
        with pytest.raises(InvalidInput, match="unknown role"):
            validate_template(dataclasses.replace(sales_template(), roles=("astronaut",)), Role.ALL)


class TestComposite:
    def test_self_leader_superior_weigh_20_40_40(self):
        reviews = [SubmittedReview("self", {"teamwork": d(50)}), SubmittedReview("leader", {"teamwork": d(70)}),
                   SubmittedReview("superior", {"teamwork": d(90)})]
        assert composite_ratings(reviews, policy()) == {"teamwork": d("74.00")}

    def test_a_lone_self_evaluation_counts_as_itself_while_the_flow_runs(self):
        assert composite_ratings([SubmittedReview("self", {"teamwork": d(80)})], policy()) == {"teamwork": d(80)}

    def test_self_and_leader_are_renormalised_to_one_third_and_two_thirds(self):
        reviews = [SubmittedReview("self", {"teamwork": d(90)}), SubmittedReview("leader", {"teamwork": d(60)})]
        assert composite_ratings(reviews, policy()) == {"teamwork": d("70.00")}

    def test_hr_composite_replaces_the_others_when_configured(self):
        reviews = [SubmittedReview("self", {"teamwork": d(90)}), SubmittedReview("hr", {"teamwork": d(65)})]
        assert composite_ratings(reviews, policy()) == {"teamwork": d(65)}
        assert composite_ratings(reviews, policy(hr_composite_overrides=False)) == {"teamwork": d(90)}

    def test_configured_weights_are_used(self):
        reviews = [SubmittedReview("self", {"teamwork": d(100)}), SubmittedReview("leader", {"teamwork": d(0)})]
        weights = {"self": d(50), "leader": d(50), "superior": d(0)}
        assert composite_ratings(reviews, policy(stage_weights=weights)) == {"teamwork": d(50)}


class TestScoreCard:
    def test_breakdown_and_total(self):
        tallies = {Source.SALES_AMOUNT: Tally(d(50000), 2), Source.CONTRACTS_SIGNED: Tally(d(2), 2),
                   Source.COLLECTIONS: Tally(d(80000), 1), Source.LEADS_ASSIGNED: Tally(d(30), 30)}
        reviews = [SubmittedReview("self", {"teamwork": d(80), "ability": d(60)})]
        card = score(sales_template(), tallies, reviews, policy())
        lines = {line.key: (line.raw_value, line.points, line.contribution, line.inputs, line.status)
                 for line in card.indicators}
        assert lines == {
            "sales_amount": (d(50000), d(50), d(15), 2, IndicatorStatus.MEASURED),
            "contracts_signed": (d(2), d(50), d(5), 2, IndicatorStatus.MEASURED),
            "collections": (d(80000), d(100), d(15), 1, IndicatorStatus.MEASURED),
            "leads_worked": (d(30), d(100), d(5), 30, IndicatorStatus.MEASURED),
            "teamwork": (d(80), d(80), d(8), 1, IndicatorStatus.RATED),
            "ability": (d(60), d(60), d(6), 1, IndicatorStatus.RATED),
            "attendance": (d(0), d(100), d(20), 0, IndicatorStatus.MEASURED),
        }
        assert card.total == d(74)

    def test_unrated_indicators_are_pending_with_the_configured_points(self):
        card = score(sales_template(), {}, [], policy(unrated_points=d(60)))
        teamwork = next(line for line in card.indicators if line.key == "teamwork")
        assert (teamwork.status, teamwork.points, teamwork.contribution) == (IndicatorStatus.PENDING, d(60), d(6))
        assert card.total == d(20) + d(6) + d(6)

    def test_attendance_is_measured_from_absence_days(self):
        card = score(sales_template(), {Source.ABSENCE_DAYS: Tally(d(2), 21)}, [], policy())
        attendance = next(line for line in card.indicators if line.key == "attendance")
        assert (attendance.status, attendance.raw_value, attendance.points, attendance.contribution, attendance.inputs
                ) == (IndicatorStatus.MEASURED, d(2), d(92), d("18.40"), 21)

    def test_no_absence_recorded_is_the_full_base_measured_not_assumed(self):
        card = score(sales_template(), {}, [], policy())
        attendance = next(line for line in card.indicators if line.key == "attendance")
        assert (attendance.status, attendance.raw_value, attendance.points) == (IndicatorStatus.MEASURED, d(0), d(100))
        assert card.total == d(20)

    def test_the_score_does_not_depend_on_the_order_of_reviews(self):
        reviews = [SubmittedReview("self", {"teamwork": d(33), "ability": d(71)}),
                   SubmittedReview("leader", {"teamwork": d(67), "ability": d(12)}),
                   SubmittedReview("superior", {"teamwork": d(91), "ability": d(55)})]
        template = dataclasses.replace(sales_template(), indicators=(rated("teamwork", 50), rated("ability", 50)))
        assert score(template, {}, reviews, policy()) == score(template, {}, reviews[::-1], policy())
