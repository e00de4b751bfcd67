"""Use cases of the crm service. Each one opens a unit of work, checks scope and rules, changes
state, records its events and commits once; an error anywhere before the commit leaves nothing
behind. A CSV import is one unit of work per row: each valid row is its own effect."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from crm.domain.contacts import normalise_email, normalise_phone
from crm.domain.deals import Deal, Payment
from crm.domain.dedupe import (
    Holder,
    LinkTo,
    NewCustomer,
    OnDuplicate,
    Refuse,
    decide,
    duplicate_conflict,
    duplicate_elsewhere,
)
from crm.domain.distribution import ensure_below_cap
from crm.domain.model import ContactDisclosure, Customer, Lead, LeadStatus
from crm.domain.money import money, positive_money
from crm.domain.policy import CrmPolicy
from crm.domain.strategies import manual_reason
from crm.domain.visibility import Scope, sees_contact
from crm.service_layer import commands
from crm.service_layer.access import (
    DEAL_RECORDERS,
    GROUP_DISTRIBUTORS,
    LEAD_CREATORS,
    LEAD_IMPORTERS,
    PAYMENT_RECORDERS,
    REP_DISTRIBUTORS,
    SELLING_ROLES,
    require,
    scope_in,
)
from crm.service_layer.aftersales import plan_after_sales, wins_new_customer
from crm.service_layer.complaints import COMMAND_HANDLERS as COMPLAINT_COMMAND_HANDLERS
from crm.service_layer.credit import COMMAND_HANDLERS as CREDIT_COMMAND_HANDLERS
from crm.service_layer.distribution import COMMAND_HANDLERS as DISTRIBUTION_COMMAND_HANDLERS
from crm.service_layer.distribution import ensure_distributes_in, record_assignment, rep_cap
from crm.service_layer.do_not_call import COMMAND_HANDLERS as DO_NOT_CALL_COMMAND_HANDLERS
from crm.service_layer.do_not_call_rotation import COMMAND_HANDLERS as DO_NOT_CALL_ROTATION_COMMAND_HANDLERS
from crm.service_layer.exports import COMMAND_HANDLERS as EXPORT_COMMAND_HANDLERS
from crm.service_layer.followups import COMMAND_HANDLERS as FOLLOW_UP_COMMAND_HANDLERS
from crm.service_layer.merges import COMMAND_HANDLERS as MERGE_COMMAND_HANDLERS
from crm.service_layer.pool import COMMAND_HANDLERS as POOL_COMMAND_HANDLERS
from crm.service_layer.pool import log_move
from crm.service_layer.project_assignments import COMMAND_HANDLERS as PROJECT_ASSIGNMENT_COMMAND_HANDLERS
from crm.service_layer.projects import COMMAND_HANDLERS as PROJECT_COMMAND_HANDLERS
from crm.service_layer.receivables import COMMAND_HANDLERS as RECEIVABLE_COMMAND_HANDLERS
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from crm.service_layer.visits import COMMAND_HANDLERS as VISIT_COMMAND_HANDLERS
from shared.auth import Principal, Role
from shared.bus import CommandHandler, refuses_duplicates
from shared.db import new_id
from shared.errors import AppError, Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from shared.events.crm import DealWon, LeadCreated, PaymentReceived

# The handlers find duplicates first and name the holder; these catch a duplicate that a
# concurrent request committed between that check and the insert.
_UNIQUE_CONSTRAINTS = {
    "uq_customers_phone": ("phone", "a customer with this phone number was created at the same moment; "
                                    "retry, with ?on_duplicate=link to add the lead to it"),
    "uq_customers_email": ("email", "a customer with this e-mail address was created at the same moment; "
                                    "retry, with ?on_duplicate=link to add the lead to it"),
}


# --- leads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewLead:
    """A lead's fields, validated and normalised."""

    name: str
    source: str
    phone: str | None
    email: str | None
    company: str | None
    intent_level: str | None


