"""Deals (orders/contracts) and the money collected on them (回款, C8)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from crm.domain.money import profit
from shared.errors import RuleViolation


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
    collected: Decimal = field(default=Decimal("0.00"))

    @property
    def profit(self) -> Decimal | None:
        return profit(self.amount, self.cost)

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.collected

    def collect(self, amount: Decimal) -> None:
        """Record money received; collections never exceed the signed amount."""
        if amount > self.outstanding:
            raise RuleViolation(
                f"the payment of {amount} exceeds the outstanding amount of {self.outstanding} on this deal",
                deal_id=str(self.id), amount=str(self.amount), collected=str(self.collected),
                outstanding=str(self.outstanding),
            )
        self.collected += amount


@dataclass(frozen=True)
class Payment:
    id: uuid.UUID
    deal_id: uuid.UUID
    amount: Decimal
    received_on: date
    recorded_by: uuid.UUID
    recorded_at: datetime
