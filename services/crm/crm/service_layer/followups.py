"""Follow-up plans (C6). Planning and doing one lock the lead's row, as the pool's sweep does: a
follow-up done before the sweep reaches the lead keeps it with its rep (the sweep re-checks), and one
done after it is refused (the lead is no longer theirs) — one outcome, never both."""

from __future__ import annotations

import uuid

from crm.domain.deals import require_reason
from crm.domain.followups import FollowUp, FollowUpStatus, planned_fields
from crm.domain.model import Lead
from crm.service_layer import followup_commands as commands
from crm.service_layer.access import REP_DISTRIBUTORS, scope_in
from crm.service_layer.aftersales import after_sales_done, may_do_after_sales
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.auth import Principal
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from shared.events.crm import FollowUpDone


async def plan_follow_up(command: commands.PlanFollowUp, bus: CrmBus) -> FollowUp:
    by = command.by
    async with bus.uow() as uow:
        lead = await _lead_for(uow, by, command.lead_id)
        follow_up = await _plan(uow, bus, lead, command.plan, by=by, field_prefix="")
        await uow.commit()
    return follow_up


async def complete_follow_up(command: commands.CompleteFollowUp, bus: CrmBus) -> tuple[FollowUp, FollowUp | None]:
    by = command.by
    outcome = (command.outcome or "").strip()
    if not outcome:
        raise InvalidInput("outcome", "say how the follow-up went")
    async with bus.uow() as uow:
        seen = await _follow_up_for(uow, by, command.follow_up_id, for_update=False)
        # The lead's lock first, then the plan's: the order the pool's sweep takes them in (it cancels the
        # lead's plans), so that the two never wait on each other crosswise.
        lead = await uow.leads.get(seen.lead_id, for_update=True)
        assert lead is not None
        follow_up = await uow.follow_ups.get(seen.id, for_update=True)
        assert follow_up is not None
        still_held = lead.owner_id == follow_up.rep_id and lead.is_held
        # After-sales follow-ups (C7) are on a won lead, with the deal's rep: no holder to check.
        if not still_held and not follow_up.after_sales:
            raise RuleViolation("the lead is no longer with the rep who planned this follow-up",
                                follow_up_id=str(follow_up.id), lead_id=str(lead.id))
        if command.next and not still_held:
            raise InvalidInput("next", "the lead is closed: its after-sales follow-ups are already planned")
        now = bus.clock.now()
        if follow_up.after_sales:
            await may_do_after_sales(uow, bus, follow_up, now)
        follow_up.done(outcome=outcome, at=now)
        await uow.follow_ups.save(follow_up)
        if still_held:
            lead.followed_up(now)
            await uow.leads.save(lead)
        if follow_up.after_sales:
            await after_sales_done(uow, bus, follow_up, now)
        uow.emit(FollowUpDone(follow_up_id=follow_up.id, lead_id=lead.id, customer_id=lead.customer_id,
                              rep_id=follow_up.rep_id, group_id=follow_up.group_id,
                              department_id=follow_up.department_id, method=follow_up.method,
                              planned_for=follow_up.due_at, done_at=now, done_on=bus.clock.date_of(now),
                              on_time=bus.clock.date_of(now) <= bus.clock.date_of(follow_up.due_at)))
        following = await _plan(uow, bus, lead, command.next, by=by, field_prefix="next.") if command.next else None
        await uow.commit()
    return follow_up, following


async def cancel_follow_up(command: commands.CancelFollowUp, bus: CrmBus) -> FollowUp:
    reason = require_reason(command.reason)
    async with bus.uow() as uow:
        follow_up = await _follow_up_for(uow, command.by, command.follow_up_id)
        follow_up.cancel(reason)
        await uow.follow_ups.save(follow_up)
        await uow.commit()
    return follow_up


async def _plan(uow: CrmUnitOfWork, bus: CrmBus, lead: Lead, plan: commands.NextFollowUp, *, by: Principal,
                field_prefix: str) -> FollowUp:
    now = bus.clock.now()
    due_at, method, content, goal = planned_fields(due_at=plan.due_at, method=plan.method, content=plan.content,
                                                   goal=plan.goal, methods=bus.policy.follow_up_methods, now=now,
                                                   horizon_days=bus.policy.follow_up_horizon_days,
                                                   field_prefix=field_prefix)
    assert lead.owner_id is not None
    follow_up = FollowUp(id=new_id(), lead_id=lead.id, rep_id=lead.owner_id, group_id=lead.group_id,
                         department_id=lead.department_id, due_at=due_at, method=method, content=content, goal=goal,
                         status=FollowUpStatus.PLANNED, created_by=by.employee_id, created_at=now)
    await uow.follow_ups.add(follow_up)
    return follow_up


async def _lead_for(uow: CrmUnitOfWork, by: Principal, lead_id: uuid.UUID) -> Lead:
    scope = await scope_in(uow, by)
    lead = await uow.leads.get(lead_id, for_update=True)
    if lead is None or not scope.sees(owner_id=lead.owner_id, group_id=lead.group_id,
                                      department_id=lead.department_id):
        raise NotFound("no such lead", lead_id=str(lead_id))
    if lead.owner_id != by.employee_id and not by.has_any(*REP_DISTRIBUTORS):
        raise Forbidden("follow-ups are planned by the rep who holds the lead or their leader", lead_id=str(lead_id))
    if not lead.is_held:
        raise RuleViolation(f"the lead is {lead.status.value}: only a lead a rep holds is followed up",
                            lead_id=str(lead.id), lead_status=lead.status.value)
    return lead


async def _follow_up_for(uow: CrmUnitOfWork, by: Principal, follow_up_id: uuid.UUID, *,
                         for_update: bool = True) -> FollowUp:
    scope = await scope_in(uow, by)
    follow_up = await uow.follow_ups.get(follow_up_id, for_update=for_update)
    if follow_up is None or not scope.sees(owner_id=follow_up.rep_id, group_id=follow_up.group_id,
                                           department_id=follow_up.department_id):
        raise NotFound("no such follow-up", follow_up_id=str(follow_up_id))
    if follow_up.rep_id != by.employee_id and not by.has_any(*REP_DISTRIBUTORS):
        raise Forbidden("a follow-up is done by the rep it belongs to", follow_up_id=str(follow_up_id))
    return follow_up


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.PlanFollowUp: plan_follow_up,
    commands.CompleteFollowUp: complete_follow_up,
    commands.CancelFollowUp: cancel_follow_up,
}
