"""Reads of the pool (C5): a group's pool for its members, the leads about to return to it, and a
lead's life log. Contacts stay masked: nobody owns a pooled lead."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from crm.domain.model import LeadMove
from crm.domain.pool import Due, due
from crm.service_layer.access import REP_DISTRIBUTORS, scope_in
from crm.service_layer.unit_of_work import CrmBus
from crm.service_layer.views import LeadView, Page, lead_view
from shared.auth import Principal
from shared.errors import NotFound

MAX_UPCOMING = 1000


@dataclass(frozen=True)
class UpcomingReturn:
    lead: LeadView
    due: Due


async def group_pool(bus: CrmBus, viewer: Principal, group_id: uuid.UUID, *, limit: int, offset: int
                     ) -> Page[LeadView]:
    """Open to the group's members and to whoever's scope covers the group (its leader, its managers)."""
    async with bus.uow() as uow:
        me = await uow.directory.employee(viewer.employee_id)
        member = me is not None and me.status == "active" and me.group_id == group_id
        group = await uow.directory.group(group_id)
        scope = await scope_in(uow, viewer)
        if group is None or not (member or (viewer.has_any(*REP_DISTRIBUTORS) and scope.sees(
                owner_id=None, group_id=group_id, department_id=group.department_id))):
            raise NotFound("no such group", group_id=str(group_id))
        pairs, total = await uow.leads.pool(group_id, limit=limit, offset=offset)
    return Page(items=[lead_view(viewer, lead, customer) for lead, customer in pairs], total=total)


async def upcoming_returns(bus: CrmBus, viewer: Principal, *, days: int | None,
                           owner_id: uuid.UUID | None = None) -> list[UpcomingReturn]:
    """"Going to the pool in K days": held leads in the caller's scope whose reclaim falls within K
    days (default: the warning setting), soonest first; overdue ones (the sweep not yet run) first."""
    policy = bus.policy.pool
    horizon = bus.clock.now() + timedelta(days=policy.warning_days if days is None else days)
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        pairs = await uow.leads.due_by_in_scope(scope, horizon, policy, owner_id=owner_id, limit=MAX_UPCOMING)
    items = []
    for lead, customer in pairs:
        when = due(lead, policy)
        if when is not None and when.at <= horizon:
            items.append(UpcomingReturn(lead=lead_view(viewer, lead, customer), due=when))
    return sorted(items, key=lambda item: (item.due.at, str(item.lead.lead.id)))


async def lead_moves(bus: CrmBus, viewer: Principal, lead_id: uuid.UUID) -> list[LeadMove]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        found = await uow.leads.get(lead_id)
        if found is None or not scope.sees(owner_id=found.owner_id, group_id=found.group_id,
                                           department_id=found.department_id):
            raise NotFound("no such lead", lead_id=str(lead_id))
        return await uow.moves.for_lead(lead_id)
