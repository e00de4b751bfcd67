"""org's working calendars as appraisal keeps them (O6): which days a daily log is owed on (A8)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal.adapters.report_tables import working_calendars
from shared.calendar import Calendars, WorkingCalendar


class CalendarRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, calendar: WorkingCalendar, revision: int, changed_at: datetime) -> bool:
        """Keep the year's calendar if ``revision`` is higher than the one held; True if it changed,
        so that a redelivered or older revision arriving late changes nothing."""
        insert_ = pg_insert(working_calendars).values(
            year=calendar.year, revision=revision, weekend=sorted(calendar.weekend),
            holidays=sorted(day.isoformat() for day in calendar.holidays),
            makeup_working_days=sorted(day.isoformat() for day in calendar.makeup_working_days),
            changed_at=changed_at,
        )
        changed = await self._session.execute(insert_.on_conflict_do_update(
            index_elements=["year"],
            set_={key: insert_.excluded[key] for key in ("revision", "weekend", "holidays", "makeup_working_days",
                                                         "changed_at")},
            where=working_calendars.c.revision < insert_.excluded.revision,
        ).returning(working_calendars.c.year))
        return changed.first() is not None

    async def of_years(self, years: Iterable[int]) -> Calendars:
        rows = await self._session.execute(
            select(working_calendars).where(working_calendars.c.year.in_(sorted(set(years)))))
        return Calendars({row.year: WorkingCalendar(
            year=row.year, weekend=frozenset(row.weekend),
            holidays=frozenset(date.fromisoformat(day) for day in row.holidays),
            makeup_working_days=frozenset(date.fromisoformat(day) for day in row.makeup_working_days),
        ) for row in rows})
