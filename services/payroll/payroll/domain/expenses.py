"""Expense claims (P7, seed 002 差旅费、生活补贴、通讯费): travel and living costs are reimbursed at
cost within the company's per-day standards, communication fees up to a monthly limit.

A claim is checked against its standard when it is approved, not when it is submitted: what is
left under the cap depends on the claims approved in between. The part over the cap is refused
with the reason and the claim keeps the claimed, approved and refused amounts side by side.
"""

from __future__ import annotations

import uuid
from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from payroll.domain.lines import PayslipLine
from payroll.domain.money import CENT, text
from shared.errors import Conflict, Forbidden, InvalidInput

RULE = "P7.expense"
FORMULA = "approved amount of the claim (claimed, less any part over the category's standard)"
ZERO = Decimal("0.00")


class Window(StrEnum):
    """What a standard's cap is counted over: the claims of one day, or of one calendar month."""

    DAY = "day"
    MONTH = "month"


@dataclass(frozen=True)
class Standard:
    window: Window
    cap: Decimal

    def span(self, incurred_on: date) -> tuple[date, date]:
        """The first and last day whose approved claims count against the same cap."""
        if self.window == Window.DAY:
            return incurred_on, incurred_on
        return incurred_on.replace(day=1), incurred_on.replace(day=monthrange(incurred_on.year, incurred_on.month)[1])


@dataclass(frozen=True)
class ExpensePolicy:
    """The company's standards by category; the categories a claim may name are the keys."""

    standards: Mapping[str, Standard] = field(default_factory=lambda: {
        "travel": Standard(Window.DAY, Decimal("500.00")),
        "living": Standard(Window.DAY, Decimal("150.00")),
        "communication": Standard(Window.MONTH, Decimal("200.00")),
    })

    def standard(self, category: str) -> Standard:
        found = self.standards.get(category)
        if found is None:
            raise InvalidInput("category", f"unknown expense category {category!r}; "
                                           f"one of {', '.join(sorted(self.standards))}")
        return found


class ClaimStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True)
class Receipt:
    amount: Decimal
    note: str = ""


def ensure_valid_claim(category: str, amount: Decimal, receipts: Sequence[Receipt], incurred_on: date,
                       today: date, policy: ExpensePolicy) -> None:
    """What makes a claim unreadable before anyone looks at it; each names its field."""
    policy.standard(category)
    _ensure_money("amount", amount)
    if not receipts:
        raise InvalidInput("receipts", "at least one receipt is required")
    for index, receipt in enumerate(receipts):
        _ensure_money(f"receipts[{index}].amount", receipt.amount)
    total = sum((receipt.amount for receipt in receipts), ZERO)
    if total != amount:
        raise InvalidInput("amount", f"must equal the sum of the receipts ({text(total)}), not {text(amount)}")
    if incurred_on > today:
        raise InvalidInput("incurred_on", f"{incurred_on.isoformat()} is in the future")


def _ensure_money(name: str, amount: Decimal) -> None:
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(name, "must be a positive amount")
    if amount != amount.quantize(CENT):
        raise InvalidInput(name, "at most two decimal places (cents)")


@dataclass(frozen=True)
class Assessment:
    approved: Decimal
    refused: Decimal
    reason: str | None


def assess(amount: Decimal, standard: Standard, already_approved: Decimal, *, category: str) -> Assessment:
    """Approve up to what is left under the cap; refuse the rest, saying why. Amounts are in cents
    already, so no rounding is needed: the parts add up to the claim exactly."""
    left = max(standard.cap - already_approved, ZERO)
    approved = min(amount, left)
    refused = amount - approved
    if refused == 0:
        return Assessment(approved=amount, refused=ZERO, reason=None)
    per = "per day" if standard.window == Window.DAY else "per month"
    reason = (f"{category} standard is {text(standard.cap)} {per}; {text(already_approved)} already approved "
              f"in that {standard.window.value}, {text(left)} left: {text(refused)} over the standard refused")
    return Assessment(approved=approved, refused=refused, reason=reason)


@dataclass
class ExpenseClaim:
    id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID | None
    category: str
    incurred_on: date
    amount: Decimal
    receipts: tuple[Receipt, ...]
    description: str
    submitted_at: datetime
    status: ClaimStatus = ClaimStatus.SUBMITTED
    approved_amount: Decimal | None = None
    refused_amount: Decimal | None = None
    reason: str | None = None
    decided_by: uuid.UUID | None = None
    decided_at: datetime | None = None
    paid_run_id: uuid.UUID | None = None
    paid_period: str | None = None

    def approve(self, by: uuid.UUID, at: datetime, assessment: Assessment) -> None:
        self._ensure_undecided(by, "approve")
        self.status = ClaimStatus.APPROVED
        self.approved_amount, self.refused_amount = assessment.approved, assessment.refused
        self.reason, self.decided_by, self.decided_at = assessment.reason, by, at

    def refuse(self, by: uuid.UUID, at: datetime, reason: str) -> None:
        self._ensure_undecided(by, "refuse")
        if not reason.strip():
            raise InvalidInput("reason", "a refusal must say why")
        self.status = ClaimStatus.REFUSED
        self.approved_amount, self.refused_amount = ZERO, self.amount
        self.reason, self.decided_by, self.decided_at = reason.strip(), by, at

    def _ensure_undecided(self, by: uuid.UUID, action: str) -> None:
        if by == self.employee_id:
            raise Forbidden(f"nobody may {action} their own expense claim", claim_id=str(self.id))
        if self.status != ClaimStatus.SUBMITTED:
            raise Conflict(f"this claim is already {self.status.value}; cannot {action} it", claim_id=str(self.id),
                           claim_status=self.status.value)


def expense_line(claim: ExpenseClaim) -> PayslipLine:
    """One line per claim, naming it: a reimbursement is not pay and is never merged with another."""
    amount = claim.approved_amount or ZERO
    calculation = f"{text(claim.amount)} claimed − {text(claim.refused_amount or ZERO)} refused = {text(amount)}"
    return PayslipLine(
        rule=RULE, kind="expense", amount=amount, formula=FORMULA, calculation=calculation,
        inputs={"claim_id": str(claim.id), "category": claim.category, "incurred_on": claim.incurred_on.isoformat(),
                "claimed": text(claim.amount), "approved": text(amount),
                "refused": text(claim.refused_amount or ZERO), "reason": claim.reason,
                "approved_by": str(claim.decided_by) if claim.decided_by else None},
    )
