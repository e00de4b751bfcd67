"""The whole review's rules (A3, A1) without a database: missing stages, HR's stated rules for
them, due days, the same person in two stages, the interview and the acknowledgement."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from appraisal_builders import d, policy, sales_template

from appraisal.domain.flow import (
    Feedback,
    MissingRule,
    apply_missing_rule,
    due_on,
    ensure_interview_may_follow,
    ensure_may_acknowledge,
    missing_stages,
)
from appraisal.domain.periods import Period
from appraisal.domain.reviews import Review, ensure_distinct_reviewer
from appraisal.domain.scoring import SubmittedReview, composite_ratings
from shared.errors import Conflict, Forbidden, InvalidInput

REQUIRED = ("self", "leader", "superior")
EMPLOYEE, MANAGER = uuid.uuid4(), uuid.uuid4()
SELF = SubmittedReview("self", {"teamwork": d(60), "ability": d(50)})
LEADER = SubmittedReview("leader", {"teamwork": d(80), "ability": d(70)})


def composite(reviews):
    return composite_ratings(reviews, policy())


class TestMissingStages:
    def test_listed_in_the_flows_order(self):
        assert missing_stages({"leader"}, REQUIRED) == ["self", "superior"]
        assert missing_stages({"self", "leader", "superior"}, REQUIRED) == []
        assert missing_stages(set(), ("self",)) == ["self"]

    def test_zero_counts_the_missing_stage_at_its_full_weight(self):
        filled = apply_missing_rule([SELF, LEADER], ["superior"], MissingRule.ZERO, sales_template())
        # teamwork (60×20 + 80×40 + 0×40) ÷ 100 = 44.00, never the silent 73.33 of the two present.
        assert composite(filled) == {"teamwork": d("44.00"), "ability": d("38.00")}

    def test_leader_counts_the_missing_stage_as_the_leaders_ratings(self):
        filled = apply_missing_rule([SELF, LEADER], ["superior"], MissingRule.LEADER, sales_template())
        assert composite(filled) == {"teamwork": d("76.00"), "ability": d("66.00")}

    def test_leader_without_a_leader_review_is_zero(self):
        filled = apply_missing_rule([SELF], ["leader", "superior"], MissingRule.LEADER, sales_template())
        assert composite(filled) == {"teamwork": d("12.00"), "ability": d("10.00")}

    def test_reweight_shares_the_weight_among_the_stages_submitted(self):
        filled = apply_missing_rule([SELF, LEADER], ["superior"], MissingRule.REWEIGHT, sales_template())
        assert composite(filled) == {"teamwork": d("73.33"), "ability": d("63.33")}

    def test_an_unknown_rule_names_the_field(self):
        with pytest.raises(InvalidInput, match="zero, leader, reweight") as refused:
            apply_missing_rule([SELF], ["leader"], "ignore", sales_template())
        assert refused.value.extra["errors"][0]["field"] == "missing_stages_rule"


class TestDeadlines:
    def test_due_on_a_day_of_the_following_month(self):
        days = policy().stage_due_days
        assert due_on(Period(2026, 12), "self", days) == date(2027, 1, 8)
        assert due_on(Period(2026, 11), "superior", days) == date(2026, 12, 10)

    def test_the_defaults_are_a1s(self):
        assert dict(policy().stage_due_days) == {"self": 8, "leader": 8, "superior": 10, "hr": 10}
        assert policy().required_stages == REQUIRED


class TestDistinctPeople:
    def review(self, stage: str, by: uuid.UUID) -> Review:
        return Review(id=uuid.uuid4(), employee_id=EMPLOYEE, period="2026-10", stage=stage, reviewer_id=by,
                      ratings={}, total=d(0), submitted_at=datetime(2026, 11, 2, tzinfo=UTC))

    def test_one_person_writes_one_stage(self):
        with pytest.raises(Forbidden, match="different person"):
            ensure_distinct_reviewer("superior", MANAGER, [self.review("leader", MANAGER)])
        ensure_distinct_reviewer("superior", MANAGER, [self.review("leader", uuid.uuid4())])


class TestInterviewAndAcknowledgement:
    PERIOD = Period(2026, 10)

    def test_the_interview_follows_the_required_reviews(self):
        with pytest.raises(Conflict) as refused:
            ensure_interview_may_follow({"self"}, REQUIRED, self.PERIOD, date(2026, 11, 5), date(2026, 11, 5))
        assert refused.value.extra["missing_stages"] == ["leader", "superior"]
        ensure_interview_may_follow(set(REQUIRED), REQUIRED, self.PERIOD, date(2026, 11, 5), date(2026, 11, 5))

    @pytest.mark.parametrize("held_on", [date(2026, 11, 6), date(2026, 9, 30)], ids=["future", "before-period"])
    def test_the_interview_date_is_checked(self, held_on):
        with pytest.raises(InvalidInput) as refused:
            ensure_interview_may_follow(set(REQUIRED), REQUIRED, self.PERIOD, held_on, date(2026, 11, 5))
        assert refused.value.extra["errors"][0]["field"] == "held_on"

    def test_only_the_employee_acknowledges_once_after_the_interview(self):
        held = Feedback(employee_id=EMPLOYEE, period="2026-10", interviewer_id=MANAGER, held_on=date(2026, 11, 5),
                        notes="n", improvement_plan="p", recorded_at=datetime(2026, 11, 5, tzinfo=UTC))
        with pytest.raises(Forbidden):
            ensure_may_acknowledge(held, EMPLOYEE, MANAGER)
        with pytest.raises(Conflict, match="interview comes before"):
            ensure_may_acknowledge(None, EMPLOYEE, EMPLOYEE)
        assert ensure_may_acknowledge(held, EMPLOYEE, EMPLOYEE) is held
        done = Feedback(**{**held.__dict__, "acknowledged_at": datetime(2026, 11, 6, tzinfo=UTC)})
        with pytest.raises(Conflict, match="already been acknowledged"):
            ensure_may_acknowledge(done, EMPLOYEE, EMPLOYEE)