@dataclass(frozen=True)
class LeadOutcome:
    lead: Lead
    customer: Customer
    linked: bool  # added to a customer that was already known (C3)


def new_lead(policy: CrmPolicy, *, name: str | None, source: str | None, phone: str | None, email: str | None,
             company: str | None, intent_level: str | None) -> NewLead:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("name", "a customer needs a name")
    if len(name) > 200:
        raise InvalidInput("name", "at most 200 characters")
    if not source or not source.strip():
        raise InvalidInput("source", "every lead records its source")
    phone = normalise_phone(phone) if phone and phone.strip() else None
    email = normalise_email(email) if email and email.strip() else None
    if phone is None and email is None:
        raise InvalidInput("phone", "a lead needs a phone number or an e-mail address")
    company = (company or "").strip() or None
    if company is not None and len(company) > 200:
        raise InvalidInput("company", "at most 200 characters")
    return NewLead(name=name, source=policy.ensure_known_source(source), phone=phone, email=email,
                   company=company, intent_level=policy.ensure_known_intent(intent_level))


async def create_lead(command: commands.CreateLead, bus: CrmBus) -> LeadOutcome:
    require(command.by, LEAD_CREATORS, "creating a lead")
    fields = new_lead(bus.policy, name=command.name, source=command.source, phone=command.phone,
                      email=command.email, company=command.company, intent_level=command.intent_level)
    department_id = _department_for(command.by, command.department_id)
    return await _admit(_Admission(fields, department_id, command.by, command.on_duplicate), bus)


@dataclass(frozen=True)
class RowRefusal:
    row: int
    field: str
    reason: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    created: list[tuple[int, LeadOutcome]] = field(default_factory=list)
    linked: list[tuple[int, LeadOutcome]] = field(default_factory=list)
    refused: list[RowRefusal] = field(default_factory=list)


async def import_leads(command: commands.ImportLeads, bus: CrmBus) -> ImportReport:
    require(command.by, LEAD_IMPORTERS, "importing leads")
    if len(command.rows) > bus.policy.import_max_rows:
        raise InvalidInput("file", f"{len(command.rows)} rows; at most {bus.policy.import_max_rows} per import")
    department_id = _department_for(command.by, command.department_id)
    report = ImportReport()
    for row in command.rows:
        values = row.values
        try:
            fields = new_lead(bus.policy, name=values.get("name"), source=values.get("source") or
                              command.default_source, phone=values.get("phone"), email=values.get("email"),
                              company=values.get("company"), intent_level=values.get("intent_level"))
            outcome = await _admit(_Admission(fields, department_id, command.by, command.on_duplicate), bus)
        except (InvalidInput, Conflict) as refusal:
            report.refused.append(_row_refusal(row.row, refusal))
            continue
        (report.linked if outcome.linked else report.created).append((row.row, outcome))
    return report


@dataclass(frozen=True)
class _Admission:
    fields: NewLead
    department_id: uuid.UUID
    by: Principal
    on_duplicate: OnDuplicate


@refuses_duplicates(_UNIQUE_CONSTRAINTS)
async def _admit(admission: _Admission, bus: CrmBus) -> LeadOutcome:
    async with bus.uow() as uow:
        outcome = await _add_lead(uow, bus, admission)
        await uow.commit()
    return outcome


def _row_refusal(row: int, error: AppError) -> RowRefusal:
    extra = dict(error.extra)
    if isinstance(error, InvalidInput):
        first = extra["errors"][0]
        return RowRefusal(row=row, field=first["field"], reason=first["reason"])
    field_name = str(extra.pop("field", "") or "row")
    return RowRefusal(row=row, field=field_name, reason=error.detail, details=extra)


