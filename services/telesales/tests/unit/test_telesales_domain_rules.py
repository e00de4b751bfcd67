"""The telesales rules as plain functions: effective conversations, the company day, daily figures,
targets, masking, record consistency and data scope."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from shared.clock import FixedClock
from shared.phones import mask_phone
from shared.scope import DataScope
from shared.testing import QUIET_INSTANT
from telesales.domain.calls import Call, Disposition, call_problems
from telesales.domain.effectiveness import EffectiveConversationRule
from telesales.domain.figures import DailyFigures, contribution, total
from telesales.domain.targets import DailyTargets, progress

DEFAULT_RULE = EffectiveConversationRule.of(60, ["intent", "appointment", "order"])
SHANGHAI = ZoneInfo("Asia/Shanghai")


def call(**overrides) -> Call:
    values = {
        "call_id": "c-1", "agent_id": uuid.uuid4(), "number_dialled": "+8613800138000",
        "started_at": datetime(2026, 5, 4, 2, 0, tzinfo=UTC), "call_date": datetime(2026, 5, 4).date(),
        "duration_seconds": 90, "connected": True, "disposition": Disposition.EFFECTIVE_CONVERSATION,
        "effective": True,
    }
    return Call(**{**values, **overrides})


class TestEffectiveConversationRule:
    @pytest.mark.parametrize(("connected", "seconds", "disposition", "expected"), [
        (True, 60, Disposition.EFFECTIVE_CONVERSATION, True),
        (True, 59, Disposition.EFFECTIVE_CONVERSATION, False),
        (False, 600, Disposition.NO_ANSWER, False),
        (True, 10, Disposition.INTENT, True),
        (True, 5, Disposition.APPOINTMENT, True),
        (True, 1, Disposition.ORDER, True),
        (True, 30, Disposition.REFUSED, False),
        (True, 61, Disposition.COMPLAINT, True),
    ])
    def test_default_rule(self, connected, seconds, disposition, expected) -> None:
        assert DEFAULT_RULE.is_effective(connected=connected, duration_seconds=seconds,
                                         disposition=disposition) is expected

    def test_a_longer_minimum_makes_a_minute_no_longer_enough(self) -> None:
        stricter = EffectiveConversationRule.of(90, ["intent", "appointment", "order"])
        kwargs = {"connected": True, "duration_seconds": 75, "disposition": Disposition.REFUSED}
        assert DEFAULT_RULE.is_effective(**kwargs)
        assert not stricter.is_effective(**kwargs)

    def test_the_qualifying_outcomes_are_configuration(self) -> None:
        orders_only = EffectiveConversationRule.of(60, ["order"])
        assert not orders_only.is_effective(connected=True, duration_seconds=20, disposition=Disposition.INTENT)
        assert orders_only.is_effective(connected=True, duration_seconds=20, disposition=Disposition.ORDER)

    def test_an_unknown_outcome_or_a_negative_minimum_is_refused(self) -> None:
        with pytest.raises(ValueError):
            EffectiveConversationRule.of(60, ["sold"])
        with pytest.raises(ValueError):
            EffectiveConversationRule.of(-1, [])


def call_date(started: datetime, zone: ZoneInfo) -> date:
    """The company day a stored call is counted on: the clock's date of its start."""
    return FixedClock(QUIET_INSTANT, zone).date_of(started)


class TestCompanyDay:
    def test_a_late_evening_utc_call_belongs_to_the_next_day_in_shanghai(self) -> None:
        started = datetime(2026, 5, 3, 16, 30, tzinfo=UTC)  # 00:30 on 4 May in Shanghai
        assert call_date(started, SHANGHAI).isoformat() == "2026-05-04"
        assert call_date(started, ZoneInfo("Europe/London")).isoformat() == "2026-05-03"

    def test_an_offset_in_the_record_is_respected(self) -> None:
        started = datetime(2026, 5, 4, 7, 0, tzinfo=timezone(timedelta(hours=-8)))  # 23:00 Shanghai
        assert call_date(started, SHANGHAI).isoformat() == "2026-05-04"

    def test_a_naive_time_is_refused(self) -> None:
        with pytest.raises(ValueError):
            call_date(datetime(2026, 5, 4, 7, 0), SHANGHAI)


