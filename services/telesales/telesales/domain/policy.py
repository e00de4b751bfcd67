"""The company's telesales policy: what the rules of this service are configured to, in one object
(T3, T4, T7). Built from the settings by ``TelesalesSettings.policy()`` and carried on the bus; the
company's time zone is not part of it, the clock carries that."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

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