async def _add_lead(uow: CrmUnitOfWork, bus: CrmBus, admission: _Admission) -> LeadOutcome:
    fields, by, now = admission.fields, admission.by, bus.clock.now()
    decision = decide(await uow.customers.id_by_phone(fields.phone), await uow.customers.id_by_email(fields.email),
                      admission.on_duplicate)
    if isinstance(decision, Refuse):
        raise duplicate_conflict(decision, await _holder(uow, decision.customer_id))

    holder: Lead | None = None
    if isinstance(decision, NewCustomer):
        customer = Customer(id=new_id(), name=fields.name, phone=fields.phone, email=fields.email,
                            company=fields.company, created_by=by.employee_id, created_at=now)
        await uow.customers.add(customer)
    else:
        assert isinstance(decision, LinkTo)
        if not await uow.leads.any_visible_of_customer(decision.customer_id, await scope_in(uow, by)):
            # Linking would hand back the name and company of a customer the caller may not see (C10).
            raise duplicate_elsewhere(decision)
        known = await uow.customers.get(decision.customer_id, for_share=True)
        if known is None:
            raise Conflict("the customer was merged into another record at this moment; retry",
                           field=decision.matched_on[0])
        customer = known
        holder = await uow.leads.holder_of(customer.id)

    lead = Lead(id=new_id(), customer_id=customer.id, source=fields.source, status=LeadStatus.NEW,
                department_id=admission.department_id, created_by=by.employee_id, created_at=now,
                intent_level=fields.intent_level)
    strategy = reason = None
    if holder is not None:
        lead.follow(holder, now)
        strategy = "duplicate_link"
        reason = "linked to a known customer, who stays with its holder (one customer, one rep)"
    elif by.has_any(*SELLING_ROLES) and by.group_id is not None:
        lead.found_by(by.employee_id, by.group_id, now)
        strategy, reason = "self", "own prospecting: the rep who found the lead works it"
    elif by.has_any(Role.GROUP_LEADER) and by.group_id is not None:
        lead.place_in_group(by.group_id, now)
        strategy, reason = "created_in_group", "brought in by the group's leader: into the group's pool"

    await uow.leads.add(lead)
    uow.emit(LeadCreated(lead_id=lead.id, customer_id=customer.id, source=lead.source,
                         department_id=lead.department_id, created_by=by.employee_id, created_at=now))
    if strategy is not None and lead.group_id is not None:
        level = "rep" if lead.owner_id is not None else "group"
        await record_assignment(uow, lead, level=level, strategy=strategy, by=by.employee_id, reason=reason,
                                 previous_rep_id=None, at=now)
    return LeadOutcome(lead=lead, customer=customer, linked=isinstance(decision, LinkTo))


async def _holder(uow: CrmUnitOfWork, customer_id: uuid.UUID) -> Holder | None:
    lead = await uow.leads.holder_of(customer_id)
    if lead is None:
        return None
    owner = await uow.directory.employee(lead.owner_id) if lead.owner_id else None
    return Holder(owner_id=lead.owner_id, owner_name=owner.name if owner else None, group_id=lead.group_id,
                  department_id=lead.department_id)


def _department_for(by: Principal, requested: uuid.UUID | None) -> uuid.UUID:
    if requested is not None and requested != by.department_id and not by.is_company_wide:
        raise Forbidden("leads can only be brought into your own department", department_id=str(requested))
    department_id = requested or by.department_id
    if department_id is None:
        raise InvalidInput("department_id", "the caller belongs to no department: name the lead's department")
    return department_id


# --- distribution (C4) ---------------------------------------------------------------------------


