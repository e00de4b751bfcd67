"""Events from crm, telesales and org's attendance translated into facts (A2's measurable
indicators, A4's attendance). crm's visits, follow-ups and complaints are translated by
service_layer.crm_inputs.

Each fact is keyed by the business id of what it measures, not by the envelope id: a producer
that re-publishes a deal under a new envelope still counts it once. A day's attendance is keyed
by employee and date and carries org's revision, so a reclassification replaces it.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from appraisal.domain.attendance import absence_units, attendance_source_id
from appraisal.domain.calls import CallVersion, intent_source_id
from appraisal.domain.facts import Fact
from appraisal.domain.periods import Period
from appraisal.domain.policy import AppraisalPolicy
from appraisal.domain.templates import Source
from shared.clock import Clock
from shared.events.crm import DealCancelled, DealWon, LeadAssigned, PaymentReceived, PaymentRefunded
from shared.events.org import AttendanceDayClassified
from shared.events.telesales import CallCorrected, CallLogged

ONE = Decimal(1)


def from_deal_won(deal: DealWon, event_id: uuid.UUID) -> list[Fact]:
    period = str(Period.of_day(deal.signed_on))
    source_id = f"deal:{deal.deal_id}"
    facts = [
        Fact(deal.rep_id, period, Source.SALES_AMOUNT, deal.amount, source_id, event_id, deal.signed_on),
        Fact(deal.rep_id, period, Source.CONTRACTS_SIGNED, ONE, source_id, event_id, deal.signed_on),
    ]
    profit = deal.profit if deal.profit is not None else (deal.amount - deal.cost if deal.cost is not None else None)
    if profit is not None:
        facts.append(Fact(deal.rep_id, period, Source.SALES_PROFIT, profit, source_id, event_id, deal.signed_on))
    # A producer older than the field says nothing about it: not counted as a new customer.
    if deal.new_customer is True:
        facts.append(Fact(deal.rep_id, period, Source.NEW_CUSTOMERS, ONE, source_id, event_id, deal.signed_on))
    return facts


def from_deal_cancelled(cancelled: DealCancelled, event_id: uuid.UUID) -> list[Fact]:
    """A cancellation takes the deal back in the month it happens, as payroll claws commission
    back in the next run: a closed month's result is never reopened for it. The profit and a new
    customer are not taken back (the event carries neither)."""
    period = str(Period.of_day(cancelled.cancelled_on))
    source_id = f"cancel:{cancelled.deal_id}"
    return [
        Fact(cancelled.rep_id, period, Source.SALES_AMOUNT, -cancelled.amount, source_id, event_id,
             cancelled.cancelled_on),
        Fact(cancelled.rep_id, period, Source.CONTRACTS_SIGNED, -ONE, source_id, event_id, cancelled.cancelled_on),
    ]


def from_payment_refunded(refund: PaymentRefunded, event_id: uuid.UUID) -> list[Fact]:
    return [Fact(refund.rep_id, str(Period.of_day(refund.refunded_on)), Source.COLLECTIONS, -refund.amount,
                 f"refund:{refund.refund_id}", event_id, refund.refunded_on)]


def from_payment_received(payment: PaymentReceived, event_id: uuid.UUID) -> list[Fact]:
    return [Fact(payment.rep_id, str(Period.of_day(payment.received_on)), Source.COLLECTIONS, payment.amount,
                 f"payment:{payment.payment_id}", event_id, payment.received_on)]


def from_call_logged(call: CallLogged, event_id: uuid.UUID, policy: AppraisalPolicy) -> list[Fact]:
    period = str(Period.of_day(call.call_date))
    source_id = f"call:{call.call_id}"
    facts = [Fact(call.agent_id, period, Source.CALLS_DIALLED, ONE, source_id, event_id, call.call_date)]
    if call.effective:
        facts.append(Fact(call.agent_id, period, Source.EFFECTIVE_CONVERSATIONS, ONE, source_id, event_id,
                          call.call_date))
    if call.disposition in policy.intent_dispositions:
        # One intent customer per lead and month, however many calls mark it; a call without a
        # lead stands for its own customer.
        facts.append(Fact(call.agent_id, period, Source.INTENT_CUSTOMERS, ONE,
                          intent_source_id(call.agent_id, call.lead_id, call.call_id, period), event_id,
                          call.call_date))
    return facts


def call_version(call: CallLogged | CallCorrected, event_id: uuid.UUID) -> CallVersion:
    """The version either event carries: a logged call is version 1 (its default), a correction
    the whole call as corrected."""
    return CallVersion(call_id=call.call_id, agent_id=call.agent_id, lead_id=call.lead_id, call_date=call.call_date,
                       version=call.version, disposition=call.disposition, effective=call.effective,
                       event_id=event_id)


def from_lead_assigned(assignment: LeadAssigned, event_id: uuid.UUID, clock: Clock) -> list[Fact]:
    """A lead counts once per rep and month, however often it is handed back and forth. The month
    is the company's: an assignment at 00:30 Beijing time on the 1st belongs to the new month
    although UTC still says the previous day."""
    if assignment.level != "rep" or assignment.rep_id is None:
        return []  # a group-level distribution is the manager's act, not a rep's work
    day = clock.date_of(assignment.assigned_at)
    period = Period.of_day(day)
    return [Fact(assignment.rep_id, str(period), Source.LEADS_ASSIGNED, ONE,
                 f"lead:{assignment.lead_id}:rep:{assignment.rep_id}:{period}", event_id, day)]


def from_attendance_day(day: AttendanceDayClassified, event_id: uuid.UUID, policy: AppraisalPolicy) -> list[Fact]:
    """Every classified day is a fact, an on-time one too (0 units): a later revision of the day
    must find something to replace, and an absence corrected to on time must stop deducting."""
    units = absence_units(day.classification, day.absence_days,
                          half_day_counts_as_full=policy.half_day_counts_as_full)
    # Parsed, not trusted: a malformed month is dead-lettered with its reason, not stored.
    period = str(Period.parse(day.period))
    return [Fact(day.employee_id, period, Source.ABSENCE_DAYS, units,
                 attendance_source_id(day.employee_id, day.work_date), event_id, day.work_date,
                 revision=day.revision)]
