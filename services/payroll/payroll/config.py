"""Settings of the payroll service (environment variables prefixed ``PAYROLL_``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from payroll.domain.payslip import PayPolicy
from shared.config import ServiceSettings

# The Alembic history lives beside the package, not inside it: it is deployed with the service folder.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class PayrollSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYROLL_", extra="ignore")

    service_name: str = "payroll"
    port: int = 8005

    # P2: the score that earns the full performance-pay standard.
    performance_full_score: Decimal = Field(Decimal(80), gt=0)
    # The company's clock: places payment instants in a period (a calendar date is taken as is).
    company_timezone: str = "Asia/Shanghai"

    @field_validator("company_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone {value!r}") from error
        return value

    def pay_policy(self) -> PayPolicy:
        return PayPolicy(full_score_at=self.performance_full_score)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.company_timezone)


def get_settings() -> PayrollSettings:
    return PayrollSettings()
