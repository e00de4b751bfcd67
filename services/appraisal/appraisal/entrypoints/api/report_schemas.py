"""Request and response bodies of the A8 report endpoints (daily logs, monthly reports, spot
checks, plan execution, overdue submissions). Decimals travel as strings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from appraisal.domain.plan_execution import Component
from appraisal.domain.reports import SpotCheckResult, SpotCheckSubject, SubmissionKind
from appraisal.entrypoints.api.schemas import Comment, Entry, Key, _Read, _Request
from appraisal.service_layer.report_views import EmployeePlanExecution


class DailyLogWrite(_Request):
    work_done: Entry = Field(min_length=1, description="What was done and how far it got (seed 004)")
    customers_contacted: list[Entry] = Field(default_factory=list, max_length=100)
    visits: int = Field(0, ge=0, le=100, description="Customer visits made that day")
    problems: Entry = Field("", description="Problems met and how they were solved")


class DailyLogRead(_Read):
    employee_id: uuid.UUID
    day: date
    work_done: str
    customers_contacted: list[str]
    visits: int
    problems: str
    submitted_at: datetime = Field(description="First written")
    updated_at: datetime
    late: bool = Field(description="First written after the cut-off (then final)")


class MonthlyReportWrite(_Request):
    fields: dict[Key, Entry] = Field(min_length=1, max_length=20, description=(
        "A8's fields for the month (sales_volume, collections, customer_visits, expenses, promotion_results, "
        "key_customers, new_customers, bad_credit_customers, prospects, competitor_moves, local_policy_changes) "
        "and A4's summary, next_month_plan, local_sales_proposal"))


class MonthlyReportDecision(_Request):
    decision: Literal["approve", "return"]
    note: Comment | None = None


class MonthlyReportRead(_Read):
    employee_id: uuid.UUID
    period: str
    fields: dict[str, str]
    prefilled: dict[str, Decimal] = Field(description=(
        "The system's own figures of the month: sales_volume, collections, customer_visits, new_customers"))
    status: Literal["draft", "submitted", "approved", "returned"]
    first_submitted_at: datetime | None
    submitted_at: datetime | None = Field(description="None: a draft, nothing submitted yet")
    late: bool = Field(description="First submitted after its due day")
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    decision_note: str | None


class SpotCheckWrite(_Request):
    employee_id: uuid.UUID
    subject: Literal[SpotCheckSubject.ALL]  # type: ignore[valid-type]
    ref: str = Field(max_length=10, description="The day (YYYY-MM-DD) of a daily log, the week (YYYY-Www) of a "
                                                "weekly report")
    item: Entry = Field(min_length=1, description="What was checked: a visit or customer of the log, or a field "
                                                  "of the weekly report")
    result: Literal[SpotCheckResult.ALL]  # type: ignore[valid-type]
    note: Comment | None = None


class SpotCheckRead(_Read):
    id: uuid.UUID
    employee_id: uuid.UUID
    period: str = Field(description="The month it counts in: that of what it checked")
    subject: str
    ref: str
    item: str
    result: str
    note: str | None
    checked_by: uuid.UUID
    checked_at: datetime


class PlanExecutionItemRead(_Read):
    component: Literal[Component.ALL]  # type: ignore[valid-type]
    ref: str
    outcome: str
    credit: Decimal


class PlanExecutionComponentRead(_Read):
    key: str
    weight: Decimal
    items: int
    credit: Decimal
    share: Decimal | None = Field(description="credit ÷ items; None: nothing in it yet, left out of the score")
    contribution: Decimal


class PlanExecutionRead(_Read):
    period: str
    employee_id: uuid.UUID
    role: str | None
    score: Decimal = Field(description="0–100; the plan_execution input of a template's daily-work line")
    components: list[PlanExecutionComponentRead]
    items: list[PlanExecutionItemRead]

    @classmethod
    def of(cls, found: EmployeePlanExecution) -> PlanExecutionRead:
        return cls(period=found.period, employee_id=found.employee_id, role=found.role, score=found.result.score,
                   components=[PlanExecutionComponentRead.model_validate(c) for c in found.result.components],
                   items=[PlanExecutionItemRead.model_validate(i) for i in found.result.items])


class OverdueSubmissionRead(_Read):
    employee_id: uuid.UUID
    kind: Literal[SubmissionKind.ALL]  # type: ignore[valid-type]
    ref: str = Field(description="The day, the week or the month")
    due_on: date
    delivery: Literal["late", "missing"]
