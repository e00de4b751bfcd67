"""Company policy for customers and leads (BUSINESS_RULES §2), as the domain sees it.

Built from settings (:meth:`crm.config.CrmSettings.policy`); the numbers are defaults a company
changes, so no rule below hard-codes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crm.domain.aftersales import AfterSalesPolicy
from crm.domain.do_not_call import DigestKeys
from crm.domain.pool import PoolPolicy
from crm.domain.projects import ProjectStage, VisitCadence
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
    # C7 and C12 (defaults as in BUSINESS_RULES; the settings give the company's own).
    project_visit_cadence: VisitCadence = field(default_factory=lambda: VisitCadence(
        {stage: 7 if stage is ProjectStage.EARLY_DESIGN else 14 for stage in ProjectStage}))
    visit_weekly_target: int = 20
    visit_target_roles: tuple[str, ...] = ("sales_rep",)
    visit_max_age_days: int = 14
    after_sales: AfterSalesPolicy = field(default_factory=AfterSalesPolicy)
    # shared.phones.phone_digest's key, shared with telesales: how a customer's do-not-call request
    # names the number in its event without carrying it (C10).
    phone_digest_key: str = field(default="", repr=False)
    # During a key rotation, the keys crm is moving away from (telesales may still use one): requests are
    # announced under them too, and stored digests under them are carried over to the current key.
    phone_digest_previous_keys: tuple[str, ...] = field(default=(), repr=False)
    # Requests read, re-announced and committed per transaction by the re-announcement.
    do_not_call_reannounce_page_size: int = 500

    def digest_keys(self) -> DigestKeys:
        return DigestKeys(self.phone_digest_key, self.phone_digest_previous_keys)

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
