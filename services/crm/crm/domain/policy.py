"""Company policy for customers and leads (BUSINESS_RULES §2), as the domain sees it.

Built from settings (:meth:`crm.config.CrmSettings.policy`); the numbers are defaults a company
changes, so no rule below hard-codes them.
"""

from __future__ import annotations

from dataclasses import dataclass

from crm.domain.pool import PoolPolicy
from crm.domain.strategies import Strategy
from shared.errors import InvalidInput


@dataclass(frozen=True)
class CrmPolicy:
    lead_sources: tuple[str, ...]
    intent_levels: tuple[str, ...]
    rep_open_lead_cap: int
    distribution_roles: frozenset[str]
    contact_reveal_roles: frozenset[str]
    import_max_rows: int
    pool: PoolPolicy
    reclaim_batch: int
    follow_up_methods: tuple[str, ...]
    follow_up_horizon_days: int
    complaint_causes: tuple[str, ...]
    complaint_escalation_hours: int
    complaint_escalation_roles: tuple[str, ...]
    credit_ratings: tuple[str, ...]
    credit_flags: tuple[str, ...]
    currency: str = "CNY"
    group_strategy: Strategy = Strategy.ROUND_ROBIN
    department_strategy: Strategy = Strategy.ROUND_ROBIN
    export_max_rows: int = 10_000

    def ensure_known_source(self, source: str, *, field: str = "source") -> str:
        """C1: every lead records one of the company's sources."""
        value = source.strip().lower()
        if value not in self.lead_sources:
            raise InvalidInput(field, f"unknown lead source {source!r}; one of: {', '.join(self.lead_sources)}")
        return value

    def ensure_known_intent(self, intent_level: str | None, *, field: str = "intent_level") -> str | None:
        if intent_level is None or not intent_level.strip():
            return None
        value = intent_level.strip().lower()
        if value not in self.intent_levels:
            raise InvalidInput(field, f"unknown intent level {intent_level!r}; one of: "
                                      f"{', '.join(self.intent_levels)}")
        return value
