"""org's working calendars (O6) as a consuming service keeps them: the newest revision of each year.
payroll counts attendance by them, appraisal the days a daily log is owed on; each service has the
table in its own database, declared by ``working_calendars_table``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.calendar import Calendars, WorkingCalendar


def working_calendars_table(metadata: MetaData) -> Table:
    return Table(
        "working_calendars",
        metadata,
        Column("year", Integer, primary_key=True),
        Column("revision", Integer, nullable=False),
        Column("weekend", JSONB, nullable=False),
        Column("holidays", JSONB, nullable=False),
        Column("makeup_working_days", JSONB, nullable=False),
        Column("changed_at", DateTime(timezone=True), nullable=False),
    )


class CalendarReplica:
    def __init__(self, session: AsyncSession, table: Table) -> None:
        self._session = session
        self._table = table

    async def record(self, calendar: WorkingCalendar, revision: int, changed_at: datetime) -> bool:
        """Keep the year's calendar if ``revision`` is higher than the one held; True if it changed,
        so that a redelivered or older revision arriving late changes nothing."""
        table = self._table
        insert_ = pg_insert(table).values(
            year=calendar.year, revision=revision, weekend=sorted(calendar.weekend),
            holidays=sorted(day.isoformat() for day in calendar.holidays),
            makeup_working_days=sorted(day.isoformat() for day in calendar.makeup_working_days),
            changed_at=changed_at,
        )
        changed = await self._session.execute(insert_.on_conflict_do_update(
            index_elements=["year"],
            set_={key: insert_.excluded[key] for key in ("revision", "weekend", "holidays", "makeup_working_days",
                                                         "changed_at")},
            where=table.c.revision < insert_.excluded.revision,
        ).returning(table.c.year))
        return changed.first() is not None

    async def of_years(self, years: Iterable[int]) -> Calendars:
        table = self._table
        rows = await self._session.execute(select(table).where(table.c.year.in_(sorted(set(years)))))
        return Calendars({row.year: WorkingCalendar(
            year=row.year, weekend=frozenset(row.weekend),
            holidays=frozenset(date.fromisoformat(day) for day in row.holidays),
            makeup_working_days=frozenset(date.fromisoformat(day) for day in row.makeup_working_days),
        ) for row in rows})
