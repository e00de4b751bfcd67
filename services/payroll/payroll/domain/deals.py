"""Deals as payroll knows them (C8 → P4, P5): what was signed, what was cancelled (退单) and what
money was given back (退款). Each fact is kept as crm sent it, keyed by its own id, in its own
table: a cancellation or a refund that reaches payroll before its deal or payment is stored all the
same and meets it when a run reads them together, so the order of delivery never matters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Deal:
    """A signed deal (crm.deal.won.v1), with its cancellation when one is known."""

    deal_id: uuid.UUID
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    amount: Decimal
    cost: Decimal | None
    profit: Decimal | None  # as crm stated it, else amount − cost, else unknown
    units: int | None
    signed_on: date
    period: str  # the period of signing, on the company's calendar
    currency: str = "CNY"
    cancelled_on: date | None = None
    cancel_reason: str | None = None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_on is not None


def deal_profit(amount: Decimal, cost: Decimal | None, profit: Decimal | None) -> Decimal | None:
    """Net profit (P4 "net profit" basis, P5 branch profit): crm's figure when it sends one, else amount − cost."""
    if profit is not None:
        return profit
    return amount - cost if cost is not None else None


@dataclass(frozen=True)
class DealCancellation:
    """crm.deal.cancelled.v1: the deal's units and profit no longer count; commission paid on it is reversed."""

    deal_id: uuid.UUID
    rep_id: uuid.UUID
    amount: Decimal
    units: int | None
    cancelled_on: date
    period: str
    reason: str
    cancelled_by: uuid.UUID
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Refund:
    """crm.payment.refunded.v1: money collected on a deal given back; ``amount`` is positive."""

    refund_id: uuid.UUID
    payment_id: uuid.UUID
    deal_id: uuid.UUID
    rep_id: uuid.UUID
    amount: Decimal
    refunded_on: date
    period: str
    reason: str
    recorded_by: uuid.UUID
    currency: str = "CNY"
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None


@dataclass(frozen=True)
class DepartmentProfit:
    """A department's profit on the deals signed in a period and not cancelled (the P5 profit-share input)."""

    department_id: uuid.UUID
    period: str
    profit: Decimal
    deals: tuple[Deal, ...]
    # Deals of the period whose profit crm did not state and could not be derived (no cost): left out.
    without_profit: tuple[Deal, ...] = ()
