"""The evaluation flow (A3): order of the stages and who may write each."""

from __future__ import annotations

import uuid

import pytest
from appraisal_builders import d, sales_template

from appraisal.domain.reviews import (
    Reviewee,
    Reviewer,
    ensure_in_order,
    ensure_may_review,
    review_total,
    validate_ratings,
)
from shared.errors import Conflict, Forbidden, InvalidInput

DEPARTMENT, OTHER_DEPARTMENT = uuid.uuid4(), uuid.uuid4()
EMPLOYEE, LEADER, SUPERIOR, STRANGER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
REVIEWEE = Reviewee(employee_id=EMPLOYEE, department_id=DEPARTMENT, leader_id=LEADER, superior_id=SUPERIOR)


def person(employee_id=STRANGER, department_id=DEPARTMENT, *, department_wide=False, is_hr=False) -> Reviewer:
    return Reviewer(employee_id=employee_id, department_id=department_id, department_wide=department_wide,
                    is_hr=is_hr)


class TestWhoReviews:
    @pytest.mark.parametrize(("stage", "reviewer"), [
        ("self", person(EMPLOYEE)),
        ("leader", person(LEADER)),
        ("superior", person(SUPERIOR, OTHER_DEPARTMENT)),
        ("superior", person(department_wide=True)),
        ("hr", person(is_hr=True)),
    ], ids=["self", "leader", "leaders-manager", "department-manager", "hr"])
    def test_the_right_person_may_review(self, stage, reviewer):
        ensure_may_review(stage, REVIEWEE, reviewer)

    @pytest.mark.parametrize(("stage", "reviewer", "reason"), [
        ("self", person(LEADER), "written by the employee themself"),
        ("leader", person(SUPERIOR), "leader of the employee's group"),
        ("leader", person(EMPLOYEE), "only their own self-evaluation"),
        ("superior", person(LEADER), "group leader's manager"),
        ("superior", person(department_wide=True, department_id=OTHER_DEPARTMENT), "group leader's manager"),
        ("hr", person(SUPERIOR), "written by HR"),
    ], ids=["self-by-leader", "leader-by-superior", "leader-by-self", "superior-by-leader",
            "superior-by-other-department", "hr-by-superior"])
    def test_the_wrong_person_is_refused_with_the_reason(self, stage, reviewer, reason):
        with pytest.raises(Forbidden, match=reason):
            ensure_may_review(stage, REVIEWEE, reviewer)

    def test_without_a_leader_nobody_writes_the_leader_stage(self):
        leaderless = Reviewee(employee_id=EMPLOYEE, department_id=DEPARTMENT, leader_id=None, superior_id=None)
        with pytest.raises(Forbidden):
            ensure_may_review("leader", leaderless, person(STRANGER))


class TestOrder:
    def test_stages_in_order_are_accepted(self):
        ensure_in_order("self", set())
        ensure_in_order("leader", {"self"})
        ensure_in_order("superior", {"self", "leader"})
        ensure_in_order("hr", {"self", "leader", "superior"})

    @pytest.mark.parametrize(("stage", "submitted", "missing"), [
        ("leader", set(), "self"), ("superior", {"self"}, "leader"), ("hr", {"self", "leader"}, "superior"),
    ])
    def test_a_stage_before_its_predecessor_is_a_conflict(self, stage, submitted, missing):
        with pytest.raises(Conflict, match=f"the {missing} evaluation comes first"):
            ensure_in_order(stage, submitted)

    def test_a_stage_twice_is_a_conflict(self):
        with pytest.raises(Conflict, match="already been submitted"):
            ensure_in_order("self", {"self"})


class TestRatings:
    def test_every_rated_indicator_and_nothing_else(self):
        validate_ratings({"teamwork": d(80), "ability": d(70)}, sales_template())
        with pytest.raises(InvalidInput, match=r"ratings\.ability"):
            validate_ratings({"teamwork": d(80)}, sales_template())
        with pytest.raises(InvalidInput, match=r"ratings\.sales_amount"):
            validate_ratings({"teamwork": d(80), "ability": d(70), "sales_amount": d(1)}, sales_template())

    def test_the_review_total_weighs_ratings_by_indicator_weight(self):
        assert review_total({"teamwork": d(80), "ability": d(61)}, sales_template()) == d("70.50")
