"""Merging two records of one customer (C3). Only someone who sees every lead of both records may
merge them (a department's manager for a customer worked only in their department, the sales
director or an admin otherwise): a merge moves leads, deals, follow-ups, complaints and logs, and
whoever moves them must be entitled to all of them. Both records are locked in id order first, so
that two merges of the same pair, or a merge and a new lead linked to the dropped record, give one
outcome."""

from __future__ import annotations

from dataclasses import dataclass

from crm.adapters.merges import MergeRecord
from crm.domain.merge import FieldChoice, audit, choose
from crm.domain.model import Lead
from crm.service_layer.access import require, scope_in
from crm.service_layer.merge_commands import MergeCustomers
from crm.service_layer.unit_of_work import CrmBus
from shared.auth import Role
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.events.crm import CustomerMerged

MERGERS = (*Role.DEPARTMENT_WIDE, Role.SALES_DIRECTOR, Role.ADMIN)


@dataclass(frozen=True)
class MergeOutcome:
    record: MergeRecord
    choices: list[FieldChoice]
    leads: list[Lead]  # every lead of the merged customer
    # More than one rep holds a lead of the customer now: the one-customer-one-rep rule (C3) asks the
    # manager to reassign; the merge says so rather than choosing for them.
    warnings: list[str]


async def merge_customers(command: MergeCustomers, bus: CrmBus) -> MergeOutcome:
    by = command.by
    require(by, MERGERS, "merging customer records")
    if command.keep_id == command.other_id:
        raise InvalidInput("other_id", "a customer record cannot be merged with itself")
    take = list(dict.fromkeys(command.take))
    async with bus.uow() as uow:
        scope = await scope_in(uow, by)
        found = await uow.merges.lock([command.keep_id, command.other_id])
        leads = await uow.merges.leads_of([command.keep_id, command.other_id])
        for customer_id, field in ((command.keep_id, "customer_id"), (command.other_id, "other_id")):
            theirs = [lead for lead in leads if lead.customer_id == customer_id]
            seen = [lead for lead in theirs
                    if scope.sees(owner_id=lead.owner_id, group_id=lead.group_id, department_id=lead.department_id)]
            # A record the caller sees nothing of answers as if it did not exist.
            if customer_id not in found or not (scope.everything or seen):
                raise NotFound("no such customer", field=field, customer_id=str(customer_id))
            if len(seen) < len(theirs):
                raise Forbidden("a lead of this customer is outside your scope: someone who sees all of them "
                                "merges the records", field=field, customer_id=str(customer_id))
        kept = await uow.customers.get(command.keep_id)
        dropped = await uow.customers.get(command.other_id)
        kept_credit = await uow.credit.get(command.keep_id)
        dropped_credit = await uow.credit.get(command.other_id)
        assert kept and dropped and kept_credit and dropped_credit

        def values(customer, credit) -> dict:
            has_credit = credit.rating is not None or credit.flag is not None
            return {"name": customer.name, "phone": customer.phone, "email": customer.email,
                    "company": customer.company,
                    "credit": {"rating": credit.rating, "flag": credit.flag, "reason": credit.reason}
                    if has_credit else None}

        choices = choose(values(kept, kept_credit), values(dropped, dropped_credit), take)
        update: dict = {}
        for choice in choices:
            if choice.source != "dropped":
                continue
            if choice.field == "credit":
                update |= {"credit_rating": dropped_credit.rating, "credit_flag": dropped_credit.flag,
                           "credit_reason": dropped_credit.reason, "credit_changed_by": dropped_credit.changed_by,
                           "credit_changed_at": dropped_credit.changed_at}
            else:
                update[choice.field] = choice.value
        now = bus.clock.now()
        moved = await uow.merges.move_references(command.other_id, command.keep_id)
        await uow.merges.replace(command.other_id, command.keep_id, update)
        record = MergeRecord(id=new_id(), kept_id=command.keep_id, dropped_id=command.other_id,
                             fields=audit(choices), moved=moved, merged_by=by.employee_id, merged_at=now)
        await uow.merges.add(record)
        uow.emit(CustomerMerged(merge_id=record.id, kept_customer_id=command.keep_id,
                                dropped_customer_id=command.other_id,
                                lead_ids=[lead.id for lead in leads if lead.customer_id == command.other_id],
                                merged_by=by.employee_id, merged_at=now))
        await uow.commit()
    holders = sorted({str(lead.owner_id) for lead in leads if lead.is_held})
    warnings = [f"{len(holders)} reps now hold leads of this customer ({', '.join(holders)}): "
                "reassign so that one rep works it"] if len(holders) > 1 else []
    return MergeOutcome(record=record, choices=choices, leads=leads, warnings=warnings)


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    MergeCustomers: merge_customers,
}
