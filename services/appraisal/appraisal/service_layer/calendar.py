"""org's working calendar (O6) in appraisal: the days a daily log is owed on (A8) are the company's
working days, public holidays off and make-up working days (调休) on, as HR set them in org."""

from __future__ import annotations

from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.calendar import WorkingCalendar


async def record_calendar(uow: AppraisalUnitOfWork, bus: AppraisalBus, calendar: WorkingCalendar,
                          revision: int) -> bool:
    """Inside the consumer's unit of work: keep the year's highest revision. Nothing is stored from it:
    what is owed is read with the calendar each time (service_layer.plan_execution), so a live score
    follows it from its next recomputation."""
    return await uow.calendars.record(calendar, revision, bus.clock.now())
