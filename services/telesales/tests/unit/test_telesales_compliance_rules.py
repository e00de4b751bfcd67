"""Domain rules of compliance, corrections and service accounts, without a database."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.phones import mask_phone, normalise_phone
from telesales.domain.calls import Call, CallStage, Disposition
from telesales.domain.compliance import CallingRules, NumberHistory, RulesError, Violation, violations, week_start
from telesales.domain.corrections import (
    UNSET,
    Correction,
    CorrectionWindow,
    content_fingerprint,
    corrected,
    correction_problems,
)
from telesales.domain.effectiveness import EffectiveConversationRule
from telesales.domain.figures import DailyFigures, contribution, funnel
from telesales.domain.service_accounts import ServiceAccount, hash_secret

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKDAYS_9_TO_8 = {d: [["09:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
RULE = EffectiveConversationRule.of(60, ["intent", "appointment", "order"])


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026: the 7th is a Monday, the 13th a Sunday."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


class TestCallingRules:
    rules = CallingRules.parse({**WEEKDAYS_9_TO_8, "sat": [["10:00", "12:00"], ["13:00", "18:00"]]}, 3, 6)

    @pytest.mark.parametrize(("moment", "permitted"), [
        (local(7, 9), True), (local(7, 8, 59), False), (local(7, 19, 59), True), (local(7, 20), False),
        (local(12, 12, 30), False), (local(12, 13), True), (local(13, 11), False),
    ])
    def test_hours_hold_start_but_not_end_and_a_missing_day_permits_nothing(self, moment, permitted) -> None:
        assert self.rules.permits(moment) is permitted

    @pytest.mark.parametrize(("hours", "field", "words"), [
        ({"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}, "hours.mon", "overlap"),
        ({"tue": [["18:00", "09:00"]]}, "hours.tue[0]", "not after"),
        ({"wed": [["09:00", "09:00"]]}, "hours.wed[0]", "not after"),
        ({"thu": [["9am", "5pm"]]}, "hours.thu[0]", "not a time"),
        ({"thu": [["09:00"]]}, "hours.thu[0]", "[start, end]"),
        ({"monday": [["09:00", "17:00"]]}, "hours.monday", "day of the week"),
    ])
    def test_bad_windows_are_refused_naming_where(self, hours, field, words) -> None:
        with pytest.raises(RulesError) as refused:
            CallingRules.parse(hours, None, None)
        assert refused.value.field == field and words in refused.value.reason

    def test_caps_are_at_least_one_and_the_week_not_below_the_day(self) -> None:
        with pytest.raises(RulesError, match="daily_cap"):
            CallingRules.parse({}, 0, None)
        with pytest.raises(RulesError, match="daily_cap"):
            CallingRules.parse({}, 10**30, None)
        with pytest.raises(RulesError, match="weekly_cap"):
            CallingRules.parse({}, 5, 4)

    def test_the_rules_read_back_as_written_midnight_included(self) -> None:
        rules = CallingRules.parse({"sun": [["20:00", "24:00"]]}, None, None)
        assert rules.permits(local(13, 23, 59)) and rules.as_config()["hours"]["sun"] == [["20:00", "24:00"]]
        assert CallingRules.parse(rules.as_config()["hours"], None, None).as_config() == rules.as_config()

    def test_the_fourth_call_of_a_day_and_the_seventh_of_a_week_break_the_caps(self) -> None:
        at_ten = local(7, 10)
        assert violations(self.rules, at_ten, NumberHistory(False, 2, 5)) == ()
        assert violations(self.rules, at_ten, NumberHistory(False, 3, 5)) == (Violation.DAILY_CAP,)
        assert violations(self.rules, at_ten, NumberHistory(False, 0, 6)) == (Violation.WEEKLY_CAP,)
        assert violations(self.rules, local(7, 22), NumberHistory(True, 0, 0)) == (
            Violation.DO_NOT_CALL, Violation.OUTSIDE_HOURS)

    def test_the_week_begins_on_monday(self) -> None:
        assert week_start(local(13, 0).date()) == local(7, 0).date()
        assert week_start(local(7, 0).date()) == local(7, 0).date()


class TestPhones:
    @pytest.mark.parametrize("raw", ["+86 138-0013-8000", "0086 13800138000", "8613800138000", "(138) 0013 8000"])
    def test_one_number_however_written(self, raw: str) -> None:
        assert normalise_phone(raw) == "13800138000"

    def test_crm_and_telesales_mask_alike(self) -> None:
        assert mask_phone("13800138000") == "138****8000"
        assert mask_phone("+8613800138000") == "+861******8000"
        assert "0013" not in mask_phone("138 0013 8000")


def a_call(**overrides) -> Call:
    values = dict(call_id="c-1", agent_id=uuid.uuid4(), number_dialled="13800138000",
                  started_at=datetime(2026, 12, 7, 2, tzinfo=UTC), call_date=local(7, 10).date(),
                  duration_seconds=30, connected=True, disposition=Disposition.REFUSED, effective=False)
    return Call(**{**values, **overrides})


class TestCorrections:
    def test_a_correction_is_the_next_version_and_effectiveness_follows_the_outcome(self) -> None:
        call = a_call()
        after = corrected(call, Correction(disposition=Disposition.ORDER, reason="bought"), RULE)
        assert (after.version, after.disposition, after.effective, after.notes) == (2, Disposition.ORDER, True, None)
        delta = contribution(after) - contribution(call)
        assert delta == DailyFigures(effective=1, orders=1)

    def test_unset_fields_are_kept_and_null_clears(self) -> None:
        call = a_call(stage_reached=CallStage.CLOSING, notes="n")
        kept = corrected(call, Correction(disposition=Disposition.INTENT, reason="r"), RULE)
        cleared = corrected(call, Correction(stage_reached=None, notes=None, reason="r"), RULE)
        assert (kept.stage_reached, kept.notes) == (CallStage.CLOSING, "n")
        assert (cleared.stage_reached, cleared.notes) == (None, None)
        assert Correction(reason="r").stage_reached is UNSET

    def test_nothing_to_correct_or_a_contradiction_is_a_problem(self) -> None:
        assert correction_problems(a_call(), Correction(reason="r"))[0][0] == "disposition"
        problems = correction_problems(a_call(connected=False, duration_seconds=0),
                                       Correction(disposition=Disposition.ORDER, reason="r"))
        assert [name for name, _ in problems] == ["disposition"]

    def test_the_agents_window_closes_the_leaders_does_not_exist(self) -> None:
        call, window = a_call(), CorrectionWindow(agent_hours=48)
        assert window.open_for_agent(call, call.started_at + timedelta(hours=48))
        assert not window.open_for_agent(call, call.started_at + timedelta(hours=48, seconds=1))

    def test_any_change_of_content_changes_the_fingerprint(self) -> None:
        base = dict(agent_id=uuid.UUID(int=1), number_dialled="13800138000",
                    started_at=datetime(2026, 12, 7, 2, tzinfo=UTC), duration_seconds=30, connected=True,
                    disposition="refused", lead_id=None, stage_reached=None, notes=None, next_step=None)
        same = content_fingerprint(**{**base, "started_at": datetime(2026, 12, 7, 10, tzinfo=SHANGHAI)})
        assert content_fingerprint(**base) == same
        assert content_fingerprint(**base) != content_fingerprint(**{**base, "disposition": "order"})
        assert content_fingerprint(**base) != content_fingerprint(**{**base, "notes": "x"})


def test_the_funnel_counts_a_call_at_every_stage_up_to_its_furthest() -> None:
    steps = funnel({CallStage.CLOSING: 2, CallStage.OPENING: 1, None: 4})
    assert [(s.stage.value, s.reached) for s in steps] == [
        ("preparation", 3), ("opening", 3), ("needs_discovery", 2), ("product_introduction", 2),
        ("objection_handling", 2), ("closing", 2), ("wrap_up", 0)]


def test_a_flagged_call_counts_one_violation() -> None:
    assert contribution(a_call(violations=("do_not_call", "outside_hours"))).violations == 1
    assert contribution(a_call()).violations == 0


class TestServiceAccounts:
    account = ServiceAccount(id=uuid.uuid4(), name="dialler", client_id="sa_1", secret_hash=hash_secret("s"),
                             department_ids=frozenset({uuid.UUID(int=1)}), group_ids=frozenset({uuid.UUID(int=2)}),
                             created_by=uuid.uuid4(), created_at=datetime(2026, 12, 1, tzinfo=UTC))

    def test_scope_is_its_departments_and_groups(self) -> None:
        assert self.account.covers(group_id=None, department_id=uuid.UUID(int=1))
        assert self.account.covers(group_id=uuid.UUID(int=2), department_id=uuid.UUID(int=9))
        assert not self.account.covers(group_id=uuid.UUID(int=3), department_id=uuid.UUID(int=9))
        assert not self.account.covers(group_id=None, department_id=None)

    def test_a_revoked_account_accepts_no_secret(self) -> None:
        assert self.account.accepts("s") and not self.account.accepts("t")
        assert not replace(self.account, revoked_at=datetime(2026, 12, 2, tzinfo=UTC)).accepts("s")


def test_midnight_is_written_as_24_00_only_for_the_end() -> None:
    assert CallingRules.parse({"mon": [["00:00", "24:00"]]}, None, None).hours[0][0].start == time(0, 0)


def test_settings_refuse_hours_that_overlap_and_give_the_rules_to_the_policy() -> None:
    from pydantic import ValidationError

    from telesales.config import TelesalesSettings

    with pytest.raises(ValidationError, match="overlap"):
        TelesalesSettings(calling_hours={"mon": [["09:00", "13:00"], ["12:00", "14:00"]]})
    policy = TelesalesSettings(calling_hours={"mon": [["09:00", "12:00"]]}, daily_cap_per_number=None,
                               correction_window_hours=24, dnc_removal_roles=["admin"]).policy()
    assert policy.calling_rules.as_config()["hours"]["mon"] == [["09:00", "12:00"]]
    assert (policy.calling_rules.daily_cap, policy.calling_rules.weekly_cap) == (None, 6)
    assert (policy.correction_window.agent_hours, policy.dnc_removal_roles) == (24, frozenset({"admin"}))
