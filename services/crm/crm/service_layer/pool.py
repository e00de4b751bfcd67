"""A lead's life (C2) and the pool (公海, C5): status moves by the holder, returns to the pool (by
the holder, by the schedule, when the holder leaves or moves), and claims from it. Every move is a
row of ``lead_moves`` and an event, in the transaction of the change.

Races: a claim takes the group's lock (as distribution does) and then the lead's row, so two claims
of one lead give one winner and a rep's caps cannot be passed by claiming two leads at once. The
sweep re-checks each lead under its row lock, so a follow-up committed first keeps the lead."""

from __future__ import annotations

import uuid
from datetime import datetime

from crm.domain.deals import require_reason
from crm.domain.distribution import ensure_below_cap
from crm.domain.model import Customer, Lead, LeadAssignment, LeadMove, LeadStatus
from crm.domain.pool import ensure_may_claim, reason_text, reclaimable
from crm.service_layer import pool_commands as commands
from crm.service_layer.access import REP_DISTRIBUTORS, scope_in
from crm.service_layer.distribution import rep_cap
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.auth import Principal
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from shared.events.crm import LeadAssigned, LeadClaimed, LeadReturnedToPool, LeadStatusChanged


async def change_lead_status(command: commands.ChangeLeadStatus, bus: CrmBus) -> Lead:
    by = command.by
    reason = (command.reason or "").strip() or None
    if reason is not None:
        reason = require_reason(reason)
    async with bus.uow() as uow:
        lead = await _held_lead_for(uow, by, command.lead_id, "moving a lead through the sales stages")
        now = bus.clock.now()
        previous = lead.move_to(command.status, reason=reason, at=now)
        await uow.leads.save(lead)
        await log_move(uow, bus, lead, kind="status", from_status=previous, previous_owner=lead.owner_id, reason=reason,
                   by=by.employee_id, at=now)
        uow.emit(LeadStatusChanged(lead_id=lead.id, from_status=previous.value, to_status=lead.status.value,
                                   owner_id=lead.owner_id, group_id=lead.group_id, department_id=lead.department_id,
                                   reason=reason, changed_by=by.employee_id, changed_at=now))
        await uow.commit()
    return lead


async def update_lead_archive(command: commands.UpdateLeadArchive, bus: CrmBus) -> Lead:
    by = command.by
    if command.intent_level is None and command.needs is None:
        raise InvalidInput("intent_level", "give intent_level and/or needs")
    intent = bus.policy.ensure_known_intent(command.intent_level) if command.intent_level is not None else None
    needs = (command.needs or "").strip() or None
    if needs is not None and len(needs) > 1000:
        raise InvalidInput("needs", "at most 1000 characters")
    async with bus.uow() as uow:
        lead = await _held_lead_for(uow, by, command.lead_id, "updating a lead's archive")
        if command.intent_level is not None:
            # The intent level picks the pool's periods (C5): a change takes effect from the next sweep.
            lead.intent_level = intent
        if command.needs is not None:
            lead.needs = needs
        await uow.leads.save(lead)
        await uow.commit()
    return lead


async def release_lead(command: commands.ReleaseLead, bus: CrmBus) -> tuple[Lead, Customer]:
    """Returns the lead with its customer: once in the pool it may be out of the releasing rep's scope,
    and the answer must still say where it went."""
    by = command.by
    reason = require_reason(command.reason)
    async with bus.uow() as uow:
        lead = await _held_lead_for(uow, by, command.lead_id, "returning a lead to the pool")
        await return_to_pool(uow, bus, lead, cause="released", reason=reason, by=by.employee_id)
        customer = await uow.customers.get(lead.customer_id)
        assert customer is not None
        await uow.commit()
    return lead, customer


async def claim_lead(command: commands.ClaimLead, bus: CrmBus) -> Lead:
    by = command.by
    policy = bus.policy.pool
    if not by.has_any(*bus.policy.distribution_roles):
        raise Forbidden("claiming from the pool needs one of the roles: "
                        f"{', '.join(sorted(bus.policy.distribution_roles))}")
    async with bus.uow() as uow:
        me = await uow.directory.employee(by.employee_id)
        seen = await uow.leads.get(command.lead_id)
        # A pool is open to its group's members only; to anyone else its leads do not exist.
        if seen is None or me is None or me.status != "active" or seen.group_id is None \
                or seen.group_id != me.group_id:
            raise NotFound("no such lead in your group's pool", lead_id=str(command.lead_id))
        await uow.rotation.lock_group(seen.group_id)
        lead = await uow.leads.get(seen.id, for_update=True)
        if lead is None or lead.group_id != seen.group_id:
            raise NotFound("no such lead in your group's pool", lead_id=str(command.lead_id))
        now = bus.clock.now()
        today = bus.clock.date_of(now)
        lead.claim(by.employee_id, now)  # a Conflict when someone was first
        ensure_may_claim(rep_id=by.employee_id, lead_id=lead.id,
                         returned_by_rep_at=await uow.moves.last_returned_from(lead.id, by.employee_id), now=now,
                         claims_today=await uow.moves.claims_on(by.employee_id, today), policy=policy)
        open_leads = (await uow.leads.open_counts([by.employee_id]))[by.employee_id]
        assert lead.group_id is not None
        cap = await rep_cap(uow, bus, lead.group_id, by.employee_id)
        ensure_below_cap(by.employee_id, open_leads, cap)
        await uow.leads.save(lead)
        previous_owner = await _last_owner(uow, lead.id)
        await log_move(uow, bus, lead, kind="claimed", from_status=LeadStatus.IN_GROUP, previous_owner=previous_owner,
                   reason=None, by=by.employee_id, at=now)
        assert lead.group_id is not None
        why = f"claimed from the pool; held {open_leads} open leads of the cap {cap}"
        await uow.assignments.add(LeadAssignment(
            id=new_id(), lead_id=lead.id, level="rep", group_id=lead.group_id, rep_id=by.employee_id,
            previous_rep_id=None, assigned_by=by.employee_id, strategy="pool_claim", reason=why, assigned_at=now))
        uow.emit(LeadAssigned(lead_id=lead.id, level="rep", department_id=lead.department_id, group_id=lead.group_id,
                              rep_id=by.employee_id, previous_rep_id=None, assigned_by=by.employee_id,
                              strategy="pool_claim", reason=why, assigned_at=now))
        uow.emit(LeadClaimed(lead_id=lead.id, rep_id=by.employee_id, group_id=lead.group_id,
                             department_id=lead.department_id, previous_owner_id=previous_owner, claimed_at=now))
        await uow.commit()
    return lead


