"""Attendance as the organisation's own use cases touch it, over the in-memory unit of work."""

from __future__ import annotations

from datetime import timedelta

from org_fakes import FakeOrgUnitOfWork, Org

from org.adapters.attendance import StoredDay
from org.domain.attendance import FULL_DAY_ABSENCE, ON_TIME, VOID, DayClass
from org.service_layer import commands


async def test_a_late_recorded_leaving_voids_the_days_already_counted_after_it(org: Org,
                                                                               uow: FakeOrgUnitOfWork) -> None:
    rep = await org.hire("Li Na")
    left_on = org.today - timedelta(days=10)
    for offset, classification in ((11, ON_TIME), (10, ON_TIME), (9, FULL_DAY_ABSENCE), (8, VOID)):
        day = org.today - timedelta(days=offset)
        uow.store.attendance_days[(rep.id, day)] = StoredDay(rep.id, day, 1, DayClass(classification), None,
                                                             rep.department_id)
    uow.published.clear()

    await org.bus.handle(commands.RecordLeaving(employee_id=rep.id, left_on=left_on))

    voided = [envelope.data for envelope in uow.published if envelope.type == "org.attendance.day_classified.v1"]
    assert [(data["work_date"], data["revision"], data["classification"]) for data in voided] == [
        ((org.today - timedelta(days=9)).isoformat(), 2, VOID)]
    assert uow.store.attendance_days[(rep.id, left_on)].day.classification == ON_TIME, "the last day still counts"
