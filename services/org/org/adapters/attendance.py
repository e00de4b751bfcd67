"""Queries of attendance (O6): calendars, clock records, classified days, leave, submissions,
dismissal cases and the sweep's progress. Never commits."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Integer, Row, and_, cast, func, insert, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from org.adapters.attendance_tables import (
    attendance_days,
    attendance_records,
    attendance_submissions,
    attendance_sweeps,
    dismissal_cases,
    leave_requests,
    working_calendars,
)
from org.adapters.repositories import _employee, _employee_select
from org.adapters.tables import employees
from org.domain.attendance import ClockRecord, DayClass
from org.domain.calendar import CalendarYear
from org.domain.leave import HOLDING, LeaveRequest, LeaveStatus
from org.domain.model import Employee

# Transaction-scoped advisory locks: a calendar year's saves take turns ("orgc", year), and so do sweeps.
CALENDAR_LOCK = 0x6F726763
SWEEP_LOCK = 0x6F72675F737770


@dataclass(frozen=True)
class StoredDay:
    employee_id: uuid.UUID
    work_date: date
    revision: int
    day: DayClass
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None


@dataclass(frozen=True)
class Submission:
    group_id: uuid.UUID
    period: str
    submitted_by: uuid.UUID
    submitted_at: datetime


@dataclass
class DismissalCase:
    id: uuid.UUID
    employee_id: uuid.UUID
    rule: str
    case_key: str
    absence_dates: list[date]
    raised_on: date
    status: str = "open"
    closed_by: uuid.UUID | None = None
    closed_at: datetime | None = None
    note: str | None = None


class AttendanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- calendars ---------------------------------------------------------------------------------

    async def calendars(self, years: Collection[int]) -> dict[int, CalendarYear]:
        rows = await self._session.execute(select(working_calendars).where(working_calendars.c.year.in_(list(years))))
        return {row.year: _calendar(row) for row in rows}

    async def calendar(self, year: int, *, for_update: bool = False) -> CalendarYear | None:
        query = select(working_calendars).where(working_calendars.c.year == year)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _calendar(row) if row else None

    async def save_calendar(self, year: CalendarYear) -> None:
        values = dict(revision=year.revision, weekend=sorted(year.weekend), holidays=sorted(year.holidays),
                      makeup_working_days=sorted(year.makeup_working_days), work_starts_at=year.work_starts_at,
                      work_ends_at=year.work_ends_at)
        statement = pg_insert(working_calendars).values(year=year.year, **values)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[working_calendars.c.year], set_={**values, "updated_at": func.now()},
        ))

    async def lock_calendar_year(self, year: int) -> None:
        # Two first saves of one year would both read "no row": a lock keyed by the year makes them take turns.
        await self._session.execute(select(func.pg_advisory_xact_lock(cast(CALENDAR_LOCK, Integer),
                                                                      cast(year, Integer))))

    # --- clock records -----------------------------------------------------------------------------

    async def add_record(self, record: ClockRecord) -> None:
        await self._session.execute(insert(attendance_records).values(
            id=record.id, employee_id=record.employee_id, work_date=record.work_date, version=record.version,
            clock_in=record.clock_in, clock_out=record.clock_out, changed_by=record.changed_by,
            reason=record.reason, source=record.source,
            **({"recorded_at": record.recorded_at} if record.recorded_at is not None else {}),
        ))

    async def record_history(self, employee_id: uuid.UUID, work_date: date) -> list[ClockRecord]:
        rows = await self._session.execute(
            select(attendance_records).where(attendance_records.c.employee_id == employee_id,
                                             attendance_records.c.work_date == work_date)
            .order_by(attendance_records.c.version)
        )
        return [_record(row) for row in rows]

    async def current_records(self, employee_ids: Collection[uuid.UUID], start: date, end: date
                              ) -> dict[tuple[uuid.UUID, date], ClockRecord]:
        latest = (
            select(attendance_records.c.employee_id, attendance_records.c.work_date,
                   func.max(attendance_records.c.version).label("version"))
            .where(attendance_records.c.employee_id.in_(list(employee_ids)),
                   attendance_records.c.work_date.between(start, end))
            .group_by(attendance_records.c.employee_id, attendance_records.c.work_date)
            .subquery()
        )
        rows = await self._session.execute(select(attendance_records).join(latest, and_(
            attendance_records.c.employee_id == latest.c.employee_id,
            attendance_records.c.work_date == latest.c.work_date,
            attendance_records.c.version == latest.c.version,
        )))
        return {(row.employee_id, row.work_date): _record(row) for row in rows}

    async def lock_employees(self, employee_ids: Collection[uuid.UUID]) -> None:
        """Whoever reclassifies an employee's days holds their row (in id order, so that two never wait
        for each other) and reads their inputs after it: a record entered while the sweep runs is
        either seen by the sweep or classified after it, never given the same revision twice."""
        await self._session.execute(
            select(employees.c.id).where(employees.c.id.in_(list(employee_ids))).order_by(employees.c.id)
            .with_for_update(key_share=True)
        )

    # --- classified days ---------------------------------------------------------------------------

    async def days(self, employee_ids: Collection[uuid.UUID], start: date, end: date
                   ) -> dict[tuple[uuid.UUID, date], StoredDay]:
        rows = await self._session.execute(
            select(attendance_days).where(attendance_days.c.employee_id.in_(list(employee_ids)),
                                          attendance_days.c.work_date.between(start, end))
            .with_for_update()
        )
        return {(row.employee_id, row.work_date): _stored_day(row) for row in rows}

    async def save_days(self, days: Sequence[StoredDay]) -> None:
        if not days:
            return
        statement = pg_insert(attendance_days)
        columns = ("revision", "classification", "absence_days", "minor_latenesses", "late_minutes",
                   "early_minutes", "leave_type", "leave_paid", "leave_days", "group_id", "department_id")
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=[attendance_days.c.employee_id, attendance_days.c.work_date],
                set_={**{name: statement.excluded[name] for name in columns}, "updated_at": func.now()},
            ),
            [_day_values(stored) for stored in days],
        )

    async def days_outside_employment(self) -> list[tuple[Employee, date, date]]:
        """Employees with a counted day before their hire or after their leaving, and the span of those
        days: the sweep voids them."""
        outside = (
            select(attendance_days.c.employee_id, func.min(attendance_days.c.work_date).label("first"),
                   func.max(attendance_days.c.work_date).label("last"))
            .join(employees, employees.c.id == attendance_days.c.employee_id)
            .where(attendance_days.c.classification != "void")
            .where((attendance_days.c.work_date < employees.c.hired_on)
                   | (attendance_days.c.work_date > func.coalesce(employees.c.left_on, attendance_days.c.work_date)))
            .group_by(attendance_days.c.employee_id)
            .subquery()
        )
        rows = await self._session.execute(
            _employee_select().add_columns(outside.c.first, outside.c.last)
            .join(outside, outside.c.employee_id == employees.c.id)
        )
        return [(_employee(row), row.first, row.last) for row in rows]

    async def employees_employed_between(self, start: date, end: date) -> list[Employee]:
        rows = await self._session.execute(_employee_select().where(
            employees.c.hired_on <= end, or_(employees.c.left_on.is_(None), employees.c.left_on >= start),
        ).order_by(employees.c.id))
        return [_employee(row) for row in rows]

    async def employees_by_id(self, employee_ids: Collection[uuid.UUID]) -> list[Employee]:
        rows = await self._session.execute(_employee_select().where(employees.c.id.in_(list(employee_ids))))
        return [_employee(row) for row in rows]

    async def group_members_in(self, group_id: uuid.UUID, start: date, end: date) -> list[Employee]:
        """Who counts in a group's month: its members employed at some time of it, and whoever has days
        counted for the group in it (a member who moved on since)."""
        counted = select(attendance_days.c.employee_id).where(
            attendance_days.c.group_id == group_id, attendance_days.c.work_date.between(start, end))
        rows = await self._session.execute(_employee_select().where(or_(
            and_(employees.c.group_id == group_id, employees.c.hired_on <= end,
                 or_(employees.c.left_on.is_(None), employees.c.left_on >= start)),
            employees.c.id.in_(counted),
        )).order_by(employees.c.name, employees.c.id))
        return [_employee(row) for row in rows]

    # --- sweep -------------------------------------------------------------------------------------

    async def swept_through(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, date]:
        rows = await self._session.execute(
            select(attendance_sweeps).where(attendance_sweeps.c.employee_id.in_(list(employee_ids))))
        return {row.employee_id: row.swept_through for row in rows}

    async def employees_to_sweep(self, through: date, limit: int) -> list[tuple[Employee, date | None]]:
        """Employees with days up to ``through`` not swept yet, and how far each was swept."""
        swept = attendance_sweeps.c.swept_through
        last_day = func.least(through, func.coalesce(employees.c.left_on, through))
        rows = await self._session.execute(
            _employee_select().add_columns(swept)
            .outerjoin(attendance_sweeps, attendance_sweeps.c.employee_id == employees.c.id)
            .where(employees.c.hired_on <= through,
                   func.coalesce(swept, employees.c.hired_on - 1) < last_day)
            .order_by(employees.c.id).limit(limit)
        )
        return [(_employee(row), row.swept_through) for row in rows]

    async def set_swept_through(self, employee_id: uuid.UUID, through: date) -> None:
        statement = pg_insert(attendance_sweeps).values(employee_id=employee_id, swept_through=through)
        await self._session.execute(statement.on_conflict_do_update(
            index_elements=[attendance_sweeps.c.employee_id], set_={"swept_through": through},
        ))

    async def lock_sweep(self) -> None:
        # One sweep at a time (the worker's and an HR request): both would do the same work.
        await self._session.execute(select(func.pg_advisory_xact_lock(SWEEP_LOCK)))

    # --- submissions -------------------------------------------------------------------------------

    async def add_submission(self, submission: Submission) -> None:
        await self._session.execute(insert(attendance_submissions).values(
            group_id=submission.group_id, period=submission.period, submitted_by=submission.submitted_by,
            submitted_at=submission.submitted_at,
        ))

    async def submission(self, group_id: uuid.UUID, period: str) -> Submission | None:
        row = (await self._session.execute(select(attendance_submissions).where(
            attendance_submissions.c.group_id == group_id, attendance_submissions.c.period == period))).first()
        return _submission(row) if row else None

    async def submissions(self, period: str) -> dict[uuid.UUID, Submission]:
        rows = await self._session.execute(
            select(attendance_submissions).where(attendance_submissions.c.period == period))
        return {row.group_id: _submission(row) for row in rows}

    async def submitted_periods(self, pairs: Collection[tuple[uuid.UUID, str]]) -> set[tuple[uuid.UUID, str]]:
        if not pairs:
            return set()
        rows = await self._session.execute(
            select(attendance_submissions.c.group_id, attendance_submissions.c.period)
            .where(tuple_(attendance_submissions.c.group_id, attendance_submissions.c.period).in_(list(pairs)))
        )
        return {(row.group_id, row.period) for row in rows}

    async def confirmed_days(self, employee_id: uuid.UUID) -> list[StoredDay]:
        """The employee's counted days in months their group has submitted."""
        period = func.to_char(attendance_days.c.work_date, "YYYY-MM")
        rows = await self._session.execute(
            select(attendance_days).join(attendance_submissions, and_(
                attendance_submissions.c.group_id == attendance_days.c.group_id,
                attendance_submissions.c.period == period,
            )).where(attendance_days.c.employee_id == employee_id, attendance_days.c.classification != "void")
            .order_by(attendance_days.c.work_date)
        )
        return [_stored_day(row) for row in rows]

    # --- dismissal cases ---------------------------------------------------------------------------

    async def add_case_if_new(self, case: DismissalCase) -> bool:
        result = await self._session.execute(
            pg_insert(dismissal_cases).values(
                id=case.id, employee_id=case.employee_id, rule=case.rule, case_key=case.case_key,
                absence_dates=case.absence_dates, raised_on=case.raised_on, status=case.status,
            ).on_conflict_do_nothing().returning(dismissal_cases.c.id)
        )
        return result.first() is not None

    async def case(self, case_id: uuid.UUID, *, for_update: bool = False) -> DismissalCase | None:
        query = select(dismissal_cases).where(dismissal_cases.c.id == case_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _case(row) if row else None

    async def cases(self, status: str | None) -> list[DismissalCase]:
        query = select(dismissal_cases).order_by(dismissal_cases.c.raised_on, dismissal_cases.c.created_at)
        if status is not None:
            query = query.where(dismissal_cases.c.status == status)
        return [_case(row) for row in await self._session.execute(query)]

    async def close_case(self, case: DismissalCase) -> None:
        await self._session.execute(update(dismissal_cases).where(dismissal_cases.c.id == case.id).values(
            status=case.status, closed_by=case.closed_by, closed_at=case.closed_at, note=case.note))


class LeaveRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, request: LeaveRequest) -> None:
        await self._session.execute(insert(leave_requests).values(id=request.id, **_leave_values(request)))

    async def save(self, request: LeaveRequest) -> None:
        await self._session.execute(update(leave_requests).where(leave_requests.c.id == request.id)
                                    .values(**_leave_values(request), updated_at=func.now()))

    async def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> LeaveRequest | None:
        query = select(leave_requests).where(leave_requests.c.id == request_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _leave(row) if row else None

    async def of_employee(self, employee_id: uuid.UUID, *, holding_only: bool = False) -> list[LeaveRequest]:
        query = select(leave_requests).where(leave_requests.c.employee_id == employee_id)
        if holding_only:
            query = query.where(leave_requests.c.status.in_([status.value for status in HOLDING]))
        rows = await self._session.execute(query.order_by(leave_requests.c.start_date))
        return [_leave(row) for row in rows]

    async def approved_between(self, employee_ids: Collection[uuid.UUID], start: date, end: date
                               ) -> list[LeaveRequest]:
        rows = await self._session.execute(select(leave_requests).where(
            leave_requests.c.employee_id.in_(list(employee_ids)),
            leave_requests.c.status == LeaveStatus.APPROVED.value,
            leave_requests.c.start_date <= end, leave_requests.c.end_date >= start,
        ))
        return [_leave(row) for row in rows]

    async def visible(self, employee_ids: Collection[uuid.UUID] | None, status: str | None) -> list[LeaveRequest]:
        query = select(leave_requests).order_by(leave_requests.c.start_date, leave_requests.c.created_at)
        if employee_ids is not None:
            query = query.where(leave_requests.c.employee_id.in_(list(employee_ids)))
        if status is not None:
            query = query.where(leave_requests.c.status == status)
        return [_leave(row) for row in await self._session.execute(query)]


def _day_values(stored: StoredDay) -> dict:
    day = stored.day
    return dict(employee_id=stored.employee_id, work_date=stored.work_date, revision=stored.revision,
                classification=day.classification, absence_days=day.absence_days,
                minor_latenesses=day.minor_latenesses, late_minutes=day.late_minutes, early_minutes=day.early_minutes,
                leave_type=day.leave_type, leave_paid=day.leave_paid, leave_days=day.leave_days,
                group_id=stored.group_id, department_id=stored.department_id)


def _leave_values(request: LeaveRequest) -> dict:
    return dict(employee_id=request.employee_id, leave_type=request.leave_type, start_date=request.start,
                end_date=request.end, days=request.days, reason=request.reason, requested_by=request.requested_by,
                status=request.status.value, needs_manager=request.needs_manager,
                leader_approved_by=request.leader_approved_by, manager_approved_by=request.manager_approved_by,
                decided_by=request.decided_by, decision_reason=request.decision_reason)


def _calendar(row: Row) -> CalendarYear:
    return CalendarYear(year=row.year, revision=row.revision, weekend=frozenset(row.weekend),
                        holidays=frozenset(row.holidays), makeup_working_days=frozenset(row.makeup_working_days),
                        work_starts_at=row.work_starts_at, work_ends_at=row.work_ends_at)


def _record(row: Row) -> ClockRecord:
    return ClockRecord(id=row.id, employee_id=row.employee_id, work_date=row.work_date, version=row.version,
                       clock_in=row.clock_in, clock_out=row.clock_out, changed_by=row.changed_by, reason=row.reason,
                       source=row.source, recorded_at=row.recorded_at)


def _stored_day(row: Row) -> StoredDay:
    day = DayClass(classification=row.classification, absence_days=Decimal(row.absence_days),
                   minor_latenesses=row.minor_latenesses, late_minutes=row.late_minutes,
                   early_minutes=row.early_minutes, leave_type=row.leave_type, leave_paid=row.leave_paid,
                   leave_days=Decimal(row.leave_days))
    return StoredDay(employee_id=row.employee_id, work_date=row.work_date, revision=row.revision, day=day,
                     group_id=row.group_id, department_id=row.department_id)


def _submission(row: Row) -> Submission:
    return Submission(group_id=row.group_id, period=row.period, submitted_by=row.submitted_by,
                      submitted_at=row.submitted_at)


def _case(row: Row) -> DismissalCase:
    return DismissalCase(id=row.id, employee_id=row.employee_id, rule=row.rule, case_key=row.case_key,
                         absence_dates=list(row.absence_dates), raised_on=row.raised_on, status=row.status,
                         closed_by=row.closed_by, closed_at=row.closed_at, note=row.note)


def _leave(row: Row) -> LeaveRequest:
    return LeaveRequest(id=row.id, employee_id=row.employee_id, leave_type=row.leave_type, start=row.start_date,
                        end=row.end_date, days=row.days, reason=row.reason, requested_by=row.requested_by,
                        status=LeaveStatus(row.status), needs_manager=row.needs_manager,
                        leader_approved_by=row.leader_approved_by, manager_approved_by=row.manager_approved_by,
                        decided_by=row.decided_by, decision_reason=row.decision_reason, created_at=row.created_at)
