"""Settings of the payroll service (environment variables prefixed ``PAYROLL_``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from payroll.domain.annual import AnnualPolicy
from payroll.domain.attendance import AttendancePolicy
from payroll.domain.commission_plans import CommissionPolicy
from payroll.domain.expenses import ExpensePolicy, Standard, Window
from payroll.domain.payslip import PayPolicy
from payroll.domain.profit_share import ProfitSharePolicy
from shared.config import ServiceSettings

# The Alembic history lives beside the package, not inside it: it is deployed with the service folder.
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class PayrollSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAYROLL_", extra="ignore")

    service_name: str = "payroll"
    port: int = 8005

    # P2: the score that earns the full performance-pay standard.
    performance_full_score: Decimal = Field(Decimal(80), gt=0)

    # P6 attendance deductions (seed 003 考勤制度, "[X]元" left to the company).
    # A day's wage = monthly base ÷ this (21.75: the statutory paid days of a month).
    attendance_day_wage_divisor: Decimal = Field(Decimal("21.75"), gt=0)
    # Fixed amounts per occurrence, taken from the month's performance pay + bonus (capped there).
    attendance_full_day_absence_amount: Decimal = Field(Decimal("200.00"), ge=0, decimal_places=2)
    attendance_half_day_absence_amount: Decimal = Field(Decimal("100.00"), ge=0, decimal_places=2)
    attendance_minor_lateness_amount: Decimal = Field(Decimal("50.00"), ge=0, decimal_places=2)

    # P7 expense standards (seed 002 差旅费、生活补贴 "按照标准", 通讯费 "一定的限额"; amounts left to the
    # company): per-day caps for travel and living costs, a monthly limit for communication fees.
    expense_travel_daily_cap: Decimal = Field(Decimal("500.00"), ge=0, decimal_places=2)
    expense_living_daily_cap: Decimal = Field(Decimal("150.00"), ge=0, decimal_places=2)
    expense_communication_monthly_limit: Decimal = Field(Decimal("200.00"), ge=0, decimal_places=2)

    # P4 commission plans: the month whose run pays the annual over-target bonus, and the expense
    # categories that count against a plan's per-unit sales-expense allowance.
    commission_year_end_month: int = Field(12, ge=1, le=12)
    commission_sales_expense_categories: list[str] = Field(default_factory=lambda: ["travel", "living"])
    # P5 (seed 002): the share of a branch's profit for its manager and finance supervisor, the manager's
    # portion of it (at least half), and which roles are on each side.
    profit_share_rate: Decimal = Field(Decimal("0.20"), ge=0, le=1)
    profit_share_manager_portion: Decimal = Field(Decimal("0.5"), ge=Decimal("0.5"), le=1)
    profit_share_manager_roles: list[str] = ["department_manager", "regional_manager"]
    profit_share_finance_roles: list[str] = ["finance"]
    # A1 + P3: the month of the following year whose run pays the year's annual bonus (1: January, the
    # run after appraisal computes the annual score; an earlier month would find no score yet).
    annual_bonus_run_month: int = Field(1, ge=1, le=12)
    # A8 (seed 002): the plan-execution score that keeps base income whole (in proportion above and below,
    # as P2), and the highest factor it may reach; applies only to plans with base_follows_plan_execution.
    plan_execution_full_score: Decimal = Field(Decimal(80), gt=0)
    plan_execution_max_factor: Decimal = Field(Decimal("1.25"), ge=0)

    def expense_policy(self) -> ExpensePolicy:
        return ExpensePolicy(standards={
            "travel": Standard(Window.DAY, self.expense_travel_daily_cap),
            "living": Standard(Window.DAY, self.expense_living_daily_cap),
            "communication": Standard(Window.MONTH, self.expense_communication_monthly_limit),
        })

    def policy(self) -> PayPolicy:
        return PayPolicy(full_score_at=self.performance_full_score, attendance=AttendancePolicy(
            day_wage_divisor=self.attendance_day_wage_divisor,
            full_day_absence_amount=self.attendance_full_day_absence_amount,
            half_day_absence_amount=self.attendance_half_day_absence_amount,
            minor_lateness_amount=self.attendance_minor_lateness_amount,
        ), expenses=self.expense_policy(), commission=CommissionPolicy(
            year_end_month=self.commission_year_end_month,
            sales_expense_categories=tuple(self.commission_sales_expense_categories)), profit_share=ProfitSharePolicy(
            share_rate=self.profit_share_rate, manager_portion=self.profit_share_manager_portion,
            manager_roles=frozenset(self.profit_share_manager_roles),
            finance_roles=frozenset(self.profit_share_finance_roles)), annual=AnnualPolicy(
            run_month=self.annual_bonus_run_month, plan_execution_full_score=self.plan_execution_full_score,
            plan_execution_max_factor=self.plan_execution_max_factor))


def get_settings() -> PayrollSettings:
    return PayrollSettings()
