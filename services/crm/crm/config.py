"""Settings of the crm service (environment variables prefixed ``CRM_``).

Every business default of BUSINESS_RULES §2 lives here, never in the logic: the domain receives
them as a :class:`crm.domain.policy.CrmPolicy`.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from crm.domain.policy import CrmPolicy
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
    # C10: besides the owner rep, who may reveal a customer's full contact details (every reveal is logged).
    contact_reveal_roles: list[str] = Field(default_factory=lambda: ["sales_director", "admin"])
    # One CSV import is one request: bounded so that it cannot hold a worker for minutes.
    import_max_rows: int = Field(5000, ge=1)
    import_max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    currency: str = Field("CNY", min_length=3, max_length=3)

    def policy(self) -> CrmPolicy:
        return CrmPolicy(
            lead_sources=tuple(self.lead_sources),
            intent_levels=tuple(self.intent_levels),
            rep_open_lead_cap=self.rep_open_lead_cap,
            distribution_roles=frozenset(self.distribution_roles),
            contact_reveal_roles=frozenset(self.contact_reveal_roles),
            import_max_rows=self.import_max_rows,
            currency=self.currency,
        )


def get_settings() -> CrmSettings:
    return CrmSettings()
