"""The lead pool (公海, C5): when a held lead goes back, who may take it out, and how fast.

A lead a rep holds returns to its group's pool when it was not followed up for N days (since the
last follow-up, or since the rep got it) or when no deal came within M days of getting it; N and M
per intent level. The former holder may not claim it back during a cool-down; claims are capped
per rep per day, and the open-lead cap (C4) holds for claims too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from crm.domain.model import Lead
from shared.errors import InvalidInput, RuleViolation

NO_FOLLOW_UP = "no_follow_up"
NO_DEAL = "no_deal"


@dataclass(frozen=True)
class ReclaimRule:
    no_follow_up_days: int
    no_deal_days: int

    def __post_init__(self) -> None:
        if self.no_follow_up_days < 1 or self.no_deal_days < 1:
            raise InvalidInput("pool", "reclaim periods are at least one day")


@dataclass(frozen=True)
class PoolPolicy:
    """From settings (``CRM_POOL_*``); the defaults live there, not here."""

    default: ReclaimRule
    by_intent: dict[str, ReclaimRule]
    warning_days: int
    cooldown_days: int
    claims_per_day: int

    def rule_for(self, intent_level: str | None) -> ReclaimRule:
        return self.by_intent.get(intent_level or "", self.default)

    @property
    def shortest(self) -> ReclaimRule:
        """The shortest periods of any level: a lead younger than these cannot be due, whatever its level."""
        rules = [self.default, *self.by_intent.values()]
        return ReclaimRule(min(r.no_follow_up_days for r in rules), min(r.no_deal_days for r in rules))


@dataclass(frozen=True)
class Due:
    """When a held lead goes back to the pool unless something happens first, and by which rule."""

    lead_id: uuid.UUID
    at: datetime
    rule: str  # NO_FOLLOW_UP | NO_DEAL


def due(lead: Lead, policy: PoolPolicy) -> Due | None:
    if not lead.is_held or lead.assigned_at is None:
        return None
    rule = policy.rule_for(lead.intent_level)
    touched = max(lead.assigned_at, lead.followed_up_at or lead.assigned_at)
    by_follow_up = touched + timedelta(days=rule.no_follow_up_days)
    by_deal = lead.assigned_at + timedelta(days=rule.no_deal_days)
    if by_follow_up <= by_deal:
        return Due(lead.id, by_follow_up, NO_FOLLOW_UP)
    return Due(lead.id, by_deal, NO_DEAL)


def reclaimable(lead: Lead, policy: PoolPolicy, now: datetime) -> Due | None:
    """The rule that returns the lead now, re-checked under the lead's lock so that a follow-up
    committed a moment before the sweep keeps the lead with its rep."""
    when = due(lead, policy)
    return when if when is not None and when.at <= now else None


def reason_text(rule: str, policy: PoolPolicy, intent_level: str | None) -> str:
    periods = policy.rule_for(intent_level)
    if rule == NO_FOLLOW_UP:
        return f"no follow-up for {periods.no_follow_up_days} days"
    return f"no deal within {periods.no_deal_days} days of getting it"


def ensure_may_claim(*, rep_id: uuid.UUID, lead_id: uuid.UUID, returned_by_rep_at: datetime | None, now: datetime,
                     claims_today: int, policy: PoolPolicy) -> None:
    if returned_by_rep_at is not None and now < returned_by_rep_at + timedelta(days=policy.cooldown_days):
        until = returned_by_rep_at + timedelta(days=policy.cooldown_days)
        raise RuleViolation(f"the lead left you less than {policy.cooldown_days} days ago; you may claim it back "
                            f"from {until.isoformat()}", lead_id=str(lead_id), rep_id=str(rep_id),
                            cooldown_until=until.isoformat())
    if claims_today >= policy.claims_per_day:
        raise RuleViolation(f"you already claimed {claims_today} leads today, the cap is {policy.claims_per_day}",
                            rep_id=str(rep_id), claims_today=claims_today, cap=policy.claims_per_day)
