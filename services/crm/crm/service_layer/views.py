"""Reads, each limited to the caller's data scope; anything outside it answers exactly as if it
did not exist. Contact details leave this module masked unless the caller owns the lead (C10)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from crm.adapters.repositories import DealQuery, LeadQuery
from crm.domain.contacts import mask_email
from crm.domain.deals import Deal, InstalmentState, Payment, Refund, instalment_states
from crm.domain.model import Customer, Lead, LeadAssignment
from crm.domain.visibility import sees_contact
from crm.service_layer.access import scope_in
from crm.service_layer.unit_of_work import CrmBus
from shared.auth import Principal
from shared.errors import NotFound
from shared.phones import mask_phone

T = TypeVar("T")


@dataclass(frozen=True)
class ContactView:
    customer_id: uuid.UUID
    name: str
    company: str | None
    phone: str | None
    email: str | None
    masked: bool


@dataclass(frozen=True)
class LeadView:
    lead: Lead
    customer: ContactView


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int


@dataclass(frozen=True)
class DealView:
    deal: Deal
    payments: list[Payment]
    refunds: list[Refund] = field(default_factory=list)
    plan: list[InstalmentState] = field(default_factory=list)


def contact_for(viewer: Principal, lead: Lead, customer: Customer) -> ContactView:
    full = sees_contact(viewer.employee_id, lead.owner_id)
    return ContactView(
        customer_id=customer.id, name=customer.name, company=customer.company,
        phone=customer.phone if full else mask_phone(customer.phone),
        email=customer.email if full else mask_email(customer.email), masked=not full,
    )


def lead_view(viewer: Principal, lead: Lead, customer: Customer) -> LeadView:
    return LeadView(lead=lead, customer=contact_for(viewer, lead, customer))


async def leads(bus: CrmBus, viewer: Principal, query: LeadQuery, *, limit: int, offset: int) -> Page[LeadView]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        pairs, total = await uow.leads.page(scope, query, limit=limit, offset=offset)
    return Page(items=[lead_view(viewer, lead, customer) for lead, customer in pairs], total=total)


async def lead(bus: CrmBus, viewer: Principal, lead_id: uuid.UUID) -> LeadView:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        pair = await uow.leads.get_with_customer(lead_id)
    if pair is None or not scope.sees(owner_id=pair[0].owner_id, group_id=pair[0].group_id,
                                      department_id=pair[0].department_id):
        raise NotFound("no such lead", lead_id=str(lead_id))
    return lead_view(viewer, *pair)


async def lead_history(bus: CrmBus, viewer: Principal, lead_id: uuid.UUID) -> list[LeadAssignment]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        found = await uow.leads.get(lead_id)
        if found is None or not scope.sees(owner_id=found.owner_id, group_id=found.group_id,
                                           department_id=found.department_id):
            raise NotFound("no such lead", lead_id=str(lead_id))
        return await uow.assignments.for_lead(lead_id)


async def deals(bus: CrmBus, viewer: Principal, query: DealQuery, *, limit: int, offset: int) -> Page[Deal]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        items, total = await uow.deals.page(scope, query, limit=limit, offset=offset)
    return Page(items=items, total=total)


async def deal(bus: CrmBus, viewer: Principal, deal_id: uuid.UUID) -> DealView:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        found = await uow.deals.get(deal_id)
        if found is None or not scope.sees(owner_id=found.rep_id, group_id=found.group_id,
                                           department_id=found.department_id):
            raise NotFound("no such deal", deal_id=str(deal_id))
        return DealView(deal=found, payments=await uow.deals.payments(deal_id),
                        refunds=await uow.deals.refunds(deal_id),
                        plan=instalment_states(await uow.deals.plan(deal_id), found.net_collected,
                                               bus.clock.today()) if not found.is_cancelled else [])
