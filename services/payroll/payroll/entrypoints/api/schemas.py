"""Request and response bodies of the payroll API, kept apart from tables and domain objects.
Amounts travel as decimal strings."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from payroll.domain.commission_plans import CommissionPlan, definition_of
from payroll.domain.incentives import IncentiveStatus
from payroll.domain.overrides import AMOUNTS, COMMISSION_TERMS
from payroll.domain.periods import PERIOD_PATTERN
from payroll.domain.plans import PARTS, CompensationPlan
from payroll.domain.runs import PayslipRecord, RunStatus
from payroll.service_layer.commission_plans import KEY_PATTERN
from payroll.service_layer.views import PeriodStatus
from shared.auth import Role
from shared.fields import IsoDate

Period = Annotated[str, StringConstraints(pattern=PERIOD_PATTERN)]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Rate = Annotated[Decimal, Field(ge=0, le=1, max_digits=9, decimal_places=6,
                                description="a fraction: 0.03 is 3% of the money collected")]
RoleName = Literal[Role.ALL]  # type: ignore[valid-type]
CommissionPlanKey = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


PlanPart = Literal["base", "performance_pay", "bonus", "commission", "profit_share", "annual_bonus"]


class PlanWrite(_Request):
    effective_from: Period = Field(description="the first period (YYYY-MM) this version applies to")
    monthly_base: Money
    performance_standard: Money = Field(description="performance pay earned at the full score (P2)")
    bonus_base: Money = Field(description="multiplied by the appraisal coefficient (P3)")
    commission_rate: Rate
    parts: list[PlanPart] = Field(default=["base", "performance_pay", "bonus", "commission"], min_length=1,
                                  description="the parts of pay this role gets; base, performance_pay, bonus "
                                              "and commission if left out. profit_share (P5) is for the "
                                              "branch manager's and finance supervisor's roles, without "
                                              "commission; annual_bonus pays annual_bonus_base × the annual "
                                              "score's coefficient once a year")
    performance_fixed: Money | None = Field(
        None, description="performance pay of a role that is not appraised, paid as it is each month; "
                          "left out: performance pay follows the appraisal score (P2)")
    commission_plan: CommissionPlanKey | None = Field(
        None, description="the named commission plan (PUT /commission-plans/{key}) paying the commission part; "
                          "left out: commission_rate × money collected")
    annual_bonus_base: Money = Field(
        Decimal("0.00"), description="the annual_bonus part's base: × the coefficient of the annual score (A1, "
                                     "P3), paid by the run of PAYROLL_ANNUAL_BONUS_RUN_MONTH of the next year")
    base_follows_plan_execution: bool = Field(
        False, description="A8: the month's plan-execution score adjusts base income (full at "
                           "PAYROLL_PLAN_EXECUTION_FULL_SCORE, in proportion above and below); off by default")


class PlanRead(_Read):
    role: str
    version: int
    effective_from: str
    monthly_base: Decimal
    performance_standard: Decimal
    bonus_base: Decimal
    commission_rate: Decimal
    parts: list[str]
    performance_fixed: Decimal | None
    commission_plan: str | None = None
    annual_bonus_base: Decimal = Decimal("0.00")
    base_follows_plan_execution: bool = False
    appraised: bool = Field(description="whether its people need an appraisal result to be paid")
    set_by: uuid.UUID | None
    set_at: datetime | None

    @classmethod
    def from_plan(cls, plan: CompensationPlan) -> PlanRead:
        return cls(role=plan.role, version=plan.version, effective_from=plan.effective_from,
                   monthly_base=plan.monthly_base, performance_standard=plan.performance_standard,
                   bonus_base=plan.bonus_base, commission_rate=plan.commission_rate,
                   parts=[part for part in PARTS if part in plan.parts], performance_fixed=plan.performance_fixed,
                   appraised=plan.needs_result, set_by=plan.set_by, set_at=plan.set_at,
                   commission_plan=plan.commission_plan, annual_bonus_base=plan.annual_bonus_base,
                   base_follows_plan_execution=plan.base_follows_plan_execution)


class OverrideWrite(_Request):
    """Any subset of the role plan's amounts; what is left out stays the role plan's."""

    effective_from: Period = Field(description="the first period (YYYY-MM) this version applies to")
    monthly_base: Money | None = None
    performance_standard: Money | None = None
    performance_fixed: Money | None = None
    bonus_base: Money | None = None
    commission_rate: Rate | None = None
    commission_plan: CommissionPlanKey | None = Field(None, description="the person's own commission plan")
    commission_target: Money | None = Field(None, description="the person's own target on a target plan")

    def amounts(self) -> dict[str, Any]:
        return {name: value for name in AMOUNTS + COMMISSION_TERMS if (value := getattr(self, name)) is not None}


class OverrideRead(_Read):
    employee_id: uuid.UUID
    version: int
    effective_from: str
    monthly_base: Decimal | None
    performance_standard: Decimal | None
    performance_fixed: Decimal | None
    bonus_base: Decimal | None
    commission_rate: Decimal | None
    commission_plan: str | None = None
    commission_target: Decimal | None = None
    set_by: uuid.UUID | None
    set_at: datetime | None


class IncentiveWrite(_Request):
    employee_id: uuid.UUID
    period: Period = Field(description="the period whose run pays it (the next run if that one is locked)")
    amount: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)]
    # PostgreSQL text cannot hold NUL; refusing it here keeps it a 422 instead of a database error.
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500,
                                             pattern=r"^[^\x00]*$")]


class IncentiveRead(_Read):
    id: uuid.UUID
    employee_id: uuid.UUID
    period: str
    amount: Decimal
    reason: str
    status: IncentiveStatus
    run_id: uuid.UUID | None = Field(description="the run whose payslip carries it, once a run claimed it")
    entered_by: uuid.UUID
    entered_at: datetime
    cancelled_by: uuid.UUID | None
    cancelled_at: datetime | None


class BlockerRead(_Read):
    employee_id: uuid.UUID
    name: str | None
    role: str | None
    reason: str


class RunRead(_Read):
    id: uuid.UUID
    period: str
    status: RunStatus
    payslip_count: int
    total_gross: Decimal
    full_score_at: Decimal
    computed_at: datetime
    approved_by: uuid.UUID | None
    approved_at: datetime | None
    locked_by: uuid.UUID | None
    locked_at: datetime | None
    blockers: list[BlockerRead] = Field(description="employees this run cannot pay, and why; none to approve it")
    appraisal_revision: int = Field(description="the revision of appraisal's results this run pays")
    awaiting_revision: str | None = Field(
        description="appraisal reopened the period: the run waits for the revised results (not approved or "
                    "locked meanwhile) and is recomputed by itself when they arrive")


class PayslipLineRead(BaseModel):
    rule: str = Field(description="the business rule that produced the line, e.g. P2.performance_pay")
    kind: str
    amount: Decimal
    formula: str
    calculation: str
    inputs: dict[str, Any]


class PayslipRead(_Read):
    id: uuid.UUID
    run_id: uuid.UUID
    run_status: RunStatus
    period: str
    employee_id: uuid.UUID
    employee_name: str | None
    role: str
    department_id: uuid.UUID | None
    group_id: uuid.UUID | None
    plan_version: int
    override_version: int | None = Field(description="the person's plan override applied, if any")
    score: Decimal | None = Field(description="none for someone not appraised")
    coefficient: Decimal | None
    gross: Decimal
    lines: list[PayslipLineRead]

    @classmethod
    def from_record(cls, record: PayslipRecord) -> PayslipRead:
        return cls.model_validate(record)


class PeriodStatusRead(BaseModel):
    period: str
    closed: bool
    expected_results: int | None
    received_results: int
    ready: bool
    waiting_for: list[str]
    employees_without_role: list[uuid.UUID]
    roles_without_plan: list[str]
    run: RunRead | None

    @classmethod
    def from_view(cls, status: PeriodStatus) -> PeriodStatusRead:
        ready, run = status.readiness, status.run
        # A draft run of a reopened period waits for the revised results like a period without a run.
        awaiting = [run.awaiting_revision] if run is not None and run.awaiting_revision else []
        return cls(period=ready.period, closed=ready.closed, expected_results=ready.expected,
                   received_results=ready.received, ready=(run is not None and not awaiting) or ready.ready,
                   waiting_for=awaiting if run is not None else ready.waiting_for,
                   employees_without_role=list(ready.without_role), roles_without_plan=list(ready.roles_without_plan),
                   run=RunRead.model_validate(status.run) if status.run else None)


class PendingAdjustmentRead(_Read):
    payment_id: uuid.UUID
    deal_id: uuid.UUID
    rep_id: uuid.UUID
    amount: Decimal
    received_on: IsoDate
    period: str
    missed_run_id: uuid.UUID


class FiguresRead(_Read):
    revision: int
    score: Decimal | None
    coefficient: Decimal | None
    performance_pay: Decimal
    bonus: Decimal
    total: Decimal


class PendingRevisionAdjustmentRead(_Read):
    """A difference a revised appraisal result makes to a locked run, not paid by a locked run yet (P8)."""

    period: str
    employee_id: uuid.UUID
    locked_run_id: uuid.UUID = Field(description="the period's locked run, which paid the earlier figures")
    plan_version: int
    before: FiguresRead
    after: FiguresRead
    amount: Decimal
    run_id: uuid.UUID | None = Field(description="the draft run carrying it; none: on no run yet (the person "
                                                 "has not been on a run computed since)")


class PendingAttendanceCorrectionRead(_Read):
    employee_id: uuid.UUID
    period: str
    work_date: IsoDate
    revision: int
    classification: str
    changed_at: datetime
    paid_run_id: uuid.UUID = Field(description="the period's run, which paid the day as it was before")


class AttendanceDayRead(_Read):
    """A working day as payroll holds it (the highest revision org sent), what P6 pays on."""

    work_date: IsoDate
    revision: int
    classification: str
    absence_days: Decimal
    minor_latenesses: int
    leave_days: Decimal
    leave_type: str | None
    leave_paid: bool | None


# --- commission plans (P4) ---------------------------------------------------------------------------

# Rates are checked by the domain (a negative rate, a tier table not increasing…), which names the field.
Number = Annotated[Decimal, Field(allow_inf_nan=False, max_digits=20, decimal_places=8)]


class TierWrite(_Request):
    above: Number = Field(description="the tier applies to the period's basis total beyond this; the first is 0")
    rate: Number = Field(description="a fraction for amount/profit plans, money per unit for unit plans")


class RatesWrite(_Request):
    kind: Literal["flat", "step", "marginal", "target"]
    rate: Number | None = Field(None, description="flat: the rate")
    tiers: list[TierWrite] | None = Field(None, max_length=50, description="step / marginal: the tiers, "
                                                                          "in increasing order of 'above'")
    target: Number | None = Field(None, description="target: the default target on the basis per period "
                                                    "(a person's own in PUT /plans/people/{id} commission_target)")
    within: Number | None = Field(None, description="target: the rate on the part up to the target")
    beyond: Number | None = Field(None, description="target: the rate on the part above the target")


class AnnualBonusWrite(_Request):
    target_units: int = Field(ge=0, le=1_000_000, description="units to sell in the calendar year")
    per_unit: Number = Field(description="paid per unit above the annual target, in the year-end run")


class PoolWrite(_Request):
    share: Number = Field(description="the fraction of each member's commission that goes to the group's pool")
    split: Literal["equal", "score"] = Field(description="equal shares, or in proportion to appraisal scores")


class CommissionPlanWrite(_Request):
    effective_from: Period = Field(description="the first period (YYYY-MM) this version applies to")
    basis: Literal["amount", "profit", "units"]
    settlement: Literal["signing", "collection"]
    rates: RatesWrite
    annual_bonus: AnnualBonusWrite | None = None
    pool: PoolWrite | None = None
    expense_allowance_per_unit: Number | None = Field(
        None, description="sales expenses above this × units sold in the period come off the commission")
    description: Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\x00]*$")] = ""

    def definition(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude={"effective_from", "description"})


class CommissionPlanRead(_Read):
    key: str
    version: int
    effective_from: str
    description: str
    basis: str
    settlement: str
    rates: dict[str, Any]
    annual_bonus: dict[str, Any] | None
    pool: dict[str, Any] | None
    expense_allowance_per_unit: str | None
    set_by: uuid.UUID | None
    set_at: datetime | None

    @classmethod
    def from_plan(cls, plan: CommissionPlan) -> CommissionPlanRead:
        return cls(key=plan.key, version=plan.version, effective_from=plan.effective_from,
                   description=plan.description, set_by=plan.set_by, set_at=plan.set_at, **definition_of(plan))
