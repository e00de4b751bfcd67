"""Settings of the crm service (environment variables prefixed ``CRM_``).

Every business default of BUSINESS_RULES §2 lives here, never in the logic: the domain receives
them as a :class:`crm.domain.policy.CrmPolicy`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from crm.domain.policy import CrmPolicy
from crm.domain.pool import PoolPolicy, ReclaimRule
from crm.domain.strategies import Strategy
from shared.config import ServiceSettings

# The Alembic history lives beside the package, not inside it: it is deployed with the service folder.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class CrmSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CRM_", extra="ignore")

    service_name: str = "crm"
    port: int = 8002

    # C1: where leads come from (JSON list in the environment, e.g. CRM_LEAD_SOURCES='["marketing", ...]').
    lead_sources: list[str] = Field(default_factory=lambda: [
        "marketing", "web_social", "referral_department", "referral_customer", "exhibition", "own_prospecting",
    ], min_length=1)
    # C2: the intent grades a lead may carry; none given means not yet judged.
    intent_levels: list[str] = Field(default_factory=lambda: ["high", "medium", "low"], min_length=1)
    # C4: a rep holds at most this many open leads; round robin skips reps at the cap.
    rep_open_lead_cap: int = Field(50, ge=1)
    # C4: the group members who take part in the round robin (the leader distributes, and may self-assign by hand).
    distribution_roles: list[str] = Field(default_factory=lambda: ["sales_rep", "telesales_agent"], min_length=1)
    # C4: how a group hands its pool to its reps, and a department its new leads to its groups, until the
    # leader (PUT /groups/{id}/distribution) or the manager (PUT /departments/{id}/distribution) sets
    # otherwise: round_robin, weighted (by capacity weights the leader sets) or least_loaded.
    distribution_strategy: Strategy = Strategy.ROUND_ROBIN
    department_distribution_strategy: Strategy = Strategy.ROUND_ROBIN
    # C10: one export is one request: bounded, the filter narrows a bigger one.
    export_max_rows: int = Field(10_000, ge=1)
    # C10: besides the owner rep, who may reveal a customer's full contact details (every reveal is logged).
    contact_reveal_roles: list[str] = Field(default_factory=lambda: ["sales_director", "admin"])
    # One CSV import is one request: bounded so that it cannot hold a worker for minutes.
    import_max_rows: int = Field(5000, ge=1)
    import_max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    currency: str = Field("CNY", min_length=3, max_length=3)

    # C5, the pool: a held lead returns to its group's pool after N days without follow-up or M days
    # without a deal since the rep got it; per intent level, e.g.
    # CRM_POOL_RULES_BY_INTENT='{"high": {"no_follow_up_days": 14, "no_deal_days": 60}}' (others: the defaults).
    pool_no_follow_up_days: int = Field(7, ge=1)
    pool_no_deal_days: int = Field(30, ge=1)
    pool_rules_by_intent: dict[str, dict[str, int]] = Field(default_factory=dict)
    # The owner's "going to the pool in K days" list looks this far ahead unless asked otherwise.
    pool_warning_days: int = Field(2, ge=0)
    # The former holder may not claim a lead back for this many days after it left them.
    pool_cooldown_days: int = Field(7, ge=0)
    # Claims from the pool per rep per company day.
    pool_claims_per_day: int = Field(5, ge=1)
    # How often the worker returns overdue leads to the pool (seconds; 0 disables it), and how many per run.
    pool_reclaim_interval_seconds: float = Field(300, ge=0)
    pool_reclaim_batch: int = Field(200, ge=1)

    # C6: how a rep may follow a customer up.
    follow_up_methods: list[str] = Field(default_factory=lambda: ["phone", "sms", "email", "visit", "wechat"],
                                         min_length=1)
    # A follow-up is planned at most this far ahead (a plan for next decade is a typo, not a plan).
    follow_up_horizon_days: int = Field(365, ge=1, le=3650)

    # C9: complaint causes (for the monthly analysis); unanswered complaints are escalated to the responsible
    # department's supervisor after this many hours (default 2 days), by a sweep this often (seconds; 0: off).
    complaint_causes: list[str] = Field(default_factory=lambda: [
        "product_quality", "delivery", "installation", "service_attitude", "billing", "other"], min_length=1)
    complaint_escalation_hours: int = Field(48, ge=1)
    complaint_sweep_interval_seconds: float = Field(300, ge=0)
    # Who a complaint is escalated to in the responsible department, first match wins.
    complaint_escalation_roles: list[str] = Field(default_factory=lambda: ["supervisor", "department_manager"],
                                                  min_length=1)

    # C11: the company's credit scale, and the flags a customer may carry (listed in the weekly report).
    credit_ratings: list[str] = Field(default_factory=lambda: ["A", "B", "C", "D"], min_length=1)
    credit_flags: list[str] = Field(default_factory=lambda: ["bad_credit", "abnormal"], min_length=1)

    @model_validator(mode="after")
    def _pool_rules_name_intent_levels(self) -> CrmSettings:
        for level, rule in self.pool_rules_by_intent.items():
            if level not in self.intent_levels:
                raise ValueError(f"pool_rules_by_intent: unknown intent level {level!r}")
            unknown = set(rule) - {"no_follow_up_days", "no_deal_days"}
            if unknown or any(days < 1 for days in rule.values()):
                raise ValueError(f"pool_rules_by_intent[{level!r}]: no_follow_up_days and no_deal_days, each >= 1")
        return self

    def pool_policy(self) -> PoolPolicy:
        by_intent = {level: ReclaimRule(rule.get("no_follow_up_days", self.pool_no_follow_up_days),
                                        rule.get("no_deal_days", self.pool_no_deal_days))
                     for level, rule in self.pool_rules_by_intent.items()}
        return PoolPolicy(default=ReclaimRule(self.pool_no_follow_up_days, self.pool_no_deal_days),
                          by_intent=by_intent, warning_days=self.pool_warning_days,
                          cooldown_days=self.pool_cooldown_days, claims_per_day=self.pool_claims_per_day)

    def policy(self) -> CrmPolicy:
        return CrmPolicy(
            lead_sources=tuple(self.lead_sources),
            intent_levels=tuple(self.intent_levels),
            rep_open_lead_cap=self.rep_open_lead_cap,
            distribution_roles=frozenset(self.distribution_roles),
            contact_reveal_roles=frozenset(self.contact_reveal_roles),
            import_max_rows=self.import_max_rows,
            currency=self.currency,
            pool=self.pool_policy(),
            reclaim_batch=self.pool_reclaim_batch,
            follow_up_methods=tuple(self.follow_up_methods),
            follow_up_horizon_days=self.follow_up_horizon_days,
            complaint_causes=tuple(self.complaint_causes),
            complaint_escalation_hours=self.complaint_escalation_hours,
            complaint_escalation_roles=tuple(self.complaint_escalation_roles),
            credit_ratings=tuple(self.credit_ratings),
            credit_flags=tuple(self.credit_flags),
            group_strategy=self.distribution_strategy,
            department_strategy=self.department_distribution_strategy,
            export_max_rows=self.export_max_rows,
        )


def get_settings() -> CrmSettings:
    return CrmSettings()
