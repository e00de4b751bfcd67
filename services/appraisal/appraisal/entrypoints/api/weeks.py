"""Weekly plans and reports (A8): the employee submits, the leader or manager decides the plan."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path

from appraisal.entrypoints.api.deps import AppraisalAdmin, BusDep, CurrentUser
from appraisal.entrypoints.api.schemas import (
    WeeklyPlanDecision,
    WeeklyPlanRead,
    WeeklyPlanWrite,
    WeeklyReportRead,
    WeeklyReportWrite,
    WeeklySubmissionRead,
)
from appraisal.service_layer import commands, views

router = APIRouter(prefix="/weeks", tags=["weeks"])

Week = Annotated[str, Path(pattern=r"^\d{4}-W\d{2}$", description="ISO week, YYYY-Www", examples=["2026-W42"])]


@router.put("/{week}/employees/{employee_id}/plan")
async def submit_plan(week: Week, employee_id: uuid.UUID, body: WeeklyPlanWrite, bus: BusDep,
                      user: CurrentUser) -> WeeklyPlanRead:
    """The employee's plan for the week (again after a return); 409 once approved."""
    command = commands.SubmitWeeklyPlan(week=week, employee_id=employee_id, content=dict(body.content), by=user)
    return WeeklyPlanRead.model_validate(await bus.handle(command))


@router.post("/{week}/employees/{employee_id}/plan/decision")
async def decide_plan(week: Week, employee_id: uuid.UUID, body: WeeklyPlanDecision, bus: BusDep,
                      user: CurrentUser) -> WeeklyPlanRead:
    """Approve or return a submitted plan: the employee's leader or a manager of their department."""
    command = commands.DecideWeeklyPlan(week=week, employee_id=employee_id, decision=body.decision, note=body.note,
                                        by=user)
    return WeeklyPlanRead.model_validate(await bus.handle(command))


@router.get("/{week}/employees/{employee_id}/plan")
async def get_plan(week: Week, employee_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> WeeklyPlanRead:
    return WeeklyPlanRead.model_validate(await views.weekly_plan(bus, user, week, employee_id))


@router.get("/{week}/employees/{employee_id}/report")
async def get_report(week: Week, employee_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> WeeklyReportRead:
    """The submitted report, or a draft with the week's figures pre-filled."""
    return WeeklyReportRead.model_validate(await views.weekly_report(bus, user, week, employee_id))


@router.post("/{week}/employees/{employee_id}/report", status_code=201)
async def submit_report(week: Week, employee_id: uuid.UUID, body: WeeklyReportWrite, bus: BusDep,
                        user: CurrentUser) -> WeeklyReportRead:
    """The employee's weekly report, once; late past APPRAISAL_WEEKLY_REPORT_DUE_OFFSET_DAYS."""
    command = commands.SubmitWeeklyReport(week=week, employee_id=employee_id, fields=dict(body.fields), by=user)
    return WeeklyReportRead.model_validate(await bus.handle(command))


@router.get("/{week}/submissions")
async def list_submissions(week: Week, bus: BusDep, user: AppraisalAdmin) -> list[WeeklySubmissionRead]:
    """For HR: each appraised employee's plan and report of the week, late or missing past their day."""
    return [WeeklySubmissionRead.model_validate(item) for item in await views.weekly_submissions(bus, week)]