class TestDailyFigures:
    def test_what_one_call_adds(self) -> None:
        assert contribution(call(disposition=Disposition.APPOINTMENT, duration_seconds=30)) == DailyFigures(
            dials=1, connected=1, effective=1, appointments=1, talk_seconds=30)

    def test_an_unanswered_call_is_a_dial_without_talk_time(self) -> None:
        assert contribution(call(connected=False, disposition=Disposition.NO_ANSWER, duration_seconds=25,
                                 effective=False)) == DailyFigures(dials=1)

    def test_totals_add_every_column(self) -> None:
        figures = [contribution(call(disposition=Disposition.INTENT)),
                   contribution(call(disposition=Disposition.ORDER)), DailyFigures(dials=2, talk_seconds=7)]
        assert total(figures) == DailyFigures(dials=4, connected=2, effective=2, intents=1, orders=1,
                                              talk_seconds=187)


class TestTargets:
    targets = DailyTargets(by_role={"telesales_agent": 40, "sales_rep": 25}, default=30)

    def test_the_target_depends_on_the_role(self) -> None:
        assert self.targets.for_role("telesales_agent") == 40
        assert self.targets.for_role("sales_rep") == 25
        assert self.targets.for_role("group_leader") == 30
        assert self.targets.for_role(None) == 30
        assert self.targets.for_roles({"group_leader", "sales_rep"}) == 25

    def test_progress_during_the_day(self) -> None:
        halfway = progress(40, 21)
        assert (halfway.remaining, halfway.percent, halfway.met) == (19, 52, False)
        nearly = progress(30, 29)
        assert (nearly.percent, nearly.met) == (96, False)
        beyond = progress(30, 45)
        assert (beyond.remaining, beyond.percent, beyond.met) == (0, 150, True)

    def test_a_zero_target_is_met_at_once(self) -> None:
        assert progress(0, 0).met and progress(0, 0).percent == 100


class TestMasking:
    @pytest.mark.parametrize(("number", "masked"), [
        ("+8613800138000", "+861******8000"),
        ("13800138000", "138****8000"),
        ("10086", "***86"),
    ])
    def test_the_shared_rule_keeps_the_first_three_and_last_four_digits(self, number, masked) -> None:
        assert mask_phone(number) == masked


class TestRecordConsistency:
    now = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)

    def problems(self, **overrides):
        values = {"connected": True, "disposition": Disposition.INTENT, "started_at": self.now,
                  "now": self.now, "max_future_skew": timedelta(minutes=5)}
        return call_problems(**{**values, **overrides})

    def test_a_sound_record_has_none(self) -> None:
        assert self.problems() == []
        assert self.problems(connected=False, disposition=Disposition.NO_ANSWER) == []
        assert self.problems(connected=False, disposition=Disposition.DO_NOT_CALL) == []

    def test_outcome_and_connection_must_agree(self) -> None:
        assert [f for f, _ in self.problems(connected=True, disposition=Disposition.BUSY)] == ["disposition"]
        assert [f for f, _ in self.problems(connected=False, disposition=Disposition.ORDER)] == ["disposition"]

    def test_a_call_beyond_the_allowed_clock_skew_is_refused(self) -> None:
        assert self.problems(started_at=self.now + timedelta(minutes=4)) == []
        assert [f for f, _ in self.problems(started_at=self.now + timedelta(minutes=6))] == ["started_at"]


class TestScope:
    agent, group, department = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def test_a_scope_sees_by_person_group_or_department(self) -> None:
        other = uuid.uuid4()
        own = DataScope(employee_ids=frozenset({self.agent}))
        leader = DataScope(employee_ids=frozenset({other}), group_ids=frozenset({self.group}))
        manager = DataScope(department_ids=frozenset({self.department}))
        where = {"employee_id": self.agent, "group_id": self.group, "department_id": self.department}
        assert own.sees(**where) and leader.sees(**where) and manager.sees(**where)
        assert not own.sees(**{**where, "employee_id": other})
        assert not leader.sees(**{**where, "group_id": uuid.uuid4()})
        assert manager.sees_group(uuid.uuid4(), self.department)
        assert not leader.sees_department(self.department)
        assert DataScope(everything=True).sees_department(uuid.uuid4())
