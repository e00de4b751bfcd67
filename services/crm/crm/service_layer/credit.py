"""Customer credit (C11): leaders, managers, finance and admins rate a customer of whom they see a
lead, and flag or clear it with a reason; each change is logged. Reads: the flagged customers for
the weekly report, a customer's credit with its history, and the warnings a new deal carries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from crm.adapters.repositories import FlaggedCustomer
from crm.domain.credit import Credit, CreditChange, change_credit, deal_warnings
from crm.service_layer.access import REP_DISTRIBUTORS, require, scope_in
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.auth import Principal, Role
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import NotFound

CREDIT_RATERS = (*REP_DISTRIBUTORS, Role.FINANCE)
MAX_FLAGGED = 1000


@dataclass(frozen=True)
class SetCustomerCredit:
    by: Principal
    customer_id: uuid.UUID
    reason: str
    rating: str | None = None
    flag: str | None = None
    clear_flag: bool = False


async def set_customer_credit(command: SetCustomerCredit, bus: CrmBus) -> Credit:
    by = command.by
    require(by, CREDIT_RATERS, "rating a customer's credit")
    async with bus.uow() as uow:
        current = await _visible_credit(uow, by, command.customer_id, for_update=True)
        now = bus.clock.now()
        credit = change_credit(current, rating=command.rating, flag=command.flag, clear_flag=command.clear_flag,
                               reason=command.reason, ratings=bus.policy.credit_ratings, flags=bus.policy.credit_flags,
                               by=by.employee_id, at=now)
        assert credit.reason is not None
        await uow.credit.save(command.customer_id, credit, CreditChange(
            id=new_id(), customer_id=command.customer_id, rating=credit.rating, flag=credit.flag,
            reason=credit.reason, changed_by=by.employee_id, changed_at=now))
        await uow.commit()
    return credit


async def customer_credit(bus: CrmBus, viewer: Principal, customer_id: uuid.UUID
                          ) -> tuple[Credit, list[CreditChange]]:
    async with bus.uow() as uow:
        credit = await _visible_credit(uow, viewer, customer_id)
        return credit, await uow.credit.history(customer_id)


async def flagged_customers(bus: CrmBus, viewer: Principal) -> list[FlaggedCustomer]:
    async with bus.uow() as uow:
        return await uow.credit.flagged(await scope_in(uow, viewer), limit=MAX_FLAGGED)


async def warnings_for_deal(bus: CrmBus, customer_id: uuid.UUID) -> list[str]:
    """Read after the deal was recorded by someone who could see the customer."""
    async with bus.uow() as uow:
        credit = await uow.credit.get(customer_id)
    return deal_warnings(credit) if credit else []


async def _visible_credit(uow: CrmUnitOfWork, by: Principal, customer_id: uuid.UUID, *,
                          for_update: bool = False) -> Credit:
    if not await uow.leads.any_visible_of_customer(customer_id, await scope_in(uow, by)):
        raise NotFound("no such customer", customer_id=str(customer_id))
    credit = await uow.credit.get(customer_id, for_update=for_update)
    if credit is None:
        raise NotFound("no such customer", customer_id=str(customer_id))
    return credit


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    SetCustomerCredit: set_customer_credit,
}
