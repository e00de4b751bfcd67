"""Deals (orders/contracts) and the money collected on them (回款, C8): payments, refunds (退款),
cancellation (退单) and payment plans (instalments with due dates)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from crm.domain.money import CENT, profit
from shared.errors import InvalidInput, RuleViolation

ZERO = Decimal("0.00")


class DealStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"  # takes no more payments; its money goes back by refunds, each its own event


@dataclass
class Deal:
    id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    amount: Decimal
    cost: Decimal | None
    currency: str
    signed_on: date
    created_by: uuid.UUID
    created_at: datetime
    # Gross money received, and how much of it went back: the customer owes amount - (collected - refunded).
    collected: Decimal = field(default=ZERO)
    refunded: Decimal = field(default=ZERO)
    units: int | None = None
    status: DealStatus = DealStatus.ACTIVE
    cancelled_on: date | None = None
    cancel_reason: str | None = None
    cancelled_by: uuid.UUID | None = None
    revision: int = 1

    @property
    def profit(self) -> Decimal | None:
        return profit(self.amount, self.cost)

    @property
    def net_collected(self) -> Decimal:
        return self.collected - self.refunded

    @property
    def outstanding(self) -> Decimal:
        """What the customer still owes; nothing once the deal is cancelled."""
        if self.status is DealStatus.CANCELLED:
            return ZERO
        return self.amount - self.net_collected

    @property
    def is_cancelled(self) -> bool:
        return self.status is DealStatus.CANCELLED

    def collect(self, amount: Decimal) -> None:
        """Record money received; net collections never exceed the signed amount."""
        if self.is_cancelled:
            raise RuleViolation("the deal is cancelled and takes no more payments", deal_id=str(self.id),
                                cancelled_on=self.cancelled_on.isoformat() if self.cancelled_on else None)
        if amount > self.outstanding:
            raise RuleViolation(
                f"the payment of {amount} exceeds the outstanding amount of {self.outstanding} on this deal",
                deal_id=str(self.id), amount=str(self.amount), collected=str(self.net_collected),
                outstanding=str(self.outstanding),
            )
        self.collected += amount

    def give_back(self, payment: Payment, amount: Decimal) -> None:
        """A refund of part or all of one payment: never more than that payment kept."""
        if payment.deal_id != self.id:
            raise RuleViolation("the payment belongs to another deal", payment_id=str(payment.id))
        if amount > payment.refundable:
            raise RuleViolation(
                f"the refund of {amount} exceeds the {payment.refundable} of this payment not yet refunded",
                field="amount", payment_id=str(payment.id), paid=str(payment.amount),
                refunded=str(payment.refunded), refundable=str(payment.refundable),
            )
        payment.refunded += amount
        self.refunded += amount

    def cancel(self, *, on: date, reason: str, by: uuid.UUID) -> None:
        if self.is_cancelled:
            raise RuleViolation("the deal is already cancelled", deal_id=str(self.id),
                                cancelled_on=self.cancelled_on.isoformat() if self.cancelled_on else None)
        if on < self.signed_on:
            raise InvalidInput("cancelled_on", "a deal cannot be cancelled before it was signed")
        self.status, self.cancelled_on, self.cancel_reason, self.cancelled_by = (
            DealStatus.CANCELLED, on, reason, by)


    def set_cost(self, cost: Decimal) -> Decimal | None:
        """Set or correct the cost after signing; returns the previous cost."""
        if self.is_cancelled:
            raise RuleViolation("the deal is cancelled: its cost no longer counts", deal_id=str(self.id))
        if cost < 0:
            raise InvalidInput("cost", "must not be negative")
        if cost == self.cost:
            raise RuleViolation("the deal already has this cost", field="cost", cost=str(cost))
        previous, self.cost = self.cost, cost
        self.revision += 1
        return previous


@dataclass
class Payment:
    id: uuid.UUID
    deal_id: uuid.UUID
    amount: Decimal
    received_on: date
    recorded_by: uuid.UUID
    recorded_at: datetime
    refunded: Decimal = field(default=ZERO)

    @property
    def refundable(self) -> Decimal:
        return self.amount - self.refunded


@dataclass(frozen=True)
class Refund:
    id: uuid.UUID
    payment_id: uuid.UUID
    deal_id: uuid.UUID
    amount: Decimal
    refunded_on: date
    reason: str
    recorded_by: uuid.UUID
    recorded_at: datetime


def require_reason(reason: str | None, *, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(field, "a reason is required")
    if len(text) > 500:
        raise InvalidInput(field, "at most 500 characters")
    return text


# --- payment plans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    deal_id: uuid.UUID
    seq: int  # 1, 2, ... in due order
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class InstalmentState:
    instalment: Instalment
    paid: Decimal
    outstanding: Decimal
    days_overdue: int  # 0 unless due before today and not fully paid

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


def plan_instalments(deal: Deal, items: list[tuple[date, Decimal]]) -> list[Instalment]:
    """A payment plan (C8): instalments in strictly increasing due order, none before signing,
    each positive and in cents, adding up to the deal's amount exactly (so the plan says when
    every yuan of it is due, no more)."""
    if deal.is_cancelled:
        raise RuleViolation("the deal is cancelled: it has no payment plan any more", deal_id=str(deal.id))
    if not items:
        raise InvalidInput("instalments", "a plan has at least one instalment")
    previous: date | None = None
    for index, (due_on, amount) in enumerate(items):
        if amount <= 0 or amount != amount.quantize(CENT):
            raise InvalidInput(f"instalments[{index}].amount", "must be a positive amount in cents")
        if due_on < deal.signed_on:
            raise InvalidInput(f"instalments[{index}].due_on", "an instalment cannot fall due before signing")
        if previous is not None and due_on <= previous:
            raise InvalidInput(f"instalments[{index}].due_on", "due dates must increase from one instalment "
                                                               "to the next")
        previous = due_on
    total = sum((amount for _, amount in items), ZERO)
    if total != deal.amount:
        raise InvalidInput("instalments", f"the instalments add up to {total}, the deal's amount is {deal.amount}")
    return [Instalment(deal_id=deal.id, seq=index + 1, due_on=due_on, amount=amount)
            for index, (due_on, amount) in enumerate(items)]


def instalment_states(instalments: list[Instalment], net_collected: Decimal, today: date) -> list[InstalmentState]:
    """Money received pays the earliest instalment first (the usual receivables convention), so an
    instalment is overdue when what came in does not reach it by its due date."""
    left = max(net_collected, ZERO)
    states = []
    for instalment in sorted(instalments, key=lambda i: i.seq):
        paid = min(left, instalment.amount)
        left -= paid
        outstanding = instalment.amount - paid
        late = (today - instalment.due_on).days if outstanding > 0 and instalment.due_on < today else 0
        states.append(InstalmentState(instalment=instalment, paid=paid, outstanding=outstanding, days_overdue=late))
    return states
