"""Settings of the telesales service (environment variables prefixed ``TELESALES_``).

Business defaults (T3, T4, T6) are settings, never constants in the rules: the effective-conversation
rule, the daily dial target per role, the calling hours and per-number caps, the agent's
correction window and who may take a number off the do-not-call list, read by the domain as
:class:`TelesalesPolicy` (``settings.policy()``). The company's time zone is the shared ``TELESALES_COMPANY_TIMEZONE``,
read through the clock. Lists and maps are read as JSON, e.g.
``TELESALES_DAILY_DIAL_TARGETS='{"telesales_agent": 40, "sales_rep": 25}'``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings
from shared.phones import DEVELOPMENT_PHONE_DIGEST_KEY, phone_digest_key_problem
from telesales.domain.calls import Disposition
from telesales.domain.compliance import MAX_CAP, CallingRules, RulesError
from telesales.domain.corrections import CorrectionWindow
from telesales.domain.effectiveness import EffectiveConversationRule
from telesales.domain.policy import TelesalesPolicy
from telesales.domain.targets import DailyTargets

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# The internal topic from intake to the workers; prefixed like every topic by ``settings.topic``.
INTAKE_TOPIC = "telesales.intake"
# The PostgreSQL channel (telesales' database) on which intake announces records it published: an
# idle worker's intake consumer stops fetching and waits for it (shared.consumer.IdlePause).
INTAKE_CHANNEL = "telesales_intake_published"


class TelesalesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="TELESALES_", extra="ignore")

    service_name: str = "telesales"
    port: int = 8003
    intake_port: int = 8006

    effective_min_seconds: int = Field(60, ge=0)
    effective_dispositions: list[Disposition] = Field(
        default_factory=lambda: [Disposition.INTENT, Disposition.APPOINTMENT, Disposition.ORDER])
    daily_dial_targets: dict[str, int] = Field(default_factory=lambda: {"telesales_agent": 30, "sales_rep": 30})
    default_daily_dial_target: int = Field(30, ge=0)

    intake_batch_limit: int = Field(1000, ge=1, le=100_000)
    # How long intake waits for the broker's acknowledgement before answering 503.
    intake_publish_timeout_seconds: float = Field(20.0, gt=0)
    # Intake publishes a request's records as one message per intake partition (CallsSubmitted);
    # false: one message per record, which workers of releases before it read. Keep it false during
    # a rolling upgrade until every telesales worker runs a release that reads both.
    intake_batch_messages: bool = True
    # Records per message stay under this many bytes of JSON (the producer refuses requests over 1 MB).
    intake_message_max_bytes: int = Field(512_000, ge=10_000, le=900_000)
    # How long intake trusts what it read of the directory replica (agent -> group -> department)
    # and of a service account before reading again: a batch costs at most one directory query, and
    # a transfer or a revocation reaches intake within this many seconds. 0 reads every batch.
    intake_directory_cache_seconds: float = Field(10.0, ge=0, le=3600)
    # The key of shared.phones.phone_digest; the same value as CRM_PHONE_DIGEST_KEY, or a customer's
    # do-not-call request from crm matches no number.
    phone_digest_key: str = Field(DEVELOPMENT_PHONE_DIGEST_KEY, repr=False)
    # Telephony clocks drift; a call "starting" further ahead than this is a bad record.
    max_future_skew_seconds: int = Field(300, ge=0)

    # Compliance (T6): permitted hours per weekday, company time; a day left out permits no calls.
    # An administrator may replace them and the caps at run time (PUT /compliance/rules).
    calling_hours: dict[str, list[list[str]]] = Field(default_factory=lambda: {
        **{day: [["09:00", "20:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": [["10:00", "18:00"]], "sun": []})
    # Calls to one number before a further one is flagged: per company day, per week (null: no cap).
    daily_cap_per_number: int | None = Field(3, ge=1, le=MAX_CAP)
    weekly_cap_per_number: int | None = Field(6, ge=1, le=MAX_CAP)
    compliance_rules_refresh_seconds: float = Field(30.0, ge=0)
    correction_window_hours: int = Field(48, ge=0)
    dnc_removal_roles: list[str] = Field(default_factory=lambda: ["admin", "department_manager"])

    @field_validator("calling_hours")
    @classmethod
    def _hours_are_sound(cls, value: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
        try:
            CallingRules.parse(value, None, None)
        except RulesError as error:
            raise ValueError(str(error)) from error
        return value

    @model_validator(mode="after")
    def _real_digest_key_in_production(self) -> TelesalesSettings:
        problem = phone_digest_key_problem(self.phone_digest_key, self.environment)
        if problem:
            raise ValueError(problem)
        return self

    @field_validator("daily_dial_targets")
    @classmethod
    def _targets_not_negative(cls, value: dict[str, int]) -> dict[str, int]:
        if any(target < 0 for target in value.values()):
            raise ValueError("daily dial targets must not be negative")
        return value

    @property
    def intake_topic(self) -> str:
        return self.topic(INTAKE_TOPIC)

    def policy(self) -> TelesalesPolicy:
        """The company's rules as the domain reads them; bootstrap puts them on the bus."""
        return TelesalesPolicy(
            effective_rule=EffectiveConversationRule.of(self.effective_min_seconds, self.effective_dispositions),
            targets=DailyTargets(by_role=dict(self.daily_dial_targets), default=self.default_daily_dial_target),
            max_future_skew=timedelta(seconds=self.max_future_skew_seconds),
            calling_rules=CallingRules.parse(self.calling_hours, self.daily_cap_per_number,
                                             self.weekly_cap_per_number),
            correction_window=CorrectionWindow(agent_hours=self.correction_window_hours),
            dnc_removal_roles=frozenset(self.dnc_removal_roles),
            rules_refresh_seconds=self.compliance_rules_refresh_seconds,
            intake_cache_seconds=self.intake_directory_cache_seconds,
            phone_digest_key=self.phone_digest_key,
        )


def get_settings() -> TelesalesSettings:
    return TelesalesSettings()
