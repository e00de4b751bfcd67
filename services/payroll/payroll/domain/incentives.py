"""Special incentives (特别激励, P1): one-off awards outside regular income, entered by HR or finance
with a reason. Each is paid once, as its own line, by the run of its period, or by the next run
computed when that one is locked; it can be cancelled until the run that pays it is locked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents
from shared.errors import Conflict, InvalidInput

RULE = "P1.special_incentive"


class IncentiveStatus(StrEnum):
    PENDING = "pending"  # waiting for a run, or on a draft run
    PAID = "paid"  # on a locked run
    CANCELLED = "cancelled"


@dataclass
class SpecialIncentive:
    id: uuid.UUID
    employee_id: uuid.UUID
    period: str
    amount: Decimal
    reason: str
    entered_by: uuid.UUID
    entered_at: datetime
    run_id: uuid.UUID | None = None
    run_locked: bool = False
    cancelled_by: uuid.UUID | None = None
    cancelled_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise InvalidInput("amount", "a special incentive is a positive amount")
        if to_cents(self.amount) != self.amount:
            raise InvalidInput("amount", "at most two decimal places")
        if not self.reason.strip():
            raise InvalidInput("reason", "say why the incentive is awarded")

    @property
    def status(self) -> IncentiveStatus:
        if self.cancelled_at is not None:
            return IncentiveStatus.CANCELLED
        return IncentiveStatus.PAID if self.run_locked else IncentiveStatus.PENDING

    def cancel(self, by: uuid.UUID, at: datetime) -> None:
        if self.status is not IncentiveStatus.PENDING:
            raise Conflict(f"this special incentive is {self.status.value}; only a pending one can be cancelled",
                           incentive_id=str(self.id), incentive_status=self.status.value,
                           run_id=str(self.run_id) if self.run_id else None)
        self.cancelled_by, self.cancelled_at = by, at


def incentive_line(incentive: SpecialIncentive) -> PayslipLine:
    return PayslipLine(
        rule=RULE, kind="special_incentive", amount=to_cents(incentive.amount), formula="amount awarded",
        calculation=f"{text(incentive.amount)}",
        inputs={"incentive_id": str(incentive.id), "reason": incentive.reason, "period": incentive.period,
                "entered_by": str(incentive.entered_by)},
    )
