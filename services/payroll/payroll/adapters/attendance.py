"""Queries of the attendance payroll keeps: org's calendars and classified days, and what each run
paid for them. Like every repository, it never commits."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection as Many
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Row, and_, delete, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.tables import attendance_days, attendance_settlements, pay_runs, working_calendars
from payroll.domain.attendance import AttendanceDay, AttendanceSettlement, ClassifiedDay, DeductionBasis
from shared.calendar import Calendars, WorkingCalendar
from shared.calendar_replica import CalendarReplica
from shared.clock import month_of_date
from shared.sql import among


@dataclass(frozen=True)
class PaidPeriod:
    """A period already paid for one employee, with the days changed since: input of a correction."""

    employee_id: uuid.UUID
    period: str
    run_id: uuid.UUID  # the period's own run
    basis: DeductionBasis
    paid_so_far: Decimal
    changed: list[AttendanceDay]


@dataclass(frozen=True)
class PendingCorrection:
    employee_id: uuid.UUID
    period: str
    work_date: date
    revision: int
    classification: str
    changed_at: datetime
    paid_run_id: uuid.UUID  # the period's run, which paid the day as it was


class AttendanceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- facts from org --------------------------------------------------------------------------

    async def record_calendar(self, calendar: WorkingCalendar, revision: int, changed_at: datetime) -> bool:
        """Keep the year's calendar if ``revision`` is higher than the one held; True if it changed."""
        return await CalendarReplica(self._session, working_calendars).record(calendar, revision, changed_at)

    async def record_day(self, classified: ClassifiedDay, changed_at: datetime) -> bool:
        """Keep the day if its revision is higher than the one held; True if it changed. A change
        clears the run that had paid the day, so that the next run pays any difference."""
        day = classified.day
        insert_ = pg_insert(attendance_days).values(
            employee_id=classified.employee_id, work_date=day.work_date, period=month_of_date(day.work_date),
            revision=day.revision, classification=day.classification, absence_days=day.absence_days,
            minor_latenesses=day.minor_latenesses, late_minutes=classified.late_minutes,
            early_minutes=classified.early_minutes, leave_days=day.leave_days, leave_type=day.leave_type,
            leave_paid=day.leave_paid, event_id=classified.event_id, changed_at=changed_at, settled_run_id=None,
        )
        changed = await self._session.execute(insert_.on_conflict_do_update(
            index_elements=["employee_id", "work_date"],
            set_={key: insert_.excluded[key] for key in (
                "revision", "classification", "absence_days", "minor_latenesses", "late_minutes", "early_minutes",
                "leave_days", "leave_type", "leave_paid", "event_id", "changed_at", "settled_run_id")},
            where=attendance_days.c.revision < insert_.excluded.revision,
        ).returning(attendance_days.c.employee_id))
        return changed.first() is not None

    # --- reads for a run -------------------------------------------------------------------------

    async def calendars(self, years: Iterable[int]) -> Calendars:
        return await CalendarReplica(self._session, working_calendars).of_years(years)

    async def days(self, period: str, employee_ids: Many[uuid.UUID]) -> dict[uuid.UUID, list[AttendanceDay]]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(
            select(attendance_days)
            .where(attendance_days.c.period == period, among(attendance_days.c.employee_id, employee_ids))
            .order_by(attendance_days.c.employee_id, attendance_days.c.work_date))
        found: dict[uuid.UUID, list[AttendanceDay]] = defaultdict(list)
        for row in rows:
            found[row.employee_id].append(_day(row))
        return dict(found)

    # --- settling --------------------------------------------------------------------------------

    async def settle_period(self, run_id: uuid.UUID, period: str, employee_ids: Many[uuid.UUID]) -> None:
        """The period's own run has paid these employees' days as they stand."""
        if not employee_ids:
            return
        await self._session.execute(
            update(attendance_days)
            .where(attendance_days.c.period == period, among(attendance_days.c.employee_id, employee_ids))
            .values(settled_run_id=run_id))

    async def claim_corrections(self, run_id: uuid.UUID, period: str, employee_ids: Many[uuid.UUID]
                                ) -> list[PaidPeriod]:
        """Claim for ``run_id`` the days changed since they were paid, of other periods these employees
        were already paid for (P8), grouped by employee and period."""
        if not employee_ids:
            return []
        own_run = pay_runs.alias("own_run")
        paid = (
            select(attendance_settlements.c.run_id)
            .join(own_run, and_(own_run.c.id == attendance_settlements.c.run_id,
                                own_run.c.period == attendance_settlements.c.period))
            .where(attendance_settlements.c.employee_id == attendance_days.c.employee_id,
                   attendance_settlements.c.period == attendance_days.c.period)
        )
        rows = await self._session.execute(
            update(attendance_days)
            .where(attendance_days.c.settled_run_id.is_(None), attendance_days.c.period != period,
                   among(attendance_days.c.employee_id, employee_ids), exists(paid))
            .values(settled_run_id=run_id)
            .returning(attendance_days))
        changed: dict[tuple[uuid.UUID, str], list[AttendanceDay]] = defaultdict(list)
        for row in rows:
            changed[(row.employee_id, row.period)].append(_day(row))
        return [await self._paid_period(employee_id, each_period, days)
                for (employee_id, each_period), days in sorted(changed.items(), key=lambda item: (str(item[0][0]),
                                                                                                    item[0][1]))]

    async def _paid_period(self, employee_id: uuid.UUID, period: str, changed: list[AttendanceDay]) -> PaidPeriod:
        own = (await self._session.execute(
            select(attendance_settlements.c.run_id, attendance_settlements.c.basis)
            .join(pay_runs, and_(pay_runs.c.id == attendance_settlements.c.run_id,
                                 pay_runs.c.period == attendance_settlements.c.period))
            .where(attendance_settlements.c.employee_id == employee_id, attendance_settlements.c.period == period)
        )).one()
        paid_so_far = (await self._session.execute(
            select(func.coalesce(func.sum(attendance_settlements.c.amount), 0))
            .where(attendance_settlements.c.employee_id == employee_id, attendance_settlements.c.period == period)
        )).scalar_one()
        return PaidPeriod(employee_id=employee_id, period=period, run_id=own.run_id,
                          basis=DeductionBasis.from_inputs(own.basis), paid_so_far=Decimal(paid_so_far),
                          changed=sorted(changed, key=lambda d: d.work_date))

    async def pending_corrections(self) -> list[PendingCorrection]:
        """Days changed since their period's run paid them, waiting for the next run (P8)."""
        own_run = pay_runs.alias("own_run")
        rows = await self._session.execute(
            select(attendance_days, own_run.c.id.label("paid_run_id"))
            .join(attendance_settlements, and_(attendance_settlements.c.employee_id == attendance_days.c.employee_id,
                                               attendance_settlements.c.period == attendance_days.c.period))
            .join(own_run, and_(own_run.c.id == attendance_settlements.c.run_id,
                                own_run.c.period == attendance_settlements.c.period))
            .where(attendance_days.c.settled_run_id.is_(None))
            .order_by(attendance_days.c.period, attendance_days.c.employee_id, attendance_days.c.work_date))
        return [PendingCorrection(employee_id=row.employee_id, period=row.period, work_date=row.work_date,
                                  revision=row.revision, classification=row.classification,
                                  changed_at=row.changed_at, paid_run_id=row.paid_run_id) for row in rows]

    async def release(self, run_id: uuid.UUID) -> None:
        """A draft run being recomputed gives back what it settled: its days become unsettled again (its
        own period's and any corrections it claimed) and what it recorded as paid is forgotten."""
        await self._session.execute(
            update(attendance_days).where(attendance_days.c.settled_run_id == run_id).values(settled_run_id=None))
        await self._session.execute(delete(attendance_settlements).where(attendance_settlements.c.run_id == run_id))

    async def add_settlements(self, run_id: uuid.UUID,
                              settlements: Iterable[tuple[uuid.UUID, AttendanceSettlement]]) -> None:
        values = [{"run_id": run_id, "employee_id": employee_id, "period": each.period, "amount": each.amount,
                   "basis": each.basis.as_inputs()} for employee_id, each in settlements]
        if values:
            await self._session.execute(insert(attendance_settlements), values)


def _day(row: Row) -> AttendanceDay:
    return AttendanceDay(work_date=row.work_date, revision=row.revision, classification=row.classification,
                         absence_days=row.absence_days, minor_latenesses=row.minor_latenesses,
                         leave_days=row.leave_days, leave_type=row.leave_type, leave_paid=row.leave_paid)
