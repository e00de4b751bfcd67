"""Use cases of the daily work logs, monthly reports and spot checks (A8, seed 004). Each
submission, decision and check rescores the month it counts in, when that month is open and the
employee's template scores plan execution; nothing is written into a closed month."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, timedelta
from decimal import Decimal

from appraisal.domain.periods import Period
from appraisal.domain.plans import REPORT_FIELDS, Decision, PlanStatus, parse_week
from appraisal.domain.prefill import PREFILLED_SOURCES, prefilled_figures
from appraisal.domain.reports import (
    MONTHLY_REPORT_FIELDS,
    DailyLog,
    MonthlyReport,
    SpotCheck,
    SpotCheckResult,
    SpotCheckSubject,
    SubmissionKind,
    check_report_fields,
    ensure_log_day,
    ensure_log_may_be_written,
    ensure_report_may_be_decided,
    ensure_report_may_be_submitted,
    monthly_report_due_on,
    past_cutoff,
)
from appraisal.domain.reports import Decision as ReportDecision
from appraisal.service_layer import commands
from appraisal.service_layer.access import may_see
from appraisal.service_layer.handlers import rescore_plan_execution, reviewee_of
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.auth import Principal
from shared.bus import CommandHandler
from shared.clock import month_of_date
from shared.db import new_id
from shared.directory import DirectoryEmployee
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound


async def write_daily_log(command: commands.WriteDailyLog, bus: AppraisalBus) -> DailyLog:
    """The employee's own log of a day (today or past): written or edited until the cut-off; first
    written after it, accepted as late and final."""
    ensure_log_day(command.day, bus.clock.today())
    if not command.work_done.strip():
        raise InvalidInput("work_done", "say what was done")
    period = month_of_date(command.day)
    async with bus.uow() as uow:
        employee = await _own(uow, command.by, command.employee_id, "daily log")
        await _ensure_open(uow, period, "its logs")
        current = await uow.reports.log(employee.employee_id, command.day, lock=True)
        late = past_cutoff(command.day, bus.clock.local_now(), bus.policy.reports)
        ensure_log_may_be_written(current, command.day, late)
        now = bus.clock.now()
        log = DailyLog(employee_id=employee.employee_id, day=command.day, work_done=command.work_done,
                       customers_contacted=tuple(command.customers_contacted), visits=command.visits,
                       problems=command.problems, submitted_at=current.submitted_at if current else now,
                       updated_at=now, late=current.late if current else late)
        await uow.reports.save_log(log)
        await rescore_plan_execution(uow, bus, employee, period)
        await uow.commit()
    return log


async def submit_monthly_report(command: commands.SubmitMonthlyReport, bus: AppraisalBus) -> MonthlyReport:
    """The employee's report of a month (begun, not closed), again after a return, never after
    approval; late when first submitted past its due day."""
    period = _begun(command.period, bus)
    name = str(period)
    check_report_fields(command.fields, MONTHLY_REPORT_FIELDS, "monthly report")
    async with bus.uow() as uow:
        employee = await _own(uow, command.by, command.employee_id, "monthly report")
        await _ensure_open(uow, name, "its reports")
        current = await uow.reports.monthly(employee.employee_id, name, lock=True)
        ensure_report_may_be_submitted(current)
        now = bus.clock.now()
        due = monthly_report_due_on(period.last_day, bus.policy.reports)
        report = MonthlyReport(
            employee_id=employee.employee_id, period=name, fields=dict(command.fields),
            prefilled=await month_figures(uow, employee.employee_id, period), status=PlanStatus.SUBMITTED,
            first_submitted_at=current.first_submitted_at if current else now, submitted_at=now,
            late=current.late if current else bus.clock.date_of(now) > due)
        await uow.reports.save_monthly(report)
        await rescore_plan_execution(uow, bus, employee, name)
        await uow.commit()
    return report


async def decide_monthly_report(command: commands.DecideMonthlyReport, bus: AppraisalBus) -> MonthlyReport:
    """The employee's leader, or a department-wide manager of their department, approves or returns it."""
    name = str(Period.parse(command.period))
    if command.decision not in Decision.ALL:
        raise InvalidInput("decision", f"must be one of {', '.join(Decision.ALL)}")
    async with bus.uow() as uow:
        employee = await _decided_by_their_manager(uow, command.by, command.employee_id, "monthly report")
        await _ensure_open(uow, name, "its reports")
        current = ensure_report_may_be_decided(await uow.reports.monthly(employee.employee_id, name, lock=True),
                                               name)
        now = bus.clock.now()
        decided = dataclasses.replace(
            current, status=PlanStatus.APPROVED if command.decision == Decision.APPROVE else PlanStatus.RETURNED,
            decided_by=command.by.employee_id, decided_at=now, decision_note=command.note)
        await uow.reports.save_monthly(decided)
        await uow.reports.add_decision(ReportDecision(
            kind=SubmissionKind.MONTHLY_REPORT, employee_id=employee.employee_id, ref=name,
            decision=command.decision, decided_by=command.by.employee_id, decided_at=now))
        await rescore_plan_execution(uow, bus, employee, name)
        await uow.commit()
    return decided


