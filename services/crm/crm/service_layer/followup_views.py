"""Reads of follow-up plans (C6): a lead's plans, and the overdue ones for a rep (their own) or a
leader (their group's) or a manager (their department's), oldest first."""

from __future__ import annotations

import uuid

from crm.domain.followups import FollowUp
from crm.service_layer.access import scope_in
from crm.service_layer.unit_of_work import CrmBus
from shared.auth import Principal
from shared.errors import NotFound

MAX_OVERDUE = 1000


async def for_lead(bus: CrmBus, viewer: Principal, lead_id: uuid.UUID) -> list[FollowUp]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        lead = await uow.leads.get(lead_id)
        if lead is None or not scope.sees(owner_id=lead.owner_id, group_id=lead.group_id,
                                          department_id=lead.department_id):
            raise NotFound("no such lead", lead_id=str(lead_id))
        return await uow.follow_ups.for_lead(lead_id)


async def overdue(bus: CrmBus, viewer: Principal, *, rep_id: uuid.UUID | None = None) -> list[FollowUp]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        return await uow.follow_ups.overdue(scope, bus.clock.now(), rep_id=rep_id, limit=MAX_OVERDUE)
