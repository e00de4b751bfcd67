"""Request and response bodies of the attendance API (O6)."""

from __future__ import annotations

import uuid
from datetime import datetime, time
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints, WithJsonSchema

from org.adapters.attendance import DismissalCase, Submission
from org.domain.attendance import ClockRecord
from org.domain.calendar import CalendarYear
from org.domain.leave import LeaveRequest
from org.service_layer.attendance import ImportResult, SweepResult
from org.service_layer.attendance_views import DayRow, GroupSubmission, LeaveBalance, MonthSummary, PersonMonth
from shared.fields import IsoDate

_NO_NUL = r"^[^\x00]*$"
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=_NO_NUL)]
Period = Annotated[str, StringConstraints(pattern=r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$")]
LeaveTypeName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40,
                                                 pattern=_NO_NUL)]


def _local(value: time | None) -> time | None:
    if value is not None and value.tzinfo is not None:
        raise ValueError("a local time of the company, without a time zone")
    return value.replace(microsecond=0) if value is not None else None


# The company's wall-clock time, without an offset. JSON Schema's "time" format is RFC 3339's,
# which requires one, so the documents state the shape instead.
_LOCAL_TIME_SCHEMA = WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
                                     "description": "the company's local time, HH:MM or HH:MM:SS", "example": "09:00"})
LocalTime = Annotated[time, AfterValidator(_local), _LOCAL_TIME_SCHEMA]
LocalTimeRead = Annotated[time, PlainSerializer(lambda value: value.strftime("%H:%M:%S"), return_type=str),
                          _LOCAL_TIME_SCHEMA]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CalendarWrite(_Request):
    weekend: list[Annotated[int, Field(ge=1, le=7)]] = Field(default_factory=lambda: [6, 7], max_length=7)
    holidays: list[IsoDate] = Field(default_factory=list, max_length=366)
    makeup_working_days: list[IsoDate] = Field(default_factory=list, max_length=366)
    work_starts_at: LocalTime = time(9, 0)
    work_ends_at: LocalTime = time(18, 0)


class CalendarRead(_Read):
    year: int
    revision: int
    weekend: list[int]
    holidays: list[IsoDate]
    makeup_working_days: list[IsoDate]
    work_starts_at: LocalTimeRead
    work_ends_at: LocalTimeRead

    @classmethod
    def of(cls, year: CalendarYear) -> CalendarRead:
        return cls(year=year.year, revision=year.revision, weekend=sorted(year.weekend),
                   holidays=sorted(year.holidays), makeup_working_days=sorted(year.makeup_working_days),
                   work_starts_at=year.work_starts_at, work_ends_at=year.work_ends_at)


class RecordWrite(_Request):
    clock_in: LocalTime | None = None
    clock_out: LocalTime | None = None
    # Required when the date already has a record: a correction says why.
    reason: Reason | None = None


class RecordRead(_Read):
    employee_id: uuid.UUID
    work_date: IsoDate
    version: int
    clock_in: LocalTimeRead | None
    clock_out: LocalTimeRead | None
    changed_by: uuid.UUID | None
    reason: str | None
    source: str
    recorded_at: datetime | None = None

    @classmethod
    def of(cls, record: ClockRecord) -> RecordRead:
        return cls.model_validate(record)


class RecordHistoryRead(BaseModel):
    employee_id: uuid.UUID
    work_date: IsoDate
    current: RecordRead | None
    # Every version, oldest first; the last is the current one.
    versions: list[RecordRead]


class RefusedRowRead(_Read):
    row: int
    field: str
    reason: str


class ImportReport(_Read):
    saved: int
    unchanged: int
    refused: list[RefusedRowRead]

    @classmethod
    def of(cls, result: ImportResult) -> ImportReport:
        return cls.model_validate(result)


class SweepRead(_Read):
    employees: int
    classified: int
    through: IsoDate

    @classmethod
    def of(cls, result: SweepResult) -> SweepRead:
        return cls.model_validate(result)


class LeaveCreate(_Request):
    # Omitted: the caller's own leave. HR may give anyone's (recorded as approved).
    employee_id: uuid.UUID | None = None
    leave_type: LeaveTypeName
    start: IsoDate
    end: IsoDate
    reason: Reason | None = None


class LeaveRefusal(_Request):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=_NO_NUL)]


