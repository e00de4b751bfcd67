"""Settings of the org service (environment variables prefixed ``ORG_``)."""

from __future__ import annotations

from pathlib import Path

from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from org.domain.policy import OrgPolicy
from org.domain.training import TrainingPolicy
from org.service_layer.passwords import PasswordCost, Passwords
from shared.config import ServiceSettings

# The Alembic history lives beside the package, not inside it: it is deployed with the service folder.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class OrgSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ORG_", extra="ignore")

    service_name: str = "org"
    port: int = 8001

    # argon2id cost of a password hash. The defaults are argon2-cffi's (RFC 9106's low-memory
    # profile); tests lower them to hash in microseconds, production may only raise them.
    password_time_cost: int = Field(DEFAULT_TIME_COST, ge=1)
    password_memory_cost_kib: int = Field(DEFAULT_MEMORY_COST, ge=8)
    password_parallelism: int = Field(DEFAULT_PARALLELISM, ge=1)

    # O7: sessions a regional manager must hold as trainer each month to stay off the list.
    training_minimum_sessions_per_month: int = Field(1, ge=0, le=100)
    # O5: days from the hire date, the hire date included, within which onboarding must be attended.
    training_onboarding_window_days: int = Field(7, ge=1, le=90)

    @model_validator(mode="after")
    def _refuse_cheap_password_hashing_in_production(self) -> OrgSettings:
        if self.password_memory_cost_kib < 8 * self.password_parallelism:
            raise ValueError("password_memory_cost_kib must be at least 8 KiB per lane of password_parallelism")
        if self.environment == "production":
            for name, value, minimum in (("password_time_cost", self.password_time_cost, DEFAULT_TIME_COST),
                                         ("password_memory_cost_kib", self.password_memory_cost_kib,
                                          DEFAULT_MEMORY_COST),
                                         ("password_parallelism", self.password_parallelism, DEFAULT_PARALLELISM)):
                if value < minimum:
                    raise ValueError(f"{name} must be at least {minimum} in production (argon2-cffi's default)")
        return self

    def password_cost(self) -> PasswordCost:
        return PasswordCost(time_cost=self.password_time_cost, memory_cost_kib=self.password_memory_cost_kib,
                            parallelism=self.password_parallelism)

    def policy(self) -> OrgPolicy:
        return OrgPolicy(passwords=Passwords(self.password_cost()), training=self.training_policy())

    def training_policy(self) -> TrainingPolicy:
        return TrainingPolicy(minimum_sessions_per_month=self.training_minimum_sessions_per_month,
                              onboarding_window_days=self.training_onboarding_window_days)


def get_settings() -> OrgSettings:
    return OrgSettings()
