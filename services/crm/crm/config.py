"""Settings of the crm service (environment variables prefixed ``CRM_``).

Every business default of BUSINESS_RULES §2 lives here, never in the logic: the domain receives
them as a :class:`crm.domain.policy.CrmPolicy`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from crm.domain.aftersales import AfterSalesPolicy
from crm.domain.policy import CrmPolicy
from crm.domain.pool import PoolPolicy, ReclaimRule
from crm.domain.projects import ProjectStage, VisitCadence
from crm.domain.strategies import Strategy
from shared.config import ServiceSettings
from shared.phones import DEVELOPMENT_PHONE_DIGEST_KEY, phone_digest_key_problem

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
    # T6: the key of shared.phones.phone_digest, by which a customer's do-not-call request names the
    # number to telesales; the same value as TELESALES_PHONE_DIGEST_KEY. Refused in production as default.
    phone_digest_key: str = Field(DEVELOPMENT_PHONE_DIGEST_KEY, repr=False)
    # T6, rotating that key (README "Rotating the phone-digest key"): the old key(s) while telesales still
    # runs one of them, e.g. CRM_PHONE_DIGEST_PREVIOUS_KEYS='["<old key>"]'; empty outside a rotation. New
    # requests are then announced under these too, and POST /do-not-call/announce-again carries the
    # stored ones over to phone_digest_key.
    phone_digest_previous_keys: list[str] = Field(default_factory=list, repr=False)
    # Requests per transaction (their rows and events committed together) of that re-announcement.
    do_not_call_reannounce_page_size: int = Field(500, ge=1, le=10_000)

    @model_validator(mode="after")
    def _real_digest_key_in_production(self) -> CrmSettings:
        for key in (self.phone_digest_key, *self.phone_digest_previous_keys):
            problem = phone_digest_key_problem(key, self.environment)
            if problem:
                raise ValueError(problem)
        return self

    # C7: days allowed between two visits of a project, per stage (a stage left out is not tracked), e.g.
    # CRM_PROJECT_VISIT_CADENCE_DAYS='{"early_design": 7, "bidding": 14}'.
    project_visit_cadence_days: dict[str, int] = Field(default_factory=lambda: {
        "early_design": 7, "bidding": 14, "deepened_design": 14, "stocking_execution": 14, "acceptance": 14})
    # C7 after-sales (售后回访): the first follow-up 3 to 7 days after the sale, the second within 7 days after the
    # first; planned as follow-ups (C6) by this method when the deal is recorded.
    after_sales_first_from_days: int = Field(3, ge=0)
    after_sales_first_within_days: int = Field(7, ge=1)
    after_sales_second_within_days: int = Field(7, ge=1)
    after_sales_method: str = "visit"
    # C12: visits a rep is expected to make per ISO week, which roles the weekly count lists, and how long
    # after a visit it may still be logged (the week's figures must settle).
    visit_weekly_target: int = Field(20, ge=1)
    visit_target_roles: list[str] = Field(default_factory=lambda: ["sales_rep"], min_length=1)
    visit_max_age_days: int = Field(14, ge=0, le=366)

    @model_validator(mode="after")
    def _project_and_after_sales_settings(self) -> CrmSettings:
        stages = [stage.value for stage in ProjectStage]
        for stage, days in self.project_visit_cadence_days.items():
            if stage not in stages:
                raise ValueError(f"project_visit_cadence_days: unknown stage {stage!r}; one of {stages}")
            if days < 1:
                raise ValueError(f"project_visit_cadence_days[{stage!r}]: at least 1 day")
        if self.after_sales_first_from_days > self.after_sales_first_within_days:
            raise ValueError("after_sales_first_from_days must not exceed after_sales_first_within_days")
        if self.after_sales_method not in self.follow_up_methods:
            raise ValueError(f"after_sales_method {self.after_sales_method!r} is not one of follow_up_methods")
        return self

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
            project_visit_cadence=VisitCadence({ProjectStage(stage): days
                                                for stage, days in self.project_visit_cadence_days.items()}),
            visit_weekly_target=self.visit_weekly_target,
            visit_target_roles=tuple(self.visit_target_roles),
            visit_max_age_days=self.visit_max_age_days,
            after_sales=AfterSalesPolicy(first_from_days=self.after_sales_first_from_days,
                                         first_within_days=self.after_sales_first_within_days,
                                         second_within_days=self.after_sales_second_within_days,
                                         method=self.after_sales_method),
            phone_digest_key=self.phone_digest_key,
            phone_digest_previous_keys=tuple(key for key in self.phone_digest_previous_keys
                                             if key != self.phone_digest_key),
            do_not_call_reannounce_page_size=self.do_not_call_reannounce_page_size,
        )


def get_settings() -> CrmSettings:
    return CrmSettings()
