"""Attendance (考勤, O6): the working calendar, clocking in and out, records entered or imported
from the time clock, leave requests, the month submission, dismissal cases and monthly reports."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from org.entrypoints.api.attendance_schemas import (
    CalendarRead,
    CalendarWrite,
    CaseClose,
    DismissalCaseRead,
    GroupMonthRead,
    GroupSubmissionRead,
    ImportReport,
    LeaveBalanceRead,
    LeaveCreate,
    LeaveRead,
    LeaveRefusal,
    MonthSummaryRead,
    Period,
    PersonMonthRead,
    RecordHistoryRead,
    RecordRead,
    RecordWrite,
    SubmissionCreate,
    SubmissionRead,
    SweepRead,
)
from org.entrypoints.api.deps import BusDep, CurrentUser, OrgEditor, VisibilityDep
from org.entrypoints.api.timeclock import XLSX_TYPE, read_rows
from org.service_layer import attendance_views as views
from org.service_layer.attendance_commands import (
    ApproveLeave,
    CancelLeave,
    ClockIn,
    ClockOut,
    CloseDismissalCase,
    EnterRecord,
    ImportRecords,
    RefuseLeave,
    SetWorkingCalendar,
    SubmitLeave,
    SubmitMonth,
    SweepAttendance,
)
from shared.auth import Principal, Role, require_roles
from shared.errors import Forbidden, InvalidInput
from shared.fields import IsoDate

router = APIRouter(prefix="/attendance", tags=["attendance"])

Year = Annotated[int, Path(ge=1900, le=2999)]
# Dismissal cases are personnel matters: HR's (and the administrators').
HumanResources = Annotated[Principal, require_roles(Role.HR, Role.ADMIN)]
# A time-clock export is at most a few MiB; a larger body is refused before it is parsed.
MAX_IMPORT_BYTES = 5 * 1024 * 1024


@router.get("/calendar/{year}")
async def get_calendar(year: Year, bus: BusDep, user: CurrentUser) -> CalendarRead:
    """A year's working calendar; a year never set is the default (Monday to Friday, revision 0)."""
    return CalendarRead.of(await views.working_calendar(bus, year))


@router.put("/calendar/{year}")
async def set_calendar(year: Year, body: CalendarWrite, bus: BusDep, user: OrgEditor) -> CalendarRead:
    """Set the whole year; announced with the next revision, and that year's days are reclassified."""
    command = SetWorkingCalendar(year=year, weekend=body.weekend, holidays=body.holidays,
                                 makeup_working_days=body.makeup_working_days, work_starts_at=body.work_starts_at,
                                 work_ends_at=body.work_ends_at)
    return CalendarRead.of(await bus.handle(command))


@router.post("/clock-in", status_code=201)
async def clock_in(bus: BusDep, user: CurrentUser) -> RecordRead:
    """Clock in now (the company's date and local time)."""
    return RecordRead.of((await bus.handle(ClockIn(actor=user))).record)


@router.post("/clock-out", status_code=201)
async def clock_out(bus: BusDep, user: CurrentUser) -> RecordRead:
    """Clock out now."""
    return RecordRead.of((await bus.handle(ClockOut(actor=user))).record)


@router.put("/records/{employee_id}/{work_date}")
async def enter_record(employee_id: uuid.UUID, work_date: IsoDate, body: RecordWrite, bus: BusDep,
                       user: CurrentUser) -> RecordRead:
    """Enter or correct a day's record (group leader for their group, HR for anyone). A correction is
    a new version and needs a reason; the same times again change nothing."""
    command = EnterRecord(actor=user, employee_id=employee_id, work_date=work_date, clock_in=body.clock_in,
                          clock_out=body.clock_out, reason=body.reason)
    return RecordRead.of((await bus.handle(command)).record)


@router.get("/records/{employee_id}/{work_date}")
async def record_history(employee_id: uuid.UUID, work_date: IsoDate, bus: BusDep,
                         visibility: VisibilityDep) -> RecordHistoryRead:
    """A day's record with every earlier version: who changed it, when and why."""
    versions = [RecordRead.of(record) for record in await views.record_history(bus, visibility, employee_id,
                                                                                work_date)]
    return RecordHistoryRead(employee_id=employee_id, work_date=work_date,
                             current=versions[-1] if versions else None, versions=versions)


@router.post("/records/import", openapi_extra={"requestBody": {"required": True, "content": {
    "text/csv": {"schema": {"type": "string"}},
    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
}}})
async def import_records(request: Request, bus: BusDep, user: CurrentUser) -> ImportReport:
    """Import a time-clock export sent as the body (``Content-Type: text/csv`` or the .xlsx type).
    Valid rows are saved together; each refused row is reported with its row number, field and reason."""
    if not user.has_any(Role.HR, Role.ADMIN, Role.GROUP_LEADER):
        raise Forbidden("time-clock files are imported by a group leader or HR")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_IMPORT_BYTES:
            raise InvalidInput("file", f"is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB")
    rows = read_rows(bytes(body), request.headers.get("content-type", ""))
    return ImportReport.of(await bus.handle(ImportRecords(actor=user, rows=rows)))


