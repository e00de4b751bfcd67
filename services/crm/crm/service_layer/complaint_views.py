"""Reads of complaints (C9): one, a list, and the month's cause analysis, within the caller's scope
(the lead's chain) or, for a department's management, the complaints forwarded to their department."""

from __future__ import annotations

import uuid
from datetime import datetime, time

from crm.domain.complaints import CauseAnalysis, Complaint, analyse
from crm.service_layer.access import scope_in
from crm.service_layer.complaints import visible_complaint
from crm.service_layer.unit_of_work import CrmBus
from shared.auth import Principal
from shared.clock import first_day, shift_month

MAX_LISTED = 1000
MAX_ANALYSED = 100_000


async def complaint(bus: CrmBus, viewer: Principal, complaint_id: uuid.UUID) -> Complaint:
    async with bus.uow() as uow:
        return await visible_complaint(uow, viewer, complaint_id)


async def complaints(bus: CrmBus, viewer: Principal, *, status: str | None = None) -> list[Complaint]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        return await uow.complaints.listed(scope, _answerable(viewer), status=status, limit=MAX_LISTED)


async def analysis(bus: CrmBus, viewer: Principal, month: str) -> CauseAnalysis:
    """Complaints recorded in the company month, by cause, by answerable department, escalations and
    the average time to an answer."""
    zone = bus.clock.timezone
    start = datetime.combine(first_day(month), time.min, tzinfo=zone)
    end = datetime.combine(first_day(shift_month(month, 1)), time.min, tzinfo=zone)
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        found = await uow.complaints.listed(scope, _answerable(viewer), recorded_from=start, recorded_before=end,
                                            limit=MAX_ANALYSED)
    return analyse(month, found)


def _answerable(viewer: Principal) -> uuid.UUID | None:
    return viewer.department_id if viewer.is_department_wide else None