class LeaveRead(_Read):
    id: uuid.UUID
    employee_id: uuid.UUID
    leave_type: str
    start: IsoDate
    end: IsoDate
    days: int
    reason: str | None
    status: str
    needs_manager: bool
    requested_by: uuid.UUID
    leader_approved_by: uuid.UUID | None
    manager_approved_by: uuid.UUID | None
    decided_by: uuid.UUID | None
    decision_reason: str | None

    @classmethod
    def of(cls, request: LeaveRequest) -> LeaveRead:
        return cls.model_validate(request)


class LeaveBalanceRead(BaseModel):
    leave_type: str
    paid: bool
    quota: int | None
    taken: int
    pending: int
    remaining: int | None

    @classmethod
    def of(cls, balance: LeaveBalance) -> LeaveBalanceRead:
        return cls(leave_type=balance.leave_type, paid=balance.paid, quota=balance.quota, taken=balance.taken,
                   pending=balance.pending, remaining=balance.remaining)


class SubmissionCreate(_Request):
    group_id: uuid.UUID
    period: Period


class SubmissionRead(_Read):
    group_id: uuid.UUID
    period: str
    submitted_by: uuid.UUID
    submitted_at: datetime

    @classmethod
    def of(cls, submission: Submission) -> SubmissionRead:
        return cls.model_validate(submission)


class GroupSubmissionRead(BaseModel):
    group_id: uuid.UUID
    group_name: str
    department_id: uuid.UUID
    submitted: bool
    submitted_by: uuid.UUID | None = None
    submitted_at: datetime | None = None

    @classmethod
    def of(cls, row: GroupSubmission) -> GroupSubmissionRead:
        done = row.submission
        return cls(group_id=row.group.id, group_name=row.group.name, department_id=row.group.department_id,
                   submitted=done is not None, submitted_by=done.submitted_by if done else None,
                   submitted_at=done.submitted_at if done else None)


class CaseClose(_Request):
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=_NO_NUL)]


class DismissalCaseRead(_Read):
    id: uuid.UUID
    employee_id: uuid.UUID
    rule: str
    absence_dates: list[IsoDate]
    raised_on: IsoDate
    status: str
    closed_by: uuid.UUID | None
    closed_at: datetime | None
    note: str | None

    @classmethod
    def of(cls, case: DismissalCase) -> DismissalCaseRead:
        return cls.model_validate(case)


class DayRead(BaseModel):
    work_date: IsoDate
    # None until the day is over and classified.
    classification: str | None
    revision: int | None
    absence_days: Decimal
    minor_latenesses: int
    late_minutes: int
    early_minutes: int
    leave_type: str | None
    leave_paid: bool | None
    clock_in: LocalTimeRead | None
    clock_out: LocalTimeRead | None
    record_version: int | None

    @classmethod
    def of(cls, row: DayRow) -> DayRead:
        stored, record = row.day, row.record
        day = stored.day if stored else None
        return cls(
            work_date=row.work_date, classification=day.classification if day else None,
            revision=stored.revision if stored else None,
            absence_days=day.absence_days if day else Decimal(0), minor_latenesses=day.minor_latenesses if day else 0,
            late_minutes=day.late_minutes if day else 0, early_minutes=day.early_minutes if day else 0,
            leave_type=day.leave_type if day else None, leave_paid=day.leave_paid if day else None,
            clock_in=record.clock_in if record else None, clock_out=record.clock_out if record else None,
            record_version=record.version if record else None,
        )


class PersonMonthRead(BaseModel):
    employee_id: uuid.UUID
    name: str
    period: str
    days: list[DayRead]

    @classmethod
    def of(cls, month: PersonMonth) -> PersonMonthRead:
        return cls(employee_id=month.employee.id, name=month.employee.name, period=month.period,
                   days=[DayRead.of(row) for row in month.days])


class MonthSummaryRead(BaseModel):
    employee_id: uuid.UUID
    name: str
    group_id: uuid.UUID | None
    working_days: int
    on_time: int
    minor_latenesses: int
    half_day_absences: int
    full_day_absences: int
    absence_days: Decimal
    leave_days: dict[str, Decimal]
    unclassified: int

    @classmethod
    def of(cls, summary: MonthSummary) -> MonthSummaryRead:
        return cls(employee_id=summary.employee.id, name=summary.employee.name, group_id=summary.employee.group_id,
                   working_days=summary.working_days, on_time=summary.on_time,
                   minor_latenesses=summary.minor_latenesses, half_day_absences=summary.half_day_absences,
                   full_day_absences=summary.full_day_absences, absence_days=summary.absence_days,
                   leave_days=summary.leave_days, unclassified=summary.unclassified)


class GroupMonthRead(BaseModel):
    group_id: uuid.UUID
    period: str
    submitted: bool
    people: list[MonthSummaryRead]
