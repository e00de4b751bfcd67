"""Settings of the appraisal service (environment variables prefixed ``APPRAISAL_``).

Every business number of the appraisal rules is here (or in the templates table), so that a
company changes its policy by configuration, never by code. The calendar that decides an input's
month and whether a month has ended is the company's (``APPRAISAL_COMPANY_TIMEZONE``, a shared
setting), read through the service's clock.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import SettingsConfigDict

from appraisal.domain.honours import SCORE, HonourRule
from appraisal.domain.plan_execution import Component, PlanExecutionPolicy, validate_weights
from appraisal.domain.policy import AppraisalPolicy, CoefficientBand
from appraisal.domain.reports import ReportPolicy
from appraisal.domain.results import validate_bands
from appraisal.domain.templates import Source
from shared.auth import Role
from shared.config import ServiceSettings

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

Points = Decimal


class HonourSetting(BaseModel):
    """One honour of A7 (APPRAISAL_HONOURS, a JSON list of these)."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name: str = Field(min_length=1, max_length=200)
    # "score", or a measured kind (sales_amount, collections, group_sales_amount, …).
    measure: str
    roles: list[str] = Field(min_length=1)
    scope: Literal["department", "company"] = "company"
    min_score: Decimal = Field(Decimal(0), ge=0, le=100)
    hired_within_days: int | None = Field(None, ge=1, le=3650)

    @model_validator(mode="after")
    def _known(self) -> HonourSetting:
        if self.measure != SCORE and self.measure not in Source.MEASURED:
            raise ValueError(f"honour {self.key}: measure must be score or one of {', '.join(Source.MEASURED)}")
        unknown = [role for role in self.roles if role not in Role.ALL]
        if unknown:
            raise ValueError(f"honour {self.key}: unknown roles {unknown}")
        return self


# A7 (seeds 000, 003): monthly Sales Star and Customer Service Model; Sales Champion, Best Team and
# Best Newcomer. The seeds name the honours, not their criteria: these are the defaults, stated.
DEFAULT_HONOURS = [
    HonourSetting(key="sales_star", name="销售之星 Sales Star", measure="sales_amount",
                  roles=["sales_rep", "telesales_agent"], scope="department", min_score=Decimal(70)),
    HonourSetting(key="customer_service_model", name="客户服务标兵 Customer Service Model",
                  measure="effective_conversations", roles=["telesales_agent", "sales_rep"], scope="department",
                  min_score=Decimal(70)),
    HonourSetting(key="sales_champion", name="销售冠军 Sales Champion", measure="sales_amount",
                  roles=["sales_rep", "telesales_agent", "group_leader"], scope="company"),
    HonourSetting(key="best_team", name="最佳团队 Best Team", measure="group_sales_amount", roles=["group_leader"],
                  scope="company"),
    HonourSetting(key="best_newcomer", name="最佳新人 Best Newcomer", measure="score",
                  roles=["sales_rep", "telesales_agent"], scope="company", min_score=Decimal(60),
                  hired_within_days=90),
]


# A8 names the plan-execution score, not its formula: the defaults, stated. Daily logs weigh most (seed
# 004: the daily report is the basic discipline), the weekly report next (A4: 40 of the daily-work
# 100), then the plan, the monthly report, approvals and spot checks.
DEFAULT_PLAN_EXECUTION_WEIGHTS = {
    Component.DAILY_LOGS: Decimal(30), Component.WEEKLY_PLANS: Decimal(15), Component.WEEKLY_REPORTS: Decimal(25),
    Component.MONTHLY_REPORT: Decimal(10), Component.APPROVALS: Decimal(10), Component.SPOT_CHECKS: Decimal(10),
}


class AppraisalSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="APPRAISAL_", extra="ignore")

    service_name: str = "appraisal"
    port: int = 8004

    # A3 composite weights of the review stages; HR's composite replaces them once given.
    review_weight_self: Decimal = Field(Decimal(20), ge=0)
    review_weight_leader: Decimal = Field(Decimal(40), ge=0)
    review_weight_superior: Decimal = Field(Decimal(40), ge=0)
    review_hr_composite_overrides: bool = True
    # Points of a rated indicator no review has rated yet (the live score before reviews).
    unrated_indicator_points: Points = Field(Decimal(0), ge=0, le=100)

    # A3: stages every appraised employee needs before a period closes; HR may close without one
    # only by stating the rule for the missing stages (POST /periods/{p}/close, missing_stages_rule).
    close_required_stages: list[Literal["self", "leader", "superior", "hr"]] = ["self", "leader", "superior"]
    # A1: the day of the following month each stage is due by (forms reach HR by the 8th; the
    # month's appraisal is done within the first ten days). Past it, the stage is listed overdue.
    review_self_due_day: int = Field(8, ge=1, le=28)
    review_leader_due_day: int = Field(8, ge=1, le=28)
    review_superior_due_day: int = Field(10, ge=1, le=28)
    review_hr_due_day: int = Field(10, ge=1, le=28)

    # Seed 003: a call with one of these dispositions makes its lead an intent customer (意向客户),
    # counted once per lead and month on the intent_customers indicator.
    intent_dispositions: list[str] = Field(["intent"], min_length=1)

    # A2 complaint-handling timeliness: a closed complaint is on time when crm says so (answered
    # before its escalation time, C9) and, when this is set, resolved within these many hours too.
    complaint_on_time_max_hours: Decimal | None = Field(None, gt=0)

    # A1: the annual score is the mean of the year's monthly scores; months without a result
    # (not employed, or in a role nobody appraises) are left out (employed_months) or count as 0
    # (zero: the twelve months summed ÷ 12, A1 to the letter).
    annual_missing_months: Literal["employed_months", "zero"] = "employed_months"

    # A7: the honours awarded when a period closes (see DEFAULT_HONOURS; a JSON list in the env).
    honours: list[HonourSetting] = Field(default_factory=lambda: list(DEFAULT_HONOURS))

    # A8: the weekly plan is due on the week's Monday (+0 days), the weekly report on the Monday
    # after (+7); submitted later, each is marked late.
    weekly_plan_due_offset_days: int = Field(0, ge=-7, le=6)
    weekly_report_due_offset_days: int = Field(7, ge=0, le=14)

    # A8, seed 004 (domain.reports): a daily log is owed on the company's working days (org's
    # calendar: weekend, public holidays, make-up working days) by the roles listed, and is on time
    # and editable until daily_log_cutoff_days later at daily_log_cutoff_time (company time);
    # written later it is late and final.
    daily_log_cutoff_days: int = Field(1, ge=0, le=7)
    daily_log_cutoff_time: time = time(10, 0)
    daily_log_roles: list[str] = ["sales_rep", "telesales_agent", "group_leader"]
    # A4: the monthly report is in by the 30th (by the last day of a shorter month).
    monthly_report_due_day: int = Field(30, ge=1, le=31)
    # A8 (domain.plan_execution): the weights of the plan-execution score's components, and what a
    # late submission earns of an on-time one (A4: a late weekly report scores 0).
    plan_execution_weights: dict[str, Decimal] = Field(default_factory=lambda: dict(DEFAULT_PLAN_EXECUTION_WEIGHTS))
    plan_execution_late_credit: Decimal = Field(Decimal(0), ge=0, le=1)
    # How often (seconds) the worker looks whether the company day's plan-execution sweep is due
    # (service_layer.plan_execution_sweep: once a day, after the daily log cut-off); 0 disables it.
    plan_execution_sweep_seconds: float = Field(300, ge=0)

    # Attendance is measured from org's day classifications (org.attendance.day_classified.v1).
    # A4: a half-day absence counts as a whole absence day on the attendance indicator.
    attendance_half_day_counts_as_full: bool = True

    # A5: [minimum score, coefficient], highest first; a score belongs to the first band whose
    # minimum it reaches, so 89.99 earns the 80 band's coefficient.
    coefficient_bands: list[tuple[Decimal, Decimal]] = [
        (Decimal(90), Decimal("1.5")),
        (Decimal(80), Decimal("1.2")),
        (Decimal(70), Decimal("1.0")),
        (Decimal(60), Decimal("0.8")),
        (Decimal(0), Decimal("0.5")),
    ]

    # A6: one month below retraining_score, or low_score_months in a row below low_score.
    retraining_score: Points = Field(Decimal(60), ge=0, le=100)
    low_score: Points = Field(Decimal(70), ge=0, le=100)
    low_score_months: int = Field(3, ge=1, le=24)
    # A6, still failing after retraining (domain.consequences): a retraining case is judged on the
    # results of this many months after the flagged one; all of them below dismissal_failing_below
    # open a dismissal case for HR, any one at or above it passes the case.
    retraining_follow_up_months: int = Field(1, ge=1, le=12)
    dismissal_failing_below: Points = Field(Decimal(70), ge=0, le=100)

    @model_validator(mode="after")
    def _coherent_policy(self) -> AppraisalSettings:
        validate_bands(self._bands())
        keys = [honour.key for honour in self.honours]
        if len(set(keys)) != len(keys):
            raise ValueError("each honour key once")
        validate_weights(self.plan_execution_weights)
        unknown = [role for role in self.daily_log_roles if role not in Role.ALL]
        if unknown:
            raise ValueError(f"daily_log_roles: unknown roles {unknown}")
        if self.review_weight_self + self.review_weight_leader + self.review_weight_superior <= 0:
            raise ValueError("at least one review stage needs a weight above 0")
        return self

    def _bands(self) -> tuple[CoefficientBand, ...]:
        return tuple(CoefficientBand(minimum=minimum, coefficient=coefficient)
                     for minimum, coefficient in self.coefficient_bands)

    def policy(self) -> AppraisalPolicy:
        return AppraisalPolicy(
            stage_weights={"self": self.review_weight_self, "leader": self.review_weight_leader,
                           "superior": self.review_weight_superior},
            hr_composite_overrides=self.review_hr_composite_overrides,
            unrated_points=self.unrated_indicator_points,
            half_day_counts_as_full=self.attendance_half_day_counts_as_full,
            bands=self._bands(),
            retraining_below=self.retraining_score,
            low_score_below=self.low_score,
            low_score_months=self.low_score_months,
            retraining_follow_up_months=self.retraining_follow_up_months,
            dismissal_failing_below=self.dismissal_failing_below,
            required_stages=tuple(stage for stage in ("self", "leader", "superior", "hr")
                                  if stage in self.close_required_stages),
            stage_due_days={"self": self.review_self_due_day, "leader": self.review_leader_due_day,
                            "superior": self.review_superior_due_day, "hr": self.review_hr_due_day},
            intent_dispositions=frozenset(self.intent_dispositions),
            complaint_on_time_max_hours=self.complaint_on_time_max_hours,
            annual_missing_months=self.annual_missing_months,
            honours=tuple(HonourRule(key=h.key, name=h.name, measure=h.measure, roles=tuple(h.roles), scope=h.scope,
                                     min_score=h.min_score, hired_within_days=h.hired_within_days)
                          for h in self.honours),
            weekly_plan_due_offset_days=self.weekly_plan_due_offset_days,
            weekly_report_due_offset_days=self.weekly_report_due_offset_days,
            reports=ReportPolicy(daily_log_cutoff_days=self.daily_log_cutoff_days,
                                 daily_log_cutoff_time=self.daily_log_cutoff_time,
                                 daily_log_roles=frozenset(self.daily_log_roles),
                                 monthly_report_due_day=self.monthly_report_due_day),
            plan_execution=PlanExecutionPolicy(weights=dict(self.plan_execution_weights),
                                               late_credit=self.plan_execution_late_credit),
        )


def get_settings() -> AppraisalSettings:
    return AppraisalSettings()