async def reclaim_idle_leads(command: commands.ReclaimIdleLeads, bus: CrmBus) -> list[uuid.UUID]:
    """One transaction per lead, so that one busy lead never holds back the rest of the batch."""
    policy, now = bus.policy.pool, bus.clock.now()
    async with bus.uow() as uow:
        candidates = await uow.leads.due_by(now, policy, limit=bus.policy.reclaim_batch)
    returned = []
    for lead_id in candidates:
        async with bus.uow() as uow:
            lead = await uow.leads.get(lead_id, for_update=True)
            due = reclaimable(lead, policy, now) if lead is not None else None
            if lead is None or due is None:
                continue
            await return_to_pool(uow, bus, lead, cause=due.rule,
                                 reason=reason_text(due.rule, policy, lead.intent_level), by=None)
            await uow.commit()
            returned.append(lead_id)
    return returned


async def return_leads_of(uow: CrmUnitOfWork, bus: CrmBus, rep_id: uuid.UUID, *, group_id: uuid.UUID | None,
                          cause: str, reason: str | None) -> list[Lead]:
    """Inside the consumer's transaction: a rep who left (or moved out of ``group_id``) keeps nothing."""
    leads = await uow.leads.held_by(rep_id, group_id=group_id)
    for lead in leads:
        await return_to_pool(uow, bus, lead, cause=cause, reason=reason, by=None)
    return leads


async def return_to_pool(uow: CrmUnitOfWork, bus: CrmBus, lead: Lead, *, cause: str, reason: str | None,
                         by: uuid.UUID | None) -> None:
    now = bus.clock.now()
    from_status = lead.status
    previous = lead.return_to_pool(now)
    await uow.leads.save(lead)
    # The former holder's plans for it go with it: nobody's overdue list shows a lead they lost.
    await uow.follow_ups.cancel_planned(lead.id, f"the lead returned to the pool ({cause})")
    await log_move(uow, bus, lead, kind="returned", from_status=from_status, previous_owner=previous,
               reason=reason or cause, by=by, at=now)
    uow.emit(LeadReturnedToPool(lead_id=lead.id, previous_owner_id=previous, group_id=lead.group_id,
                                department_id=lead.department_id, cause=cause, reason=reason, returned_by=by,
                                returned_at=now))


async def _held_lead_for(uow: CrmUnitOfWork, by: Principal, lead_id: uuid.UUID, action: str) -> Lead:
    scope = await scope_in(uow, by)
    lead = await uow.leads.get(lead_id, for_update=True)
    if lead is None or not scope.sees(owner_id=lead.owner_id, group_id=lead.group_id,
                                      department_id=lead.department_id):
        raise NotFound("no such lead", lead_id=str(lead_id))
    if lead.owner_id != by.employee_id and not by.has_any(*REP_DISTRIBUTORS):
        raise Forbidden(f"{action} is for the rep who holds the lead or their leader", lead_id=str(lead_id))
    if not lead.is_held:
        raise RuleViolation(f"the lead is {lead.status.value}: no rep holds it", lead_id=str(lead.id),
                            lead_status=lead.status.value)
    return lead


async def _last_owner(uow: CrmUnitOfWork, lead_id: uuid.UUID) -> uuid.UUID | None:
    returns = [move for move in await uow.moves.for_lead(lead_id) if move.kind == "returned"]
    return returns[-1].previous_owner_id if returns else None


async def log_move(uow: CrmUnitOfWork, bus: CrmBus, lead: Lead, *, kind: str, from_status: LeadStatus,
               previous_owner: uuid.UUID | None, reason: str | None, by: uuid.UUID | None, at: datetime) -> None:
    await uow.moves.add(LeadMove(id=new_id(), lead_id=lead.id, kind=kind, from_status=from_status.value,
                                 to_status=lead.status.value, owner_id=lead.owner_id, previous_owner_id=previous_owner,
                                 group_id=lead.group_id, reason=reason, by=by, at=at, on_day=bus.clock.date_of(at)))


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.ChangeLeadStatus: change_lead_status,
    commands.ReleaseLead: release_lead,
    commands.ClaimLead: claim_lead,
    commands.ReclaimIdleLeads: reclaim_idle_leads,
    commands.UpdateLeadArchive: update_lead_archive,
}
