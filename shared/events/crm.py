"""Events published by the crm service (topics ``crm.lead``, ``crm.deal``).

No event carries a customer's phone number or e-mail (C10): subscribers that need contact
details ask crm, which logs the reveal.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from shared.events.envelope import Event, register


@register
class LeadCreated(Event):
    event_type = "crm.lead.created.v1"
    topic = "crm.lead"
    key_field = "lead_id"
    summary = "A lead entered the system from a source (C1), one at a time or by import."

    lead_id: uuid.UUID
    customer_id: uuid.UUID
    source: str
    department_id: uuid.UUID | None = None
    created_by: uuid.UUID
    created_at: datetime


@register
class LeadAssigned(Event):
    event_type = "crm.lead.assigned.v1"
    topic = "crm.lead"
    key_field = "lead_id"
    summary = (
        "A lead was distributed (C4): level 'group' when a manager gives it to a group, level 'rep' "
        "when a leader gives it to a member. Says who, to whom, by whom and why."
    )

    lead_id: uuid.UUID
    level: Literal["group", "rep"]
    department_id: uuid.UUID | None = None
    group_id: uuid.UUID
    rep_id: uuid.UUID | None = None
    previous_rep_id: uuid.UUID | None = None
    assigned_by: uuid.UUID
    strategy: str
    reason: str | None = None
    assigned_at: datetime


@register
class DealWon(Event):
    event_type = "crm.deal.won.v1"
    topic = "crm.deal"
    key_field = "deal_id"
    summary = "A deal (order/contract) was signed (C8). Amounts are decimal strings in the deal's currency."

    deal_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    customer_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    amount: Decimal
    cost: Decimal | None = None
    profit: Decimal | None = None
    currency: str = "CNY"
    signed_on: date
    # Added compatibly: how many units (台/套/件) the deal sells, for per-unit commission plans (P4).
    # None when the deal was recorded without a count (a per-unit plan then counts it as 0 and says so).
    units: int | None = None
    # Added compatibly: true when this is the customer's first won deal (a new customer won, A2's
    # "new customers" indicator); None from producers that predate the field.
    new_customer: bool | None = None


@register
class PaymentReceived(Event):
    event_type = "crm.payment.received.v1"
    topic = "crm.deal"
    key_field = "deal_id"
    summary = "Money was collected (回款) against a deal; commission accrues on these, not on signing (C8)."

    payment_id: uuid.UUID
    deal_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    amount: Decimal
    currency: str = "CNY"
    received_on: date


@register
class PaymentRefunded(Event):
    event_type = "crm.payment.refunded.v1"
    topic = "crm.deal"
    key_field = "deal_id"
    summary = (
        "Money collected on a deal was given back to the customer (退款). Commission paid on the refunded "
        "money is reversed in the next pay run (P4 clawback). ``amount`` is positive: the money returned."
    )

    refund_id: uuid.UUID
    payment_id: uuid.UUID
    deal_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    amount: Decimal
    currency: str = "CNY"
    refunded_on: date
    reason: str
    recorded_by: uuid.UUID


@register
class DealCancelled(Event):
    event_type = "crm.deal.cancelled.v1"
    topic = "crm.deal"
    key_field = "deal_id"
    summary = (
        "A signed deal was cancelled (退单). Its units and profit no longer count, and commission already "
        "paid on it is reversed in the next pay run (P4 clawback). Money to give back is its own "
        "crm.payment.refunded.v1 event per payment; ``refunded`` says how much of it was, at cancellation."
    )

    deal_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    amount: Decimal
    units: int | None = None
    cancelled_on: date
    reason: str
    cancelled_by: uuid.UUID
    # Added compatibly: money collected (net of refunds) and refunded on the deal when it was cancelled.
    collected: Decimal | None = None
    refunded: Decimal | None = None


@register
class DealCostSet(Event):
    event_type = "crm.deal.cost_set.v1"
    topic = "crm.deal"
    key_field = "deal_id"
    summary = (
        "The cost of a signed deal was set or corrected after signing, so its profit changed (C8; P4 net-profit "
        "plans, P5 profit share). ``revision`` grows with each change of the deal: keep the highest."
    )

    deal_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    amount: Decimal
    cost: Decimal
    profit: Decimal
    previous_cost: Decimal | None = None
    currency: str = "CNY"
    revision: int
    set_by: uuid.UUID
    set_at: datetime


@register
class LeadStatusChanged(Event):
    event_type = "crm.lead.status_changed.v1"
    topic = "crm.lead"
    key_field = "lead_id"
    summary = (
        "The rep holding a lead moved it through the sales stages (C2): assigned, contacted, intent, negotiating, "
        "or lost (with a reason). Won comes with crm.deal.won.v1; the pool with crm.lead.returned_to_pool.v1."
    )

    lead_id: uuid.UUID
    from_status: str
    to_status: str
    owner_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    reason: str | None = None
    changed_by: uuid.UUID
    changed_at: datetime


@register
class LeadReturnedToPool(Event):
    event_type = "crm.lead.returned_to_pool.v1"
    topic = "crm.lead"
    key_field = "lead_id"
    summary = (
        "A lead left the rep who held it and went back to its group's pool (公海, C5): reclaimed on schedule "
        "(no_follow_up, no_deal), its holder left or moved (owner_left, owner_transferred), or released by the "
        "holder (released). ``returned_by`` is absent when the service's own schedule or org's event did it."
    )

    lead_id: uuid.UUID
    previous_owner_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    cause: Literal["no_follow_up", "no_deal", "owner_left", "owner_transferred", "released"]
    reason: str | None = None
    returned_by: uuid.UUID | None = None
    returned_at: datetime


@register
class LeadClaimed(Event):
    event_type = "crm.lead.claimed.v1"
    topic = "crm.lead"
    key_field = "lead_id"
    summary = (
        "A rep claimed a lead from their group's pool (C5), first come first served within the caps. The same "
        "transaction also announces it as crm.lead.assigned.v1 (level rep, strategy pool_claim)."
    )

    lead_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID
    department_id: uuid.UUID | None = None
    previous_owner_id: uuid.UUID | None = None
    claimed_at: datetime


@register
class FollowUpDone(Event):
    event_type = "crm.followup.done.v1"
    topic = "crm.lead"
    key_field = "lead_id"
    summary = (
        "A rep did a planned follow-up of a lead (C6): how, when it was planned for, when done, and whether on "
        "time; appraisal counts them per rep (one per follow_up_id). No contact details or content travel."
    )

    follow_up_id: uuid.UUID
    lead_id: uuid.UUID
    customer_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    method: str
    planned_for: datetime
    done_at: datetime
    done_on: date
    on_time: bool


@register
class ComplaintRecorded(Event):
    event_type = "crm.complaint.recorded.v1"
    topic = "crm.complaint"
    key_field = "complaint_id"
    summary = "A customer's complaint was recorded, with the apology made (C9); placed by the lead's holder."

    complaint_id: uuid.UUID
    lead_id: uuid.UUID
    customer_id: uuid.UUID
    rep_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID
    cause: str
    recorded_by: uuid.UUID
    recorded_at: datetime


@register
class ComplaintEscalated(Event):
    event_type = "crm.complaint.escalated.v1"
    topic = "crm.complaint"
    key_field = "complaint_id"
    summary = (
        "A complaint was still unanswered after the set time (default 2 days, C9) and was escalated to the "
        "supervisor of the department answerable for it (``escalated_to`` absent when it has none)."
    )

    complaint_id: uuid.UUID
    rep_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID
    responsible_department_id: uuid.UUID
    escalated_to: uuid.UUID | None = None
    recorded_at: datetime
    escalated_at: datetime


@register
class ComplaintClosed(Event):
    event_type = "crm.complaint.closed.v1"
    topic = "crm.complaint"
    key_field = "complaint_id"
    summary = (
        "A complaint was closed with the customer's satisfaction (C9). For appraisal's complaint-handling "
        "timeliness: ``on_time`` is true when it was answered before the escalation time; ``hours_to_resolve`` "
        "runs from recording to the (last) answer."
    )

    complaint_id: uuid.UUID
    rep_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID
    responsible_department_id: uuid.UUID
    resolved_by: uuid.UUID
    cause: str
    satisfaction: Literal["satisfied", "neutral"]
    recorded_at: datetime
    resolved_at: datetime
    closed_at: datetime
    hours_to_resolve: Decimal
    escalated: bool
    on_time: bool
    reopened: int = 0


@register
class VisitLogged(Event):
    event_type = "crm.visit.logged.v1"
    topic = "crm.visit"
    key_field = "visit_id"
    summary = (
        "A rep logged a field visit to a customer (C12): who, when and with what result; appraisal counts "
        "visits per rep (one per visit_id) against the weekly target. No address or contact details travel."
    )

    visit_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    visited_on: date
    visited_at: datetime
    result: str
    logged_at: datetime


@register
class CustomerMerged(Event):
    event_type = "crm.customer.merged.v1"
    topic = "crm.customer"
    key_field = "kept_customer_id"
    summary = (
        "Two records of one customer were merged (C3): the dropped record's leads, deals, follow-ups, "
        "complaints and logs now belong to the kept one, and the dropped id no longer exists. A subscriber "
        "keeping customer ids replaces dropped_customer_id by kept_customer_id. No contact details travel."
    )

    merge_id: uuid.UUID
    kept_customer_id: uuid.UUID
    dropped_customer_id: uuid.UUID
    lead_ids: list[uuid.UUID] = []
    merged_by: uuid.UUID
    merged_at: datetime


@register
class ProjectStageChanged(Event):
    event_type = "crm.project.stage_changed.v1"
    topic = "crm.project"
    key_field = "project_id"
    summary = (
        "A customer's project entered a stage of the pipeline (C7: early_design, bidding, deepened_design, "
        "stocking_execution, acceptance): ``from_stage`` is absent when the project was created in it; a step "
        "back carries its reason. ``revision`` grows with each change of the project: keep the highest."
    )

    project_id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    rep_id: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    from_stage: str | None = None
    to_stage: str
    reason: str | None = None
    changed_by: uuid.UUID
    changed_at: datetime
    revision: int


@register
class ProjectReassigned(Event):
    event_type = "crm.project.reassigned.v1"
    topic = "crm.project"
    key_field = "project_id"
    summary = (
        "A customer's project changed hands (C7): its rep left or moved out of the project's group (cause "
        "``holder_left``/``holder_transferred``; crm gives it to whoever now holds the customer's lead, else the "
        "group's leader) or a leader or manager handed it over (``handed_over``). ``to_rep_id`` absent: nobody "
        "could take it, the project waits ``unassigned`` in its group for a hand-over. ``reassigned_by`` absent: "
        "crm itself, following org. ``revision`` is the project's, shared with crm.project.stage_changed.v1: "
        "keep the highest."
    )

    project_id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    stage: str
    from_rep_id: uuid.UUID
    to_rep_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    cause: str
    reason: str | None = None
    reassigned_by: uuid.UUID | None = None
    reassigned_at: datetime
    revision: int


@register
class CustomerDoNotCallRequested(Event):
    event_type = "crm.customer.do_not_call_requested.v1"
    topic = "crm.customer"
    key_field = "customer_id"
    summary = (
        "A customer asked not to be called, recorded in crm by someone who sees one of their leads (T6); "
        "telesales puts the number on its do-not-call list (source customer_request). The number itself "
        "never travels (C10): phone_digest is shared.phones.phone_digest of the normalised number, an "
        "HMAC-SHA256 under the key crm and telesales share (CRM_/TELESALES_PHONE_DIGEST_KEY). When that key "
        "is rotated, crm announces each standing request again under the new key (replaces_digest set, "
        "requested_by/requested_at those of the original request): the same request under a new name, "
        "not a new one."
    )

    customer_id: uuid.UUID
    lead_id: uuid.UUID | None = None
    phone_digest: str
    requested_by: uuid.UUID
    requested_at: datetime
    # Set on a re-announcement after a key rotation: the digest of the same number under the previous
    # key, as announced before. A consumer lists phone_digest only while it still lists this one (a
    # request taken off in the meantime stays off) and counts it as no new request.
    replaces_digest: str | None = None