@router.post("/sweep")
async def sweep(bus: BusDep, user: OrgEditor) -> SweepRead:
    """Classify now what the worker's sweep would: every working day that ended and is not classified."""
    return SweepRead.of(await bus.handle(SweepAttendance()))


@router.post("/leave-requests", status_code=201)
async def submit_leave(body: LeaveCreate, bus: BusDep, user: CurrentUser) -> LeaveRead:
    """Request leave in advance (own), or, as HR, record anyone's leave (approved as recorded, past days allowed)."""
    command = SubmitLeave(actor=user, employee_id=body.employee_id or user.employee_id, leave_type=body.leave_type,
                          start=body.start, end=body.end, reason=body.reason)
    return LeaveRead.of(await bus.handle(command))


@router.get("/leave-requests")
async def list_leave(bus: BusDep, visibility: VisibilityDep, employee_id: uuid.UUID | None = None,
                     status: Annotated[str | None, Query(pattern="^(pending|approved|refused|cancelled)$")] = None
                     ) -> list[LeaveRead]:
    """Leave requests the caller may see, optionally one employee's or of one status."""
    return [LeaveRead.of(request) for request in await views.leave_requests(bus, visibility, employee_id, status)]


@router.get("/leave-requests/{request_id}")
async def get_leave(request_id: uuid.UUID, bus: BusDep, visibility: VisibilityDep) -> LeaveRead:
    return LeaveRead.of(await views.leave_request(bus, visibility, request_id))


@router.post("/leave-requests/{request_id}/approve")
async def approve_leave(request_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> LeaveRead:
    """The group leader's approval, then the department manager's when the leave is long; HR's stands for both."""
    return LeaveRead.of(await bus.handle(ApproveLeave(actor=user, request_id=request_id)))


@router.post("/leave-requests/{request_id}/refuse")
async def refuse_leave(request_id: uuid.UUID, body: LeaveRefusal, bus: BusDep, user: CurrentUser) -> LeaveRead:
    return LeaveRead.of(await bus.handle(RefuseLeave(actor=user, request_id=request_id, reason=body.reason)))


@router.post("/leave-requests/{request_id}/cancel")
async def cancel_leave(request_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> LeaveRead:
    """Cancelled by the requester before it starts (HR at any time)."""
    return LeaveRead.of(await bus.handle(CancelLeave(actor=user, request_id=request_id)))


@router.get("/leave-balances/{employee_id}")
async def leave_balances(employee_id: uuid.UUID, bus: BusDep, visibility: VisibilityDep,
                         year: Annotated[int, Query(ge=1900, le=2999)]) -> list[LeaveBalanceRead]:
    """Per leave type: quota, days taken (approved), pending, remaining, in working days of ``year``."""
    return [LeaveBalanceRead.of(row) for row in await views.leave_balances(bus, visibility, employee_id, year)]


@router.post("/submissions", status_code=201)
async def submit_month(body: SubmissionCreate, bus: BusDep, user: CurrentUser) -> SubmissionRead:
    """The group leader submits the group's ended month to HR; afterwards only HR changes it."""
    return SubmissionRead.of(await bus.handle(SubmitMonth(actor=user, group_id=body.group_id, period=body.period)))


@router.get("/submissions")
async def list_submissions(period: Annotated[Period, Query()], bus: BusDep,
                           visibility: VisibilityDep) -> list[GroupSubmissionRead]:
    """Which of the groups the caller may see have submitted ``period``."""
    return [GroupSubmissionRead.of(row) for row in await views.submissions(bus, visibility, period)]


@router.get("/dismissal-cases")
async def list_cases(bus: BusDep, user: HumanResources,
                     status: Annotated[str | None, Query(pattern="^(open|closed)$")] = "open"
                     ) -> list[DismissalCaseRead]:
    return [DismissalCaseRead.of(case) for case in await views.dismissal_cases(bus, status)]


@router.post("/dismissal-cases/{case_id}/close")
async def close_case(case_id: uuid.UUID, body: CaseClose, bus: BusDep, user: HumanResources) -> DismissalCaseRead:
    return DismissalCaseRead.of(await bus.handle(CloseDismissalCase(actor=user, case_id=case_id, note=body.note)))


@router.get("/employees/{employee_id}/months/{period}")
async def person_month(employee_id: uuid.UUID, period: Period, bus: BusDep,
                       visibility: VisibilityDep) -> PersonMonthRead:
    """Every working day of the month the person was employed: class, minutes, leave, record times."""
    return PersonMonthRead.of(await views.person_month(bus, visibility, employee_id, period))


@router.get("/groups/{group_id}/months/{period}")
async def group_month(group_id: uuid.UUID, period: Period, bus: BusDep, visibility: VisibilityDep) -> GroupMonthRead:
    """The group's people side by side: on-time days, minor latenesses, absences, leave by type."""
    group, submission, people = await views.group_month(bus, visibility, group_id, period)
    return GroupMonthRead(group_id=group.id, period=period, submitted=submission is not None,
                          people=[MonthSummaryRead.of(summary) for summary in people])


@router.get("/departments/{department_id}/months/{period}")
async def department_month(department_id: uuid.UUID, period: Period, bus: BusDep,
                           visibility: VisibilityDep) -> list[MonthSummaryRead]:
    return [MonthSummaryRead.of(summary)
            for summary in await views.department_month(bus, visibility, department_id, period)]
