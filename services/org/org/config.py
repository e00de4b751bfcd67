"""Settings of the org service (environment variables prefixed ``ORG_``)."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path

from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST
from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from org.domain.attendance import AttendancePolicy, LeaveType
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
    # A login session (refresh token) unused this long expires; logging out closes it at once.
    session_ttl_seconds: int = Field(7 * 24 * 3600, ge=60)

    # O7: sessions a regional manager must hold as trainer each month to stay off the list.
    training_minimum_sessions_per_month: int = Field(1, ge=0, le=100)
    # O5: days from the hire date, the hire date included, within which onboarding must be attended.
    training_onboarding_window_days: int = Field(7, ge=1, le=90)
    # Attendance (O6). Working hours of a year HR has not set (a set year carries its own).
    attendance_work_starts_at: time = time(9, 0)
    attendance_work_ends_at: time = time(18, 0)
    # Late arrival or early departure up to this many minutes is a minor lateness; beyond, half a day.
    attendance_tolerance_minutes: int = Field(15, ge=0, le=240)
    # Leave types and whether each is paid (JSON: ORG_ATTENDANCE_LEAVE_TYPES='{"annual": true, …}').
    attendance_leave_types: dict[str, bool] = Field(default_factory=lambda: {
        "annual": True, "sick": True, "personal": False, "marriage_bereavement": True,
    })
    # Days per calendar year of the types that have a quota; a type not named here is unlimited.
    attendance_leave_quotas: dict[str, int] = Field(default_factory=lambda: {"annual": 5})
    # Leave longer than this many working days needs the department manager after the group leader.
    attendance_manager_approval_over_days: int = Field(3, ge=0)
    # Whether HR may record leave for past days (retroactive leave); others always ask in advance.
    attendance_hr_may_record_past_leave: bool = True
    # Dismissal case thresholds: consecutive working days with absence, absence days in a calendar year.
    attendance_dismissal_consecutive_days: int = Field(3, ge=1)
    attendance_dismissal_cumulative_days: Decimal = Field(Decimal(5), gt=0)
    # How often the worker classifies the days that ended (seconds); 0 disables it.
    attendance_sweep_interval_seconds: float = Field(60, ge=0)
    # Employees per transaction of the sweep.
    attendance_sweep_batch_employees: int = Field(50, ge=1)
    # First day the sweep classifies for someone never swept; unset: their hire date.
    attendance_sweep_starts_on: date | None = None

    @model_validator(mode="after")
    def _quotas_name_leave_types(self) -> OrgSettings:
        unknown = sorted(set(self.attendance_leave_quotas) - set(self.attendance_leave_types))
        if unknown:
            raise ValueError(f"attendance_leave_quotas names unknown leave types: {', '.join(unknown)}")
        if self.attendance_work_starts_at >= self.attendance_work_ends_at:
            raise ValueError("attendance_work_starts_at must be before attendance_work_ends_at")
        return self

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
        return OrgPolicy(passwords=Passwords(self.password_cost()), training=self.training_policy(),
                         attendance=self.attendance_policy(), session_ttl=timedelta(seconds=self.session_ttl_seconds))

    def training_policy(self) -> TrainingPolicy:
        return TrainingPolicy(minimum_sessions_per_month=self.training_minimum_sessions_per_month,
                              onboarding_window_days=self.training_onboarding_window_days)

    def attendance_policy(self) -> AttendancePolicy:
        return AttendancePolicy(
            work_starts_at=self.attendance_work_starts_at, work_ends_at=self.attendance_work_ends_at,
            tolerance_minutes=self.attendance_tolerance_minutes,
            leave_types={name: LeaveType(name, paid=paid, annual_quota=self.attendance_leave_quotas.get(name))
                         for name, paid in self.attendance_leave_types.items()},
            manager_approval_over_days=self.attendance_manager_approval_over_days,
            hr_may_record_past_leave=self.attendance_hr_may_record_past_leave,
            dismissal_consecutive_days=self.attendance_dismissal_consecutive_days,
            dismissal_cumulative_days=self.attendance_dismissal_cumulative_days,
            sweep_starts_on=self.attendance_sweep_starts_on,
            sweep_batch_employees=self.attendance_sweep_batch_employees,
        )


def get_settings() -> OrgSettings:
    return OrgSettings()
