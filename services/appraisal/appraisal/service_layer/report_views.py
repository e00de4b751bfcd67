"""Reads of the daily logs, monthly reports, spot checks and plan-execution scores (A8), each
limited to the caller's data scope like every appraisal read: someone outside it answers as if
they did not exist."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from appraisal.domain.periods import Period
from appraisal.domain.plan_execution import PlanExecution
from appraisal.domain.reports import DailyLog, Delivery, MonthlyReport, SpotCheck
from appraisal.domain.roles import role_in_period
from appraisal.service_layer import handlers
from appraisal.service_layer.access import may_see
from appraisal.service_layer.plan_execution import owed, plan_execution_of, submissions
from appraisal.service_layer.reports import month_figures
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.auth import Principal, Role
from shared.errors import Forbidden, NotFound


async def daily_log(bus: AppraisalBus, principal: Principal, day: date, employee_id: uuid.UUID) -> DailyLog:
    async with bus.uow() as uow:
        await _visible(uow, principal, employee_id)
        found = await uow.reports.log(employee_id, day)
    if found is None:
        raise NotFound(f"no daily log of {day.isoformat()} from {employee_id}")
    return found


async def daily_logs(bus: AppraisalBus, principal: Principal, name: str, employee_id: uuid.UUID) -> list[DailyLog]:
    period = Period.parse(name)
    async with bus.uow() as uow:
        await _visible(uow, principal, employee_id)
        found = await uow.reports.logs_between([employee_id], period.first_day, period.last_day)
    return list(found.get(employee_id, {}).values())


async def monthly_report(bus: AppraisalBus, principal: Principal, name: str, employee_id: uuid.UUID
                         ) -> MonthlyReport:
    """The submitted report, or a draft: the month's own figures pre-filled, nothing submitted."""
    period = Period.parse(name)
    async with bus.uow() as uow:
        await _visible(uow, principal, employee_id)
        found = await uow.reports.monthly(employee_id, name)
        if found is not None:
            return found
        prefilled = await month_figures(uow, employee_id, period)
    return MonthlyReport(employee_id=employee_id, period=name, fields={}, prefilled=prefilled, status="draft",
                         first_submitted_at=None, submitted_at=None, late=False)


async def spot_checks(bus: AppraisalBus, principal: Principal, name: str, employee_id: uuid.UUID
                      ) -> list[SpotCheck]:
    """The checks counted in the month: the employee sees their own, the leader their group's."""
    Period.parse(name)
    async with bus.uow() as uow:
        await _visible(uow, principal, employee_id)
        return await uow.reports.spot_checks(employee_id, name)


@dataclass(frozen=True)
class EmployeePlanExecution:
    period: str
    employee_id: uuid.UUID
    role: str | None
    result: PlanExecution


async def plan_execution(bus: AppraisalBus, principal: Principal, name: str, employee_id: uuid.UUID
                         ) -> EmployeePlanExecution:
    """The month's plan-execution score as of now, with every item it came from."""
    period = Period.parse(name)
    async with bus.uow() as uow:
        employee = await _visible(uow, principal, employee_id)
        role = await handlers.role_in(uow, employee_id, period, employee)
        result = await plan_execution_of(uow, bus, employee_id, period, role)
    return EmployeePlanExecution(period=name, employee_id=employee_id, role=role, result=result)


@dataclass(frozen=True)
class OverdueSubmission:
    employee_id: uuid.UUID
    kind: str  # domain.reports.SubmissionKind
    ref: str
    due_on: date
    delivery: str  # late or missing


async def overdue_submissions(bus: AppraisalBus, principal: Principal, name: str) -> list[OverdueSubmission]:
    """Daily logs, weekly plans and reports and the monthly report owed in the month that came
    late or are missing past their day, for everyone appraised in the caller's scope: a group
    leader their group, a department-wide manager their department, HR everyone."""
    if not (principal.has_any(Role.HR, Role.ADMIN, Role.SALES_DIRECTOR) or principal.is_department_wide
            or principal.has_any(Role.GROUP_LEADER)):
        raise Forbidden("the late and missing submissions are listed for leaders, managers and HR")
    period = Period.parse(name)
    async with bus.uow() as uow:
        owners = await uow.templates.role_owners()
        employed = [employee for employee in await uow.directory.employed_during(
            period.first_day, period.last_day, owners.keys()) if may_see(principal, employee)]
        spans = await uow.roles.spans([employee.employee_id for employee in employed])
        roles = {}
        for employee in employed:
            history, left_on = spans.get(employee.employee_id, ([], None))
            roles[employee.employee_id] = role_in_period(history, period, left_on, employee.role)
        found = await owed(uow, bus, period, roles)
    rows = []
    for employee_id in sorted(found, key=str):
        rows.extend(OverdueSubmission(employee_id=employee_id, kind=item.kind, ref=item.ref, due_on=item.due_on,
                                      delivery=item.delivery)
                    for item in submissions(bus, found[employee_id]) if item.delivery != Delivery.ON_TIME)
    return rows


async def _visible(uow: AppraisalUnitOfWork, principal: Principal, employee_id: uuid.UUID):
    employee = await uow.directory.employee(employee_id)
    if not may_see(principal, employee, employee_id):
        raise NotFound(f"employee {employee_id} does not exist")
    return employee
