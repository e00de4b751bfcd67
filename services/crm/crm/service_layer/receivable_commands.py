"""What callers ask of a deal's money after signing (C8): refunds, cancellation, payment plans and
the cost that makes its profit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shared.auth import Principal


@dataclass(frozen=True)
class RecordRefund:
    by: Principal
    deal_id: uuid.UUID
    payment_id: uuid.UUID
    amount: Decimal
    reason: str
    refunded_on: date | None = None  # defaults to the company's today


@dataclass(frozen=True)
class CancelDeal:
    by: Principal
    deal_id: uuid.UUID
    reason: str
    cancelled_on: date | None = None  # defaults to the company's today
    # Give back, in the same transaction, every payment's part not yet refunded (one refund event each).
    refund_collected: bool = False


@dataclass(frozen=True)
class PlannedInstalment:
    due_on: date
    amount: Decimal


@dataclass(frozen=True)
class SetPaymentPlan:
    by: Principal
    deal_id: uuid.UUID
    instalments: list[PlannedInstalment]


@dataclass(frozen=True)
class SetDealCost:
    by: Principal
    deal_id: uuid.UUID
    cost: Decimal
