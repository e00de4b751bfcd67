"""Settings of the payroll service (environment variables prefixed ``PAYROLL_``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import Field
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

    def policy(self) -> PayPolicy:
        return PayPolicy(full_score_at=self.performance_full_score)


def get_settings() -> PayrollSettings:
    return PayrollSettings()
