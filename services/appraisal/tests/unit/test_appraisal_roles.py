"""Templates for every appraised role (issue 10 item 1) without a database: the presets, the
role a month is scored under, and whose results roll up to whom."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from appraisal_builders import d

from appraisal.domain.facts import Fact
from appraisal.domain.periods import Period
from appraisal.domain.presets import PRESETS
from appraisal.domain.roles import RoleSpan, role_in_period, rolled_up
from appraisal.domain.templates import Source, validate_template
from shared.auth import Role

OCTOBER = Period(2026, 10)
REP, LEADER, MANAGER, SUPERVISOR = (uuid.uuid4() for _ in range(4))


class TestPresets:
    def test_every_appraised_role_has_a_preset(self):
        suggested = {role for preset in PRESETS.values() for role in preset.suggested_roles}
        assert suggested >= {Role.SALES_REP, Role.TELESALES_AGENT, Role.GROUP_LEADER, Role.SUPERVISOR,
                             Role.DEPARTMENT_MANAGER, Role.REGIONAL_MANAGER}

    @pytest.mark.parametrize("key", sorted(PRESETS))
    def test_each_preset_is_a_valid_template(self, key):
        preset = PRESETS[key]
        validate_template(preset.template(preset.key, None, preset.suggested_roles), Role.ALL)

    def test_the_telesales_agent_has_seed_003s_kpis(self):
        sources = {i.source for i in PRESETS["telesales_agent"].indicators}
        assert sources >= {Source.CALLS_DIALLED, Source.EFFECTIVE_CONVERSATIONS, Source.INTENT_CUSTOMERS,
                           Source.CONTRACTS_SIGNED, Source.REVIEW}

    def test_the_group_leader_is_scored_on_the_group_their_own_results_and_leadership(self):
        indicators = {i.key: i.source for i in PRESETS["group_leader"].indicators}
        assert indicators["group_sales_amount"] == Source.GROUP_SALES_AMOUNT
        assert indicators["own_sales_amount"] == Source.SALES_AMOUNT
        assert indicators["leadership"] == Source.REVIEW

    def test_the_manager_carries_a4s_regional_manager_items(self):
        keys = {i.key for i in PRESETS["department_manager"].indicators}
        assert {i.key for i in PRESETS["a4_regional_manager"].indicators} - {"attendance"} <= keys


class TestRoleOfTheMonth:
    SPANS = [RoleSpan(date(2025, 3, 1), Role.SALES_REP), RoleSpan(date(2026, 10, 20), Role.GROUP_LEADER)]

    def test_the_role_held_at_the_months_end_counts_for_the_whole_month(self):
        assert role_in_period(self.SPANS, OCTOBER) == Role.GROUP_LEADER
        assert role_in_period(self.SPANS, Period(2026, 9)) == Role.SALES_REP

    def test_a_change_dated_after_the_month_does_not_reach_back(self):
        spans = [RoleSpan(date(2025, 3, 1), Role.SALES_REP), RoleSpan(date(2026, 11, 1), Role.GROUP_LEADER)]
        assert role_in_period(spans, OCTOBER) == Role.SALES_REP

    def test_someone_who_left_during_the_month_counts_with_the_role_of_their_last_day(self):
        spans = [RoleSpan(date(2025, 3, 1), Role.SALES_REP), RoleSpan(date(2026, 10, 25), Role.GROUP_LEADER)]
        assert role_in_period(spans, OCTOBER, left_on=date(2026, 10, 22)) == Role.SALES_REP

    def test_without_history_the_current_role(self):
        assert role_in_period([], OCTOBER, fallback=Role.TELESALES_AGENT) == Role.TELESALES_AGENT
        assert role_in_period([RoleSpan(date(2026, 11, 3), Role.SALES_REP)], OCTOBER) is None


class TestRollUps:
    def fact(self, kind: str = Source.SALES_AMOUNT, revision: int | None = None) -> Fact:
        return Fact(REP, "2026-10", kind, Decimal("1200.50"), "deal:1", uuid.uuid4(), date(2026, 10, 3), revision)

    def test_a_members_input_counts_for_their_leader_and_their_departments_managers(self):
        fact = self.fact()
        derived = rolled_up(fact, LEADER, [MANAGER, SUPERVISOR])
        assert {(f.employee_id, f.kind, f.value) for f in derived} == {
            (LEADER, Source.GROUP_SALES_AMOUNT, d("1200.50")),
            (MANAGER, Source.DEPARTMENT_SALES_AMOUNT, d("1200.50")),
            (SUPERVISOR, Source.DEPARTMENT_SALES_AMOUNT, d("1200.50"))}
        # Each keyed by the member's source and the recipient: a redelivery finds them stored.
        assert {f.source_id for f in derived} == {f"deal:1@{LEADER}", f"deal:1@{MANAGER}", f"deal:1@{SUPERVISOR}"}
        assert derived == rolled_up(fact, LEADER, [SUPERVISOR, MANAGER])

    def test_attendance_and_leads_are_personal(self):
        assert rolled_up(self.fact(Source.ABSENCE_DAYS, revision=2), LEADER, [MANAGER]) == []
        assert rolled_up(self.fact(Source.LEADS_ASSIGNED), LEADER, [MANAGER]) == []
