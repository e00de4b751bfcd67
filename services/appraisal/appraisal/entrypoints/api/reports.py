"""Daily work logs, monthly reports, spot checks, plan execution and the overdue submissions (A8)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from appraisal.domain.periods import PERIOD_PATTERN
from appraisal.entrypoints.api.deps import BusDep, CurrentUser, PeriodPath
from appraisal.entrypoints.api.report_schemas import (
    DailyLogRead,
    DailyLogWrite,
    MonthlyReportDecision,
    MonthlyReportRead,
    MonthlyReportWrite,
    OverdueSubmissionRead,
    PlanExecutionRead,
    SpotCheckRead,
    SpotCheckWrite,
)
from appraisal.service_layer import commands, report_views

router = APIRouter(tags=["reports"])

Day = Annotated[date, Path(description="The day of the log, YYYY-MM-DD", examples=["2026-10-14"])]
PeriodQuery = Annotated[str, Query(pattern=PERIOD_PATTERN, description="The month, YYYY-MM", examples=["2026-10"])]


@router.put("/daily-logs/{day}/employees/{employee_id}")
async def write_daily_log(day: Day, employee_id: uuid.UUID, body: DailyLogWrite, bus: BusDep,
                          user: CurrentUser) -> DailyLogRead:
    """The employee's own log of a day (not a future one); editable until the cut-off
    (APPRAISAL_DAILY_LOG_CUTOFF_DAYS/_TIME), first written after it: late and final (409 on an edit)."""
    command = commands.WriteDailyLog(day=day, employee_id=employee_id, work_done=body.work_done,
                                     customers_contacted=tuple(body.customers_contacted), visits=body.visits,
                                     problems=body.problems, by=user)
    return DailyLogRead.model_validate(await bus.handle(command))


@router.get("/daily-logs/{day}/employees/{employee_id}")
async def get_daily_log(day: Day, employee_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> DailyLogRead:
    return DailyLogRead.model_validate(await report_views.daily_log(bus, user, day, employee_id))


@router.get("/periods/{period}/employees/{employee_id}/daily-logs")
async def list_daily_logs(period: PeriodPath, employee_id: uuid.UUID, bus: BusDep,
                          user: CurrentUser) -> list[DailyLogRead]:
    return [DailyLogRead.model_validate(log) for log in await report_views.daily_logs(bus, user, period, employee_id)]


@router.get("/periods/{period}/employees/{employee_id}/monthly-report")
async def get_monthly_report(period: PeriodPath, employee_id: uuid.UUID, bus: BusDep,
                             user: CurrentUser) -> MonthlyReportRead:
    """The submitted report, or a draft with the month's figures pre-filled."""
    return MonthlyReportRead.model_validate(await report_views.monthly_report(bus, user, period, employee_id))


@router.put("/periods/{period}/employees/{employee_id}/monthly-report")
async def submit_monthly_report(period: PeriodPath, employee_id: uuid.UUID, body: MonthlyReportWrite, bus: BusDep,
                                user: CurrentUser) -> MonthlyReportRead:
    """The employee's report (again after a return); 409 once approved or the month closed; late when
    first submitted past APPRAISAL_MONTHLY_REPORT_DUE_DAY."""
    command = commands.SubmitMonthlyReport(period=period, employee_id=employee_id, fields=dict(body.fields), by=user)
    return MonthlyReportRead.model_validate(await bus.handle(command))


@router.post("/periods/{period}/employees/{employee_id}/monthly-report/decision")
async def decide_monthly_report(period: PeriodPath, employee_id: uuid.UUID, body: MonthlyReportDecision,
                                bus: BusDep, user: CurrentUser) -> MonthlyReportRead:
    """Approve or return a submitted report: the employee's leader or a manager of their department."""
    command = commands.DecideMonthlyReport(period=period, employee_id=employee_id, decision=body.decision,
                                           note=body.note, by=user)
    return MonthlyReportRead.model_validate(await bus.handle(command))


@router.post("/spot-checks", status_code=201)
async def record_spot_check(body: SpotCheckWrite, bus: BusDep, user: CurrentUser) -> SpotCheckRead:
    """A manager of the employee's department records checking an item of a daily log or weekly report."""
    command = commands.RecordSpotCheck(employee_id=body.employee_id, subject=body.subject, ref=body.ref,
                                       item=body.item, result=body.result, note=body.note, by=user)
    return SpotCheckRead.model_validate(await bus.handle(command))


@router.get("/periods/{period}/employees/{employee_id}/spot-checks")
async def list_spot_checks(period: PeriodPath, employee_id: uuid.UUID, bus: BusDep,
                           user: CurrentUser) -> list[SpotCheckRead]:
    return [SpotCheckRead.model_validate(check)
            for check in await report_views.spot_checks(bus, user, period, employee_id)]


@router.get("/periods/{period}/employees/{employee_id}/plan-execution")
async def get_plan_execution(period: PeriodPath, employee_id: uuid.UUID, bus: BusDep,
                             user: CurrentUser) -> PlanExecutionRead:
    """The month's plan-execution score as of now and every item it came from."""
    return PlanExecutionRead.of(await report_views.plan_execution(bus, user, period, employee_id))


@router.get("/submissions/overdue")
async def overdue_submissions(period: PeriodQuery, bus: BusDep, user: CurrentUser) -> list[OverdueSubmissionRead]:
    """Late or missing daily logs, weekly plans and reports and monthly reports owed in the month,
    in the caller's scope (leader: group; manager: department; HR: everyone); 403 for others."""
    return [OverdueSubmissionRead.model_validate(item)
            for item in await report_views.overdue_submissions(bus, user, period)]