async def assign_lead_to_group(command: commands.AssignLeadToGroup, bus: CrmBus) -> Lead:
    by = command.by
    require(by, GROUP_DISTRIBUTORS, "assigning a lead to a group")
    async with bus.uow() as uow:
        lead = await _visible_lead(uow, by, command.lead_id, for_update=True)
        if not by.is_company_wide and lead.department_id != by.department_id:
            raise Forbidden("a manager distributes the leads of their own department", lead_id=str(lead.id))
        group = await uow.directory.group(command.group_id)
        if group is None:
            raise NotFound("no such group", field="group_id", group_id=str(command.group_id))
        if group.department_id != lead.department_id:
            raise InvalidInput("group_id", "the group belongs to another department than the lead")
        if lead.group_id == group.group_id and lead.status is LeadStatus.IN_GROUP:
            raise RuleViolation("the lead is already in this group's pool", lead_id=str(lead.id),
                                group_id=str(group.group_id))
        _ensure_not_taken(lead, command.reassign, level="group")
        load = (await uow.distribution.group_loads([group.group_id]))[group.group_id]
        now = bus.clock.now()
        previous = lead.place_in_group(group.group_id, now)
        await uow.leads.save(lead)
        # A group's cap binds the automatic distribution; by hand the manager decides, knowing the load.
        own = (await uow.distribution.setting("department", group.department_id)).members.get(group.group_id)
        reason = manual_reason(command.reason, name=f"group {group.name}", open_leads=load,
                               cap=own.cap if own else None)
        await record_assignment(uow, lead, level="group", strategy="manual", by=by.employee_id,
                                reason=reason, previous_rep_id=previous, at=now)
        await uow.commit()
    return lead


async def assign_lead_to_rep(command: commands.AssignLeadToRep, bus: CrmBus) -> Lead:
    by = command.by
    require(by, REP_DISTRIBUTORS, "assigning a lead to a rep")
    async with bus.uow() as uow:
        seen = await _visible_lead(uow, by, command.lead_id)
        if seen.group_id is None:
            raise RuleViolation("the lead is in no group yet: a manager assigns it to a group first",
                                lead_id=str(seen.id))
        await ensure_distributes_in(uow, by, seen.group_id, seen.department_id)
        # The group lock first, then the lead: the order a distribution takes them in.
        await uow.rotation.lock_group(seen.group_id)
        lead = await uow.leads.get(seen.id, for_update=True)
        if lead is None or lead.group_id != seen.group_id:
            raise Conflict("the lead moved to another group meanwhile; reload it and retry", lead_id=str(seen.id))
        group_id = lead.group_id
        rep = await uow.directory.employee(command.rep_id)
        if rep is None or rep.status != "active" or rep.group_id != group_id:
            raise RuleViolation("the rep is not an active member of the lead's group", field="rep_id",
                                rep_id=str(command.rep_id), group_id=str(group_id))
        if lead.owner_id != rep.employee_id:
            _ensure_not_taken(lead, command.reassign, level="rep")
        open_leads = (await uow.leads.open_counts([rep.employee_id]))[rep.employee_id]
        cap = await rep_cap(uow, bus, group_id, rep.employee_id)
        ensure_below_cap(rep.employee_id, open_leads, cap)
        now = bus.clock.now()
        previous = lead.give_to_rep(rep.employee_id, now)
        await uow.leads.save(lead)
        # A lead by hand is a turn too: the round robin then serves the others first.
        await uow.rotation.record(group_id, rep.employee_id, await uow.rotation.next_turn(group_id), now)
        await record_assignment(uow, lead, level="rep", strategy="manual", by=by.employee_id,
                                reason=manual_reason(command.reason, name=rep.name, open_leads=open_leads, cap=cap),
                                previous_rep_id=previous, at=now)
        await uow.commit()
    return lead


def _ensure_not_taken(lead: Lead, reassign: bool, *, level: str) -> None:
    """A hand assignment takes a lead from where the distributor saw it: if a rep already holds it (or,
    for a group, it is already in one), it moves only when asked to (``reassign``), so that two leaders
    assigning the same lead at once give one outcome and a 409, not a silent second move."""
    if reassign:
        return
    if level == "group" and lead.group_id is not None:
        raise Conflict("the lead is already in a group; send reassign=true to move it", lead_id=str(lead.id),
                       group_id=str(lead.group_id), owner_id=str(lead.owner_id) if lead.owner_id else None,
                       lead_status=lead.status.value)
    if lead.owner_id is not None:
        raise Conflict("a rep already holds this lead; send reassign=true to take it from them",
                       lead_id=str(lead.id), owner_id=str(lead.owner_id), lead_status=lead.status.value)


