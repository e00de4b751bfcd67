"""Payslip disputes (P8): an employee questions one line of a locked payslip; finance answers and
resolves. A locked run never changes, so a resolution in the employee's favour is paid as an
adjustment line of the next run; a refused one stays on record with the line."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from payroll.domain.lines import PayslipLine
from payroll.domain.money import CENT, text
from payroll.domain.runs import PayslipRecord, RunStatus
from shared.errors import Conflict, InvalidInput

RULE = "P8.dispute"
FORMULA = "amount finance resolved in the employee's favour on a disputed line of a locked payslip"


class DisputeStatus(StrEnum):
    OPEN = "open"  # waiting for finance
    ANSWERED = "answered"  # finance replied; still open until resolved
    ACCEPTED = "accepted"  # resolved in the employee's favour, with an amount the next run pays
    REFUSED = "refused"  # resolved against the employee; stays on record

    @property
    def is_open(self) -> bool:
        return self in (DisputeStatus.OPEN, DisputeStatus.ANSWERED)


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"


@dataclass(frozen=True)
class Entry:
    """One step of a dispute's history, in order: who said what, and the status it left."""

    at: datetime
    by: uuid.UUID
    author: str  # "employee" or "finance"
    kind: str  # comment, answer, resolution
    text: str
    status: DisputeStatus
    amount: Decimal | None = None


@dataclass
class Dispute:
    id: uuid.UUID
    payslip_id: uuid.UUID
    line_index: int
    employee_id: uuid.UUID
    run_id: uuid.UUID
    period: str
    line_rule: str
    line_amount: Decimal
    status: DisputeStatus
    opened_at: datetime
    history: list[Entry] = field(default_factory=list)
    resolution_amount: Decimal | None = None
    paid_run_id: uuid.UUID | None = None
    paid_period: str | None = None

    @classmethod
    def open(cls, id: uuid.UUID, payslip: PayslipRecord, line_index: int, by: uuid.UUID, comment: str,
             at: datetime) -> Dispute:
        if payslip.run_status != RunStatus.LOCKED:
            raise Conflict("only a line of a locked payslip can be disputed; this run is still a draft",
                           payslip_id=str(payslip.id), run_status=payslip.run_status.value)
        if not 0 <= line_index < len(payslip.lines):
            raise InvalidInput("line", f"the payslip has lines 0 to {len(payslip.lines) - 1}, not {line_index}")
        line = payslip.lines[line_index]
        dispute = cls(id=id, payslip_id=payslip.id, line_index=line_index, employee_id=payslip.employee_id,
                      run_id=payslip.run_id, period=payslip.period, line_rule=line["rule"],
                      line_amount=Decimal(line["amount"]), status=DisputeStatus.OPEN, opened_at=at)
        dispute.history.append(Entry(at=at, by=by, author="employee", kind="comment", text=_said(comment),
                                     status=DisputeStatus.OPEN))
        return dispute

    def comment(self, by: uuid.UUID, comment: str, at: datetime) -> None:
        """The employee adds to an open dispute (it waits for finance again)."""
        self._ensure_open("comment on")
        self.status = DisputeStatus.OPEN
        self.history.append(Entry(at=at, by=by, author="employee", kind="comment", text=_said(comment),
                                  status=self.status))

    def answer(self, by: uuid.UUID, comment: str, at: datetime) -> None:
        self._ensure_open("answer")
        self.status = DisputeStatus.ANSWERED
        self.history.append(Entry(at=at, by=by, author="finance", kind="answer", text=_said(comment),
                                  status=self.status))

    def resolve(self, by: uuid.UUID, outcome: Outcome, comment: str, at: datetime,
                amount: Decimal | None = None) -> None:
        self._ensure_open("resolve")
        if outcome == Outcome.ACCEPTED:
            if amount is None or not amount.is_finite() or amount <= 0:
                raise InvalidInput("amount", "a resolution in the employee's favour needs a positive amount")
            if amount != amount.quantize(CENT):
                raise InvalidInput("amount", "at most two decimal places (cents)")
        elif amount is not None:
            raise InvalidInput("amount", "a refused dispute pays nothing; leave the amount out")
        self.status = DisputeStatus(outcome.value)
        self.resolution_amount = amount
        self.history.append(Entry(at=at, by=by, author="finance", kind="resolution", text=_said(comment),
                                  status=self.status, amount=amount))

    def _ensure_open(self, action: str) -> None:
        if not self.status.is_open:
            raise Conflict(f"this dispute is already {self.status.value}; cannot {action} it",
                           dispute_id=str(self.id), dispute_status=self.status.value)


def _said(comment: str) -> str:
    if not comment.strip():
        raise InvalidInput("comment", "must not be empty")
    return comment.strip()


def dispute_line(dispute: Dispute) -> PayslipLine:
    amount = dispute.resolution_amount or Decimal("0.00")
    return PayslipLine(
        rule=RULE, kind="adjustment", amount=amount, formula=FORMULA,
        calculation=f"resolved in the employee's favour: {text(amount)}",
        inputs={"dispute_id": str(dispute.id), "from_period": dispute.period, "from_run_id": str(dispute.run_id),
                "payslip_id": str(dispute.payslip_id), "line": dispute.line_index, "line_rule": dispute.line_rule,
                "line_amount": text(dispute.line_amount),
                "resolution": dispute.history[-1].text if dispute.history else None},
    )
