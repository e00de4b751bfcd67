"""The company's telesales policy: what the rules of this service are configured to, in one object
(T3, T4, T7). Built from the settings by ``TelesalesSettings.policy()`` and carried on the bus; the
company's time zone is not part of it, the clock carries that."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from telesales.domain.compliance import CallingRules
from telesales.domain.corrections import CorrectionWindow
from telesales.domain.effectiveness import EffectiveConversationRule
from telesales.domain.targets import DailyTargets


@dataclass(frozen=True)
class TelesalesPolicy:
    # Which stored calls count as effective conversations (有效通话, T3).
    effective_rule: EffectiveConversationRule
    # Dials expected of each role per company day (T4).
    targets: DailyTargets
    # Telephony clocks drift: a call "starting" further ahead of now than this is a bad record (T7).
    max_future_skew: timedelta
    # Calling hours and per-number caps (T6) until an administrator sets others (stored, then read).
    calling_rules: CallingRules = field(default_factory=CallingRules)
    # How long an agent may correct their own call; the leader may at any time.
    correction_window: CorrectionWindow = field(default_factory=lambda: CorrectionWindow(agent_hours=48))
    # Who may take a number off the do-not-call list (always with a reason).
    dnc_removal_roles: frozenset[str] = frozenset({"admin", "department_manager"})
    # How long a worker trusts the calling rules and a service account it read before reading again.
    rules_refresh_seconds: float = 30.0
    # How long intake trusts an agent's placement and a service account it read (the synchronous
    # scope check) before reading the directory replica again.
    intake_cache_seconds: float = 10.0
    # shared.phones.phone_digest's key, shared with crm: how a customer's request, which names the
    # number only by its digest, is matched to the numbers dialled.
    phone_digest_key: str = field(default="", repr=False)
