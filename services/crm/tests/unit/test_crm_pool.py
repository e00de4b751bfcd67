"""The pool's rules (C5) and the lead's stages (C2) as domain rules: no database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from crm.bootstrap import bootstrap
from crm.config import CrmSettings
from crm.domain.model import Lead, LeadStatus
from crm.domain.pool import NO_DEAL, NO_FOLLOW_UP, PoolPolicy, ReclaimRule, due, ensure_may_claim, reclaimable
from crm.service_layer.complaint_commands import EscalateOverdueComplaints
from crm.service_layer.pool_commands import ReclaimIdleLeads
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.testing import QUIET_INSTANT

NOW = QUIET_INSTANT
POLICY = PoolPolicy(default=ReclaimRule(7, 30), by_intent={"high": ReclaimRule(14, 60)}, warning_days=2,
                    cooldown_days=7, claims_per_day=2)


def held(intent: str | None = None, *, days_ago: int = 0) -> Lead:
    return Lead(id=uuid.uuid4(), customer_id=uuid.uuid4(), source="marketing", status=LeadStatus.ASSIGNED,
                department_id=uuid.uuid4(), created_by=uuid.uuid4(), created_at=NOW, group_id=uuid.uuid4(),
                owner_id=uuid.uuid4(), intent_level=intent, assigned_at=NOW - timedelta(days=days_ago))


class TestDue:
    def test_no_follow_up_for_n_days_since_getting_it_or_the_last_follow_up(self) -> None:
        lead = held()
        assert due(lead, POLICY).at == NOW + timedelta(days=7)
        lead.followed_up(NOW + timedelta(days=5))
        assert (due(lead, POLICY).at, due(lead, POLICY).rule) == (NOW + timedelta(days=12), NO_FOLLOW_UP)

    def test_no_deal_within_m_days_wins_when_it_comes_first(self) -> None:
        lead = held()
        lead.followed_up(NOW + timedelta(days=28))
        assert (due(lead, POLICY).at, due(lead, POLICY).rule) == (NOW + timedelta(days=30), NO_DEAL)

    def test_periods_per_intent_level(self) -> None:
        assert due(held("high"), POLICY).at == NOW + timedelta(days=14)
        assert due(held("low"), POLICY).at == NOW + timedelta(days=7)
        assert POLICY.shortest == ReclaimRule(7, 30)

    def test_only_due_leads_are_reclaimable_and_unheld_ones_never(self) -> None:
        assert reclaimable(held(days_ago=6), POLICY, NOW) is None
        assert reclaimable(held(days_ago=7), POLICY, NOW).rule == NO_FOLLOW_UP
        lead = held(days_ago=40)
        lead.return_to_pool(NOW)
        assert reclaimable(lead, POLICY, NOW + timedelta(days=100)) is None


class TestClaims:
    def test_the_former_holder_waits_out_the_cool_down(self) -> None:
        rep, lead_id = uuid.uuid4(), uuid.uuid4()
        with pytest.raises(RuleViolation):
            ensure_may_claim(rep_id=rep, lead_id=lead_id, returned_by_rep_at=NOW - timedelta(days=6, hours=23),
                             now=NOW, claims_today=0, policy=POLICY)
        ensure_may_claim(rep_id=rep, lead_id=lead_id, returned_by_rep_at=NOW - timedelta(days=7), now=NOW,
                         claims_today=0, policy=POLICY)

    def test_claims_per_day_are_capped(self) -> None:
        with pytest.raises(RuleViolation) as refused:
            ensure_may_claim(rep_id=uuid.uuid4(), lead_id=uuid.uuid4(), returned_by_rep_at=None, now=NOW,
                             claims_today=2, policy=POLICY)
        assert refused.value.extra["cap"] == 2

    def test_a_claimed_lead_cannot_be_claimed_again(self) -> None:
        lead = held()
        lead.return_to_pool(NOW)
        lead.claim(uuid.uuid4(), NOW)
        with pytest.raises(Conflict):
            lead.claim(uuid.uuid4(), NOW)


class TestStages:
    def test_backwards_and_lost_need_a_reason(self) -> None:
        lead = held()
        lead.move_to(LeadStatus.NEGOTIATING, reason=None, at=NOW)
        with pytest.raises(InvalidInput):
            lead.move_to(LeadStatus.CONTACTED, reason=None, at=NOW)
        with pytest.raises(InvalidInput):
            lead.move_to(LeadStatus.LOST, reason=None, at=NOW)
        assert lead.move_to(LeadStatus.LOST, reason="no budget", at=NOW) is LeadStatus.NEGOTIATING
        assert not lead.is_open
        with pytest.raises(RuleViolation):
            lead.move_to(LeadStatus.INTENT, reason=None, at=NOW)

    def test_won_and_the_pool_are_not_stages_a_rep_picks(self) -> None:
        with pytest.raises(InvalidInput):
            held().move_to(LeadStatus.WON, reason=None, at=NOW)
        with pytest.raises(InvalidInput):
            held().move_to(LeadStatus.IN_GROUP, reason=None, at=NOW)


def test_per_level_rules_must_name_known_levels() -> None:
    with pytest.raises(ValueError):
        CrmSettings(pool_rules_by_intent={"urgent": {"no_follow_up_days": 3}})
    settings = CrmSettings(pool_rules_by_intent={"high": {"no_deal_days": 60}})
    assert settings.policy().pool.rule_for("high") == ReclaimRule(7, 60)


def test_the_worker_runs_the_pool_sweep_and_the_complaint_escalation_on_their_intervals(clock) -> None:
    settings = CrmSettings(pool_reclaim_interval_seconds=60, complaint_sweep_interval_seconds=0)
    runtime = bootstrap(settings, uow_factory=lambda: None, clock=clock)
    tasks = {task.name: task for task in runtime.periodic}
    assert (tasks["pool-reclaim"].interval_seconds, type(tasks["pool-reclaim"].command())) == (60, ReclaimIdleLeads)
    assert (tasks["complaint-escalation"].interval_seconds,
            type(tasks["complaint-escalation"].command())) == (0, EscalateOverdueComplaints)