# --- deals and payments (C8) ---------------------------------------------------------------------


async def record_deal(command: commands.RecordDeal, bus: CrmBus) -> Deal:
    by = command.by
    require(by, DEAL_RECORDERS, "recording a deal")
    if (command.lead_id is None) == (command.customer_id is None):
        raise InvalidInput("lead_id", "give either lead_id or customer_id")
    amount = positive_money(command.amount, field="amount")
    cost = money(command.cost, field="cost") if command.cost is not None else None
    if cost is not None and cost < 0:
        raise InvalidInput("cost", "must not be negative")
    if command.units is not None and command.units < 0:
        raise InvalidInput("units", "must not be negative")
    # Not after the company's today: before 08:00 in Beijing, UTC still says yesterday.
    if command.signed_on > bus.clock.today():
        raise InvalidInput("signed_on", "a deal is recorded once signed, not before")
    now = bus.clock.now()
    async with bus.uow() as uow:
        scope = await scope_in(uow, by)
        lead: Lead | None = None
        if command.lead_id is not None:
            lead = await _visible_lead(uow, by, command.lead_id, for_update=True, scope=scope)
            customer_id, default_rep = lead.customer_id, lead.owner_id
        else:
            assert command.customer_id is not None
            if not await uow.leads.any_visible_of_customer(command.customer_id, scope):
                raise NotFound("no such customer", field="customer_id", customer_id=str(command.customer_id))
            customer_id = command.customer_id
            holder = await uow.leads.holder_of(customer_id)
            default_rep = holder.owner_id if holder else None
        rep_id = command.rep_id or default_rep
        if rep_id is None:
            raise InvalidInput("rep_id", "nobody owns the lead: name the rep who signed")
        rep = await uow.directory.employee(rep_id)
        if rep is None or not rep.is_employed:
            raise InvalidInput("rep_id", "not a current employee in the directory")
        if not scope.sees(owner_id=rep.employee_id, group_id=rep.group_id, department_id=rep.department_id):
            raise Forbidden("a deal is recorded for a rep within your own scope", rep_id=str(rep_id))
        deal = Deal(id=new_id(), customer_id=customer_id, lead_id=lead.id if lead else None, rep_id=rep.employee_id,
                    group_id=rep.group_id, department_id=rep.department_id, amount=amount, cost=cost,
                    currency=bus.policy.currency, signed_on=command.signed_on, created_by=by.employee_id,
                    created_at=now, units=command.units)
        new_customer = await wins_new_customer(uow, deal)
        await uow.deals.add(deal)
        await plan_after_sales(uow, bus, deal, lead, by=by.employee_id, at=now)
        if lead is not None:
            was = lead.status
            lead.win()
            await uow.leads.save(lead)
            await log_move(uow, bus, lead, kind="status", from_status=was, previous_owner=lead.owner_id,
                           reason=f"deal {deal.id}", by=by.employee_id, at=now)
        uow.emit(DealWon(deal_id=deal.id, lead_id=deal.lead_id, customer_id=deal.customer_id, rep_id=deal.rep_id,
                         group_id=deal.group_id, department_id=deal.department_id, amount=deal.amount,
                         cost=deal.cost, profit=deal.profit, currency=deal.currency, signed_on=deal.signed_on,
                         units=deal.units, new_customer=new_customer))
        await uow.commit()
    return deal


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment
    deal: Deal


