"""A customer's request not to be called (T6): recorded on one of their leads by someone who sees
it (the rep holding it, their leader, the department's managers, admins), once per customer and
number, and
announced to telesales as ``crm.customer.do_not_call_requested.v1``. The event names the number
only by its keyed digest (shared.phones.phone_digest): events never carry contact details (C10)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from crm.adapters.do_not_call import DoNotCallRequest
from crm.domain.do_not_call import DigestKeys
from crm.domain.model import Lead
from crm.service_layer.access import LEAD_CREATORS, require, scope_in
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.auth import Principal
from shared.bus import CommandHandler
from shared.errors import NotFound, RuleViolation
from shared.events.crm import CustomerDoNotCallRequested
from shared.phones import phone_digest

# Whoever may work a lead may pass on what its customer asked; HR and finance have no calls to stop.
REQUEST_RECORDERS = LEAD_CREATORS


@dataclass(frozen=True)
class RecordDoNotCallRequest:
    by: Principal
    lead_id: uuid.UUID
    note: str | None = None


@dataclass(frozen=True)
class Recorded:
    request: DoNotCallRequest
    # False when the customer had asked already: the first request stands, nothing is announced again.
    new: bool


async def record_request(command: RecordDoNotCallRequest, bus: CrmBus) -> Recorded:
    require(command.by, REQUEST_RECORDERS, "recording a customer's request not to be called")
    async with bus.uow() as uow:
        lead = await _visible_lead(uow, command.by, command.lead_id)
        customer = await uow.customers.get(lead.customer_id)
        if customer is None:
            raise NotFound("no such lead", lead_id=str(command.lead_id))
        if not customer.phone:
            raise RuleViolation("the customer has no phone number to stop calling", customer_id=str(customer.id))
        # During a key rotation the number has a name under each key telesales may be using.
        current, *previous = digests(bus.policy.digest_keys(), customer.phone)
        existing = await uow.do_not_call.first_of(customer.id, (current, *previous))
        if existing is not None:
            return Recorded(existing, new=False)
        request = DoNotCallRequest(customer_id=customer.id, phone_digest=current, lead_id=lead.id,
                                   note=(command.note or "").strip() or None, requested_by=command.by.employee_id,
                                   requested_at=bus.clock.now())
        if not await uow.do_not_call.add(request):
            existing = await uow.do_not_call.get(customer.id, current)
            assert existing is not None
            return Recorded(existing, new=False)
        # Telesales still on a previous key hears it under that key first; the current key's name follows
        # as its re-announcement, so that telesales' switch finds it listed and it counts once.
        for digest in previous:
            named = replace(request, phone_digest=digest)
            if await uow.do_not_call.add(named):
                uow.emit(announcement(named))
        uow.emit(announcement(request, replaces_digest=previous[0] if previous else None))
        await uow.commit()
    return Recorded(request, new=True)


def digests(keys: DigestKeys, phone: str) -> tuple[str, ...]:
    """The number's digest under every key telesales may be using, the current key's first."""
    return tuple(phone_digest(phone, key) for key in keys.all())


def announcement(request: DoNotCallRequest, replaces_digest: str | None = None) -> CustomerDoNotCallRequested:
    return CustomerDoNotCallRequested(
        customer_id=request.customer_id, lead_id=request.lead_id, phone_digest=request.phone_digest,
        requested_by=request.requested_by, requested_at=request.requested_at, replaces_digest=replaces_digest)


async def request_of_lead(bus: CrmBus, viewer: Principal, lead_id: uuid.UUID) -> DoNotCallRequest | None:
    """The request standing for the lead's customer's current number."""
    async with bus.uow() as uow:
        lead = await _visible_lead(uow, viewer, lead_id)
        customer = await uow.customers.get(lead.customer_id)
        if customer is None or not customer.phone:
            return None
        return await uow.do_not_call.first_of(customer.id, digests(bus.policy.digest_keys(), customer.phone))


async def _visible_lead(uow: CrmUnitOfWork, by: Principal, lead_id: uuid.UUID) -> Lead:
    scope = await scope_in(uow, by)
    lead = await uow.leads.get(lead_id)
    # Another rep's lead is as absent as a lead that does not exist.
    if lead is None or not scope.sees(owner_id=lead.owner_id, group_id=lead.group_id,
                                      department_id=lead.department_id):
        raise NotFound("no such lead", lead_id=str(lead_id))
    return lead


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    RecordDoNotCallRequest: record_request,
}
