"""A2's remaining measured indicators as rules (no database): what each crm event becomes, the
share rule for complaint-handling timeliness, and the templates that carry them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest
from appraisal_builders import d, policy, rated, to_target

from appraisal.config import AppraisalSettings
from appraisal.domain.presets import PRESETS
from appraisal.domain.scoring import Tally, score, share_of
from appraisal.domain.templates import Indicator, Rule, Source, Template, validate_template
from appraisal.service_layer import crm_inputs, inputs
from shared.auth import Role
from shared.clock import FixedClock
from shared.errors import InvalidInput
from shared.events.crm import ComplaintClosed, DealWon, FollowUpDone, VisitLogged

REP = uuid.uuid4()
EVENT = uuid.uuid4()
CLOCK = FixedClock(datetime(2026, 11, 15, 4, tzinfo=UTC))


def deal(new_customer: bool | None) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP, amount=d(1000),
                   signed_on=date(2026, 10, 3), new_customer=new_customer)


def closed(at: datetime, *, on_time: bool = True, hours: str = "10", rep: uuid.UUID | None = REP,
           reopened: int = 0) -> ComplaintClosed:
    return ComplaintClosed(complaint_id=uuid.UUID(int=7), rep_id=rep, department_id=uuid.uuid4(),
                           responsible_department_id=uuid.uuid4(), resolved_by=uuid.uuid4(), cause="quality",
                           satisfaction="neutral", recorded_at=at - timedelta(hours=1), resolved_at=at, closed_at=at,
                           hours_to_resolve=d(hours), escalated=False, on_time=on_time, reopened=reopened)


class TestFacts:
    @pytest.mark.parametrize(("flag", "counted"), [(True, 1), (False, 0), (None, 0)])
    def test_a_deal_wins_a_new_customer_only_when_crm_says_so(self, flag, counted):
        won = deal(flag)
        facts = [f for f in inputs.from_deal_won(won, EVENT) if f.kind == Source.NEW_CUSTOMERS]
        assert [(f.value, f.source_id, f.period) for f in facts] == [(d(1), f"deal:{won.deal_id}", "2026-10")] * counted

    def test_a_visit_is_one_fact_per_visit_in_the_month_visited(self):
        day = date(2026, 10, 31)
        logged = VisitLogged(visit_id=uuid.uuid4(), rep_id=REP, customer_id=uuid.uuid4(), visited_on=day,
                             visited_at=datetime.combine(day, time(3), UTC), result="ok",
                             logged_at=datetime(2026, 11, 2, tzinfo=UTC))
        [fact] = crm_inputs.from_visit_logged(logged, EVENT)
        assert (fact.kind, fact.value, fact.period, fact.source_id, fact.revision) == (
            Source.VISITS, d(1), "2026-10", f"visit:{logged.visit_id}", None)

    @pytest.mark.parametrize(("on_time", "value"), [(True, 1), (False, 0)])
    def test_a_follow_up_counts_one_when_on_time_and_zero_when_late(self, on_time, value):
        at = datetime(2026, 10, 5, 2, tzinfo=UTC)
        done = FollowUpDone(follow_up_id=uuid.uuid4(), lead_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP,
                            method="phone", planned_for=at, done_at=at, done_on=date(2026, 10, 5), on_time=on_time)
        [fact] = crm_inputs.from_follow_up_done(done, EVENT)
        assert (fact.kind, fact.value, fact.source_id) == (Source.FOLLOW_UPS_ON_TIME, d(value),
                                                           f"followup:{done.follow_up_id}")

    @pytest.mark.parametrize(("on_time", "hours", "limit", "value"), [
        (True, "10", None, 1), (False, "10", None, 0), (True, "47.99", d(48), 1), (True, "48.01", d(48), 0),
        (False, "1", d(48), 0)])
    def test_a_complaint_is_on_time_by_crm_and_the_optional_hours_limit(self, on_time, hours, limit, value):
        [fact] = crm_inputs.from_complaint_closed(closed(datetime(2026, 10, 9, 4, tzinfo=UTC), on_time=on_time,
                                                         hours=hours), EVENT, CLOCK, limit)
        assert (fact.kind, fact.value) == (Source.COMPLAINTS_ON_TIME, d(value))

    def test_a_complaint_belongs_to_the_company_month_of_its_closing_and_carries_the_reopen_count(self):
        # 00:30 on 1 November in Shanghai is 31 October 16:30 UTC.
        [fact] = crm_inputs.from_complaint_closed(closed(datetime(2026, 10, 31, 16, 30, tzinfo=UTC), reopened=2),
                                                  EVENT, CLOCK, None)
        assert (fact.period, fact.occurred_on, fact.revision, fact.source_id) == (
            "2026-11", date(2026, 11, 1), 2, f"complaint:{uuid.UUID(int=7)}:2026-11")

    def test_a_complaint_without_a_responsible_rep_is_nobodys(self):
        assert crm_inputs.from_complaint_closed(closed(datetime(2026, 10, 9, tzinfo=UTC), rep=None), EVENT, CLOCK,
                                                None) == []

    def test_the_hours_limit_is_configuration(self):
        assert AppraisalSettings(_env_file=None).policy().complaint_on_time_max_hours is None
        assert AppraisalSettings(_env_file=None, complaint_on_time_max_hours="48").policy(
        ).complaint_on_time_max_hours == d(48)


def share_template(empty: str | None = None) -> Template:
    params = {} if empty is None else {"empty": d(empty)}
    return Template(key="t", name="T", roles=(Role.SALES_REP,), indicators=(
        Indicator(key="complaints", source=Source.COMPLAINTS_ON_TIME, weight=d(40), rule=Rule.SHARE, params=params),
        to_target("visits", Source.VISITS, 40, "80"),
        rated("teamwork", 20)))


class TestShare:
    def test_the_share_is_the_percentage_on_time_rounded_half_up(self):
        assert share_of(Tally(d(2), 3)) == d("66.67")
        assert share_of(Tally(d(1), 8)) == d("12.50")
        assert share_of(Tally(d(0), 0)) is None

    def test_scored_with_its_weight_and_full_marks_for_a_month_without_any_by_default(self):
        card = score(share_template(), {Source.COMPLAINTS_ON_TIME: Tally(d(1), 3), Source.VISITS: Tally(d(40), 40)},
                     [], policy())
        lines = {line.key: line for line in card.indicators}
        assert (lines["complaints"].raw_value, lines["complaints"].points, lines["complaints"].contribution,
                lines["complaints"].inputs) == (d("33.33"), d("33.33"), d("13.33"), 3)
        assert card.total == d("13.33") + d(20)
        empty = {line.key: line for line in score(share_template(), {}, [], policy()).indicators}["complaints"]
        assert (empty.raw_value, empty.points, empty.contribution) == (None, d(100), d(40))
        stricter = score(share_template(empty="0"), {}, [], policy()).indicators[0]
        assert (stricter.points, stricter.contribution) == (d(0), d(0))

    def test_a_share_of_anything_but_on_time_inputs_is_refused(self):
        bad = Template(key="t", name="T", roles=(Role.SALES_REP,), indicators=(
            Indicator(key="sales", source=Source.SALES_AMOUNT, weight=d(100), rule=Rule.SHARE),))
        with pytest.raises(InvalidInput) as refused:
            validate_template(bad, Role.ALL)
        assert str(refused.value).startswith("indicators[0].rule: a share is taken of on-time inputs only")
        validate_template(share_template(), Role.ALL)


class TestTemplates:
    def test_the_new_kinds_roll_up_to_the_group_and_the_department(self):
        for kind in (Source.NEW_CUSTOMERS, Source.VISITS, Source.FOLLOW_UPS_ON_TIME, Source.COMPLAINTS_ON_TIME):
            group, department = Source.ROLLED_UP[kind]
            assert {kind, group, department} <= set(Source.MEASURED)
            assert max(len(group), len(department)) <= 40  # the facts.kind column

    @pytest.mark.parametrize(("preset", "sources"), [
        ("telesales_agent", {Source.NEW_CUSTOMERS, Source.FOLLOW_UPS_ON_TIME}),
        ("group_leader", {Source.GROUP_NEW_CUSTOMERS, Source.GROUP_VISITS}),
        ("supervisor", {Source.DEPARTMENT_FOLLOW_UPS_ON_TIME, Source.DEPARTMENT_COMPLAINTS_ON_TIME}),
        ("department_manager", {Source.DEPARTMENT_NEW_CUSTOMERS, Source.DEPARTMENT_COMPLAINTS_ON_TIME})])
    def test_the_presets_carry_them_and_still_weigh_100(self, preset, sources):
        found = PRESETS[preset]
        assert sources <= {indicator.source for indicator in found.indicators}
        validate_template(found.template(found.key, None, found.suggested_roles), Role.ALL)
