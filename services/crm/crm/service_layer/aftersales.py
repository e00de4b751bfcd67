"""What a signed deal starts in crm (C7, C8): whether it wins a new customer, and the two after-sales
follow-ups, planned as follow-up plans (C6) for the deal's rep so that they appear in the overdue lists."""

from __future__ import annotations

from datetime import datetime

from crm.domain.aftersales import after_sales_plan, require_window_open, second_due_after_first
from crm.domain.deals import Deal
from crm.domain.followups import FOLLOW_UP_AFTER_SALES, FollowUp, FollowUpStatus
from crm.domain.model import Lead
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.db import new_id


async def wins_new_customer(uow: CrmUnitOfWork, deal: Deal) -> bool:
    """True when the deal about to be added is its customer's first won deal (no other active deal: a
    cancelled one never won the customer). Call it before adding the deal: it takes the customer's lock
    first, as the deal's own foreign key would otherwise hold a share lock that two deals deadlock on."""
    await uow.after_sales.lock_customer(deal.customer_id)
    return not await uow.after_sales.has_other_active_deal(deal.customer_id, deal.id)


async def plan_after_sales(uow: CrmUnitOfWork, bus: CrmBus, deal: Deal, lead: Lead | None, *,
                           by, at: datetime) -> None:
    """The two after-sales follow-ups of a deal just added, for its rep on its lead (or the customer's). The won
    lead's own plans go: it is no longer worked, and a plan on it could never be done."""
    if lead is not None:
        await uow.follow_ups.cancel_planned(lead.id, "the lead was won: after-sales follow-ups take over")
    anchor = lead or await uow.leads.holder_of(deal.customer_id)
    assert anchor is not None  # a deal is recorded on a lead or on a customer the caller sees a lead of
    policy = bus.policy.after_sales
    plan = after_sales_plan(deal.signed_on, policy, bus.clock.timezone)
    for number, due_at, content in (
            (1, plan.first_due, f"after-sales follow-up 1 of deal {deal.id}: from {plan.first_from.isoformat()}, "
                                f"by {bus.clock.date_of(plan.first_due).isoformat()}"),
            (2, plan.second_due, f"after-sales follow-up 2 of deal {deal.id}: within "
                                 f"{policy.second_within_days} days after the first")):
        await uow.follow_ups.add(FollowUp(
            id=new_id(), lead_id=anchor.id, rep_id=deal.rep_id, group_id=deal.group_id,
            department_id=deal.department_id or anchor.department_id, due_at=due_at, method=policy.method,
            content=content, goal="the customer is satisfied with the purchase" if number == 1 else None,
            status=FollowUpStatus.PLANNED, created_by=by, created_at=at, kind=FOLLOW_UP_AFTER_SALES,
            deal_id=deal.id))


async def may_do_after_sales(uow: CrmUnitOfWork, bus: CrmBus, follow_up: FollowUp, at: datetime) -> None:
    """Refuses an after-sales follow-up done before its deal's first window opens (C7)."""
    if follow_up.deal_id is None or follow_up.status is not FollowUpStatus.PLANNED:
        return  # one already done or cancelled is refused as such by the follow-up itself
    deal = await uow.deals.get(follow_up.deal_id)
    assert deal is not None  # an after-sales follow-up is planned with its deal, which is never deleted
    require_window_open(bus.clock.date_of(at), deal.signed_on, bus.policy.after_sales)


async def after_sales_done(uow: CrmUnitOfWork, bus: CrmBus, follow_up: FollowUp, at: datetime) -> None:
    """The first after-sales follow-up done re-times the second: within N days after it (C7)."""
    if follow_up.deal_id is None:
        return
    for following in await uow.after_sales.planned_for_deal(follow_up.deal_id):
        if following.due_at <= follow_up.due_at:
            continue  # the second done before the first leaves the first as it was
        due_at = second_due_after_first(bus.clock.date_of(at), bus.policy.after_sales, bus.clock.timezone)
        if due_at != following.due_at:
            following.due_at = due_at
            await uow.follow_ups.save(following)
        return


async def deal_cancelled(uow: CrmUnitOfWork, deal: Deal) -> None:
    await uow.after_sales.cancel_for_deal(deal.id, "the deal was cancelled")
