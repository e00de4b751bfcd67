"""Request and response bodies of the crm API, kept apart from tables and domain objects: a
request body is read field by field into a command, never bound onto stored state. Money travels
as decimal strings with two places."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from crm.domain.deals import Deal, InstalmentState, Payment
from crm.domain.model import LeadAssignment, LeadStatus
from crm.service_layer.distribution import DistributionReport
from crm.service_layer.handlers import ImportReport, LeadOutcome, PaymentOutcome
from crm.service_layer.views import ContactView, LeadView
from shared.fields import IsoDate

# PostgreSQL text cannot hold NUL; refusing it here keeps it a 422 instead of a database error.
_NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=_NO_NUL)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=_NO_NUL)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500, pattern=_NO_NUL)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=_NO_NUL)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=_NO_NUL)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60, pattern=_NO_NUL)]
Money = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
Cost = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]


class _Request(BaseModel):
    # An unknown field is a mistake worth hearing about, not something to ignore silently.
    model_config = ConfigDict(extra="forbid")


class _Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- leads ---------------------------------------------------------------------------------------


class LeadCreate(_Request):
    name: Name = Field(description="the customer's name (person or company contact)")
    phone: Phone | None = Field(None, description="any format; stored as digits without +86")
    email: Email | None = None
    company: Text | None = None
    source: Code = Field(description="one of the company's lead sources (C1), e.g. marketing, exhibition")
    intent_level: Code | None = Field(None, description="one of the company's intent levels, e.g. high")
    department_id: uuid.UUID | None = Field(None, description="defaults to the caller's department")

    @model_validator(mode="after")
    def _needs_contact(self) -> LeadCreate:
        if not self.phone and not self.email:
            raise ValueError("a lead needs a phone number or an e-mail address")
        return self


class CustomerContactRead(BaseModel):
    customer_id: uuid.UUID
    name: str
    company: str | None
    phone: str | None = Field(description="masked (138****5678) unless the caller owns the lead")
    email: str | None = Field(description="masked (z***@example.com) unless the caller owns the lead")
    masked: bool

    @classmethod
    def from_view(cls, view: ContactView) -> CustomerContactRead:
        return cls(customer_id=view.customer_id, name=view.name, company=view.company, phone=view.phone,
                   email=view.email, masked=view.masked)


class LeadRead(BaseModel):
    id: uuid.UUID
    customer: CustomerContactRead
    source: str
    status: LeadStatus
    department_id: uuid.UUID
    group_id: uuid.UUID | None
    owner_id: uuid.UUID | None
    intent_level: str | None
    created_by: uuid.UUID
    created_at: datetime
    assigned_at: datetime | None
    followed_up_at: datetime | None = Field(None, description="the last follow-up: the pool's clock (C5)")
    lost_reason: str | None = None
    needs: str | None = None

    @classmethod
    def from_view(cls, view: LeadView, **more: Any) -> LeadRead:
        lead = view.lead
        return cls(id=lead.id, customer=CustomerContactRead.from_view(view.customer), source=lead.source,
                   status=lead.status, department_id=lead.department_id, group_id=lead.group_id,
                   owner_id=lead.owner_id, intent_level=lead.intent_level, created_by=lead.created_by,
                   created_at=lead.created_at, assigned_at=lead.assigned_at, followed_up_at=lead.followed_up_at,
                   lost_reason=lead.lost_reason, needs=lead.needs, **more)


class LeadCreatedRead(LeadRead):
    outcome: Literal["created", "linked"] = Field(
        description="linked: the phone or e-mail was a known customer's, and the lead joined that customer")


class LeadPageRead(BaseModel):
    items: list[LeadRead]
    total: int
    limit: int
    offset: int


class ContactRead(BaseModel):
    """Full contact details; every read of them is logged (C10)."""

    lead_id: uuid.UUID
    customer_id: uuid.UUID
    name: str
    company: str | None
    phone: str | None
    email: str | None


class ImportedRowRead(BaseModel):
    row: int = Field(description="line of the CSV file; the header is line 1")
    lead_id: uuid.UUID
    customer_id: uuid.UUID

    @classmethod
    def of(cls, row: int, outcome: LeadOutcome) -> ImportedRowRead:
        return cls(row=row, lead_id=outcome.lead.id, customer_id=outcome.customer.id)


class RefusedRowRead(BaseModel):
    row: int
    field: str
    reason: str
    details: dict[str, Any] = Field(default_factory=dict)


class ImportReportRead(BaseModel):
    created: list[ImportedRowRead]
    linked: list[ImportedRowRead]
    refused: list[RefusedRowRead]
    ignored_columns: list[str]

    @classmethod
    def of(cls, report: ImportReport, ignored_columns: list[str]) -> ImportReportRead:
        return cls(
            created=[ImportedRowRead.of(row, outcome) for row, outcome in report.created],
            linked=[ImportedRowRead.of(row, outcome) for row, outcome in report.linked],
            refused=[RefusedRowRead(row=r.row, field=r.field, reason=r.reason, details=r.details)
                     for r in report.refused],
            ignored_columns=ignored_columns,
        )


# --- distribution --------------------------------------------------------------------------------


class GroupAssignment(_Request):
    group_id: uuid.UUID
    reason: Reason | None = None
    reassign: bool = Field(False, description="move a lead that is already in a group (else 409)")


class RepAssignment(_Request):
    rep_id: uuid.UUID
    reason: Reason | None = None
    reassign: bool = Field(False, description="take a lead from the rep who holds it (else 409)")


class DistributionRequest(_Request):
    lead_ids: list[uuid.UUID] | None = Field(
        None, max_length=5000, description="leads of the pool to hand out; all of them when omitted")
    strategy: Literal["round_robin", "weighted", "least_loaded"] | None = Field(
        None, description="this time only; the configured strategy when omitted")


class AssignedLeadRead(BaseModel):
    lead_id: uuid.UUID
    rep_id: uuid.UUID
    reason: str = Field(description="why this rep: strategy, load, weight, cap")


class DistributionRead(BaseModel):
    group_id: uuid.UUID
    strategy: str
    assigned: list[AssignedLeadRead]
    left_over: list[uuid.UUID] = Field(description="stay in the group's pool: nobody could take more")
    left_over_reason: str | None = Field(description="why nobody could take them")
    skipped: list[uuid.UUID] = Field(description="asked for, but not a lead waiting in this group's pool")
    cap: int = Field(description="the default cap on a rep's open leads; a rep may have their own")

    @classmethod
    def of(cls, report: DistributionReport) -> DistributionRead:
        assert report.cap is not None
        return cls(group_id=report.unit_id, strategy=report.strategy.value,
                   assigned=[AssignedLeadRead(lead_id=a.lead_id, rep_id=a.to_id, reason=a.reason)
                             for a in report.assigned],
                   left_over=report.left_over, left_over_reason=report.why_left_over, skipped=report.skipped,
                   cap=report.cap)


class AssignmentRead(_Read):
    id: uuid.UUID
    level: Literal["group", "rep"]
    group_id: uuid.UUID
    rep_id: uuid.UUID | None
    previous_rep_id: uuid.UUID | None
    assigned_by: uuid.UUID
    strategy: str
    reason: str | None
    assigned_at: datetime

    @classmethod
    def of(cls, assignment: LeadAssignment) -> AssignmentRead:
        return cls.model_validate(assignment)


# --- deals and payments --------------------------------------------------------------------------


class DealCreate(_Request):
    lead_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = Field(None, description="for a deal with a known customer outside a lead")
    amount: Money
    cost: Cost | None = None
    signed_on: IsoDate
    rep_id: uuid.UUID | None = Field(None, description="the signing rep; defaults to the lead's owner")
    units: int | None = Field(None, ge=0, le=10_000_000, description="units sold (台/套/件), for per-unit plans")

    @model_validator(mode="after")
    def _one_target(self) -> DealCreate:
        if (self.lead_id is None) == (self.customer_id is None):
            raise ValueError("give either lead_id or customer_id")
        return self


class PaymentCreate(_Request):
    amount: Money
    received_on: IsoDate


class PaymentRead(_Read):
    id: uuid.UUID
    deal_id: uuid.UUID
    amount: Decimal
    received_on: IsoDate
    recorded_by: uuid.UUID
    recorded_at: datetime
    refunded: Decimal = Field(description="how much of this payment was given back")


class RefundRead(_Read):
    id: uuid.UUID
    payment_id: uuid.UUID
    deal_id: uuid.UUID
    amount: Decimal
    refunded_on: IsoDate
    reason: str
    recorded_by: uuid.UUID
    recorded_at: datetime


class InstalmentRead(BaseModel):
    seq: int
    due_on: IsoDate
    amount: Decimal
    paid: Decimal
    outstanding: Decimal
    days_overdue: int

    @classmethod
    def of(cls, state: InstalmentState) -> InstalmentRead:
        return cls(seq=state.instalment.seq, due_on=state.instalment.due_on, amount=state.instalment.amount,
                   paid=state.paid, outstanding=state.outstanding, days_overdue=state.days_overdue)


class DealRead(BaseModel):
    id: uuid.UUID
    lead_id: uuid.UUID | None
    customer_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    amount: Decimal
    cost: Decimal | None
    profit: Decimal | None
    collected: Decimal = Field(description="money received, before refunds")
    refunded: Decimal
    outstanding: Decimal = Field(description="amount - (collected - refunded); 0 once cancelled")
    currency: str
    signed_on: IsoDate
    created_at: datetime
    units: int | None
    status: Literal["active", "cancelled"]
    cancelled_on: IsoDate | None
    cancel_reason: str | None
    revision: int

    @classmethod
    def of(cls, deal: Deal, **more: Any) -> DealRead:
        return cls(id=deal.id, lead_id=deal.lead_id, customer_id=deal.customer_id, rep_id=deal.rep_id,
                   group_id=deal.group_id, department_id=deal.department_id, amount=deal.amount, cost=deal.cost,
                   profit=deal.profit, collected=deal.collected, refunded=deal.refunded,
                   outstanding=deal.outstanding, currency=deal.currency, signed_on=deal.signed_on,
                   created_at=deal.created_at, units=deal.units, status=deal.status.value,
                   cancelled_on=deal.cancelled_on, cancel_reason=deal.cancel_reason, revision=deal.revision,
                   **more)


class DealRecordedRead(DealRead):
    warnings: list[str] = Field(default_factory=list, description="e.g. the customer is flagged for credit")


class DealDetailRead(DealRead):
    payments: list[PaymentRead]
    refunds: list[RefundRead]
    plan: list[InstalmentRead] = Field(description="the payment plan with what is paid of each instalment "
                                                   "(money received pays the earliest first)")


class DealPageRead(BaseModel):
    items: list[DealRead]
    total: int
    limit: int
    offset: int


class PaymentRecordedRead(PaymentRead):
    deal: DealRead

    @classmethod
    def of(cls, outcome: PaymentOutcome) -> PaymentRecordedRead:
        payment: Payment = outcome.payment
        return cls(**PaymentRead.model_validate(payment).model_dump(), deal=DealRead.of(outcome.deal))