async def record_payment(command: commands.RecordPayment, bus: CrmBus) -> PaymentOutcome:
    by = command.by
    require(by, PAYMENT_RECORDERS, "recording a payment")
    amount = positive_money(command.amount, field="amount")
    if command.received_on > bus.clock.today():
        raise InvalidInput("received_on", "money is recorded once received, not before")
    now = bus.clock.now()
    async with bus.uow() as uow:
        scope = await scope_in(uow, by)
        deal = await uow.deals.get(command.deal_id, for_update=True)
        if deal is None or not scope.sees(owner_id=deal.rep_id, group_id=deal.group_id,
                                          department_id=deal.department_id):
            raise NotFound("no such deal", deal_id=str(command.deal_id))
        deal.collect(amount)
        payment = Payment(id=new_id(), deal_id=deal.id, amount=amount, received_on=command.received_on,
                          recorded_by=by.employee_id, recorded_at=now)
        await uow.deals.add_payment(payment)
        uow.emit(PaymentReceived(payment_id=payment.id, deal_id=deal.id, rep_id=deal.rep_id, group_id=deal.group_id,
                                 department_id=deal.department_id, amount=amount, currency=deal.currency,
                                 received_on=payment.received_on))
        await uow.commit()
    return PaymentOutcome(payment=payment, deal=deal)


# --- contact details (C10) -----------------------------------------------------------------------


async def reveal_contact(command: commands.RevealContact, bus: CrmBus) -> tuple[Lead, Customer]:
    by = command.by
    async with bus.uow() as uow:
        scope = await scope_in(uow, by)
        pair = await uow.leads.get_with_customer(command.lead_id)
        if pair is None or not scope.sees(owner_id=pair[0].owner_id, group_id=pair[0].group_id,
                                          department_id=pair[0].department_id):
            raise NotFound("no such lead", lead_id=str(command.lead_id))
        lead, customer = pair
        if not (sees_contact(by.employee_id, lead.owner_id) or by.has_any(*bus.policy.contact_reveal_roles)):
            raise Forbidden("only the rep who owns the lead may read the customer's full contact details",
                            lead_id=str(lead.id))
        await uow.disclosures.add(ContactDisclosure(id=new_id(), customer_id=customer.id, lead_id=lead.id,
                                                    disclosed_to=by.employee_id, kind="reveal", at=bus.clock.now()))
        await uow.commit()
    return lead, customer


# --- helpers -------------------------------------------------------------------------------------


async def _visible_lead(uow: CrmUnitOfWork, by: Principal, lead_id: uuid.UUID, *, for_update: bool = False,
                        scope: Scope | None = None) -> Lead:
    scope = scope or await scope_in(uow, by)
    lead = await uow.leads.get(lead_id, for_update=for_update)
    # Outside the caller's scope answers exactly as if it did not exist, so that ids cannot be probed.
    if lead is None or not scope.sees(owner_id=lead.owner_id, group_id=lead.group_id,
                                      department_id=lead.department_id):
        raise NotFound("no such lead", lead_id=str(lead_id))
    return lead


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.CreateLead: create_lead,
    commands.ImportLeads: import_leads,
    commands.AssignLeadToGroup: assign_lead_to_group,
    commands.AssignLeadToRep: assign_lead_to_rep,
    commands.RecordDeal: record_deal,
    commands.RecordPayment: record_payment,
    commands.RevealContact: reveal_contact,
    **RECEIVABLE_COMMAND_HANDLERS,
    **POOL_COMMAND_HANDLERS,
    **FOLLOW_UP_COMMAND_HANDLERS,
    **COMPLAINT_COMMAND_HANDLERS,
    **CREDIT_COMMAND_HANDLERS,
    **DISTRIBUTION_COMMAND_HANDLERS,
    **MERGE_COMMAND_HANDLERS,
    **EXPORT_COMMAND_HANDLERS,
    **PROJECT_COMMAND_HANDLERS,
    **PROJECT_ASSIGNMENT_COMMAND_HANDLERS,
    **VISIT_COMMAND_HANDLERS,
    **DO_NOT_CALL_COMMAND_HANDLERS,
    **DO_NOT_CALL_ROTATION_COMMAND_HANDLERS,
}