async def record_spot_check(command: commands.RecordSpotCheck, bus: AppraisalBus) -> SpotCheck:
    """A manager of the employee's department records checking an item of a submitted daily log
    or weekly report (A8: reported visits checked by phone); it counts in the month of what it
    checked."""
    if command.subject not in SpotCheckSubject.ALL:
        raise InvalidInput("subject", f"must be one of {', '.join(SpotCheckSubject.ALL)}")
    if command.result not in SpotCheckResult.ALL:
        raise InvalidInput("result", f"must be one of {', '.join(SpotCheckResult.ALL)}")
    item = command.item.strip()
    if not item:
        raise InvalidInput("item", "name what was checked (a visit, a customer, a report field)")
    if command.subject == SpotCheckSubject.DAILY_LOG:
        try:
            day = date.fromisoformat(command.ref)
        except ValueError as error:
            raise InvalidInput("ref", "a daily log is referred to by its day, YYYY-MM-DD") from error
        period = month_of_date(day)
    else:
        monday = parse_week(command.ref, field="ref")
        if item not in REPORT_FIELDS:
            raise InvalidInput("item", f"a weekly report's item is one of its fields: {', '.join(REPORT_FIELDS)}")
        period = month_of_date(monday + timedelta(days=bus.policy.weekly_report_due_offset_days))
    by = command.by
    async with bus.uow() as uow:
        employee = await uow.directory.employee(command.employee_id)
        if employee is None or not may_see(by, employee):
            raise NotFound(f"employee {command.employee_id} does not exist")
        if not (by.is_department_wide and by.department_id is not None
                and by.department_id == employee.department_id and by.employee_id != employee.employee_id):
            raise Forbidden("a spot check is recorded by a manager of the employee's department")
        await _ensure_open(uow, period, "its spot checks")
        if command.subject == SpotCheckSubject.DAILY_LOG:
            if await uow.reports.log(employee.employee_id, date.fromisoformat(command.ref)) is None:
                raise NotFound(f"no daily log of {command.ref} from {employee.employee_id} to check")
        elif not await uow.reports.has_weekly_report(employee.employee_id, command.ref):
            raise NotFound(f"no weekly report of {command.ref} from {employee.employee_id} to check")
        check = SpotCheck(id=new_id(), employee_id=employee.employee_id, period=period, subject=command.subject,
                          ref=command.ref, item=item, result=command.result, note=command.note,
                          checked_by=by.employee_id, checked_at=bus.clock.now())
        await uow.reports.add_spot_check(check)
        await rescore_plan_execution(uow, bus, employee, period)
        await uow.commit()
    return check


async def month_figures(uow: AppraisalUnitOfWork, employee_id: uuid.UUID, period: Period) -> dict[str, Decimal]:
    """The system's own figures of the month, pre-filled beside the employee's (as the weekly report's)."""
    return prefilled_figures(await uow.facts.sums_between(employee_id, PREFILLED_SOURCES.values(),
                                                          period.first_day, period.last_day))


# --- shared steps --------------------------------------------------------------------------------


async def _own(uow: AppraisalUnitOfWork, by: Principal, employee_id: uuid.UUID, what: str) -> DirectoryEmployee:
    employee = await uow.directory.employee(employee_id)
    if employee is None or not may_see(by, employee):
        raise NotFound(f"employee {employee_id} does not exist")
    if by.employee_id != employee.employee_id:
        raise Forbidden(f"a {what} is written by the employee themself")
    return employee


async def _decided_by_their_manager(uow: AppraisalUnitOfWork, by: Principal, employee_id: uuid.UUID, what: str
                                    ) -> DirectoryEmployee:
    """The weekly plan's rule: the employee's leader, or a department-wide manager of their department."""
    employee = await uow.directory.employee(employee_id)
    reviewee = await reviewee_of(uow, employee) if employee is not None else None
    if employee is None or reviewee is None or not (by.employee_id == reviewee.leader_id or may_see(by, employee)):
        raise NotFound(f"employee {employee_id} does not exist")
    is_leader = by.employee_id == reviewee.leader_id and by.employee_id != employee.employee_id
    heads = (by.is_department_wide and by.department_id is not None
             and by.department_id == employee.department_id and by.employee_id != employee.employee_id)
    if not (is_leader or heads):
        raise Forbidden(f"a {what} is decided by the employee's leader or a manager of their department")
    return employee


async def _ensure_open(uow: AppraisalUnitOfWork, period: str, what: str) -> None:
    # Taken before any row lock, as the reviews do, so a close waits for this write or refuses it.
    record = await uow.periods.lock(period)
    if record.is_closed:
        raise Conflict(f"period {period} is closed; {what} are frozen", period=period)


def _begun(text: str, bus: AppraisalBus) -> Period:
    period = Period.parse(text)
    if period > Period.parse(bus.clock.month()):
        raise InvalidInput("period", f"{period} has not begun yet")
    return period


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.WriteDailyLog: write_daily_log,
    commands.SubmitMonthlyReport: submit_monthly_report,
    commands.DecideMonthlyReport: decide_monthly_report,
    commands.RecordSpotCheck: record_spot_check,
}
