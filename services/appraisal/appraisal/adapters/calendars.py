"""org's working calendars as appraisal keeps them (O6): which days a daily log is owed on (A8)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from appraisal.adapters.report_tables import working_calendars
from shared.calendar_replica import CalendarReplica


class CalendarRepository(CalendarReplica):
    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session, working_calendars)
