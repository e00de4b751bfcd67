"""Refunds and cancellations reverse the commission paid (P4 clawback, issue 9 item 4).

Each run records what every deal or payment earned its rep (an *accrual*). A refund reverses the
refunded share of what its payment earned (refund ÷ the money the payment earned on × earned); a
cancelled deal reverses whatever its deal and its payments earned and is not reversed yet. An
accrual is never reversed beyond what it earned, so a refund and the cancellation of the same deal,
in either order, reverse it once. Money refunded before its payment earned anything reverses nothing:
the payment earns on its amount net of refunds when it is settled.

The reversal is a negative line on the next run. If the month's commission cannot absorb it, the rest
is *carried*: stored per employee, shown on the line, and taken from later runs' commission — never
dropped. Only the rep's own commission is reversed; team-pool shares paid to others stay paid.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from payroll.domain.deals import DealCancellation, Refund
from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents

RULE = "P4.clawback"
CARRY_RULE = "P4.clawback_carried"
ZERO = Decimal(0)
CENTS_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Accrual:
    """What one deal or payment earned one employee on one run (exact)."""

    id: uuid.UUID
    run_id: uuid.UUID
    period: str
    employee_id: uuid.UUID
    kind: str  # "deal" | "payment"
    source_id: uuid.UUID
    deal_id: uuid.UUID
    money: Decimal  # the money it earned on: the deal's amount, or the payment net of earlier refunds
    earned: Decimal
    plan: str  # the plan (key@version, or the role plan's flat rate) that paid it
    reversed: Decimal = ZERO  # by clawbacks of other runs so far


@dataclass(frozen=True)
class Reversal:
    accrual: Accrual
    cause: str  # "refund" | "cancellation"
    cause_id: uuid.UUID
    amount: Decimal  # exact, positive: what comes back


def reversals(refunds: Sequence[Refund], cancellations: Sequence[DealCancellation], accruals: Iterable[Accrual]
              ) -> list[Reversal]:
    """Refunds first (each its share), then cancellations (what is left), never beyond what an accrual earned."""
    left = {a.id: a.earned - a.reversed for a in accruals}
    by_payment: dict[uuid.UUID, list[Accrual]] = defaultdict(list)
    by_deal: dict[uuid.UUID, list[Accrual]] = defaultdict(list)
    for accrual in accruals:
        by_deal[accrual.deal_id].append(accrual)
        if accrual.kind == "payment":
            by_payment[accrual.source_id].append(accrual)
    out: list[Reversal] = []
    for refund in sorted(refunds, key=lambda r: (r.refunded_on, str(r.refund_id))):
        for accrual in by_payment.get(refund.payment_id, []):
            if accrual.money <= 0:
                continue
            amount = min(accrual.earned * min(refund.amount / accrual.money, Decimal(1)), left[accrual.id])
            if amount > 0:
                left[accrual.id] -= amount
                out.append(Reversal(accrual, "refund", refund.refund_id, amount))
    for cancellation in sorted(cancellations, key=lambda c: (c.cancelled_on, str(c.deal_id))):
        for accrual in by_deal.get(cancellation.deal_id, []):
            amount = left[accrual.id]
            if amount > 0:
                left[accrual.id] = ZERO
                out.append(Reversal(accrual, "cancellation", cancellation.deal_id, amount))
    return out


def clawback_lines(employee_reversals: Sequence[Reversal], refunds: Sequence[Refund],
                   cancellations: Sequence[DealCancellation]) -> list[PayslipLine]:
    """One negative line per refund or cancelled deal that reversed something, naming it and the runs that paid."""
    grouped: dict[tuple[str, uuid.UUID], list[Reversal]] = defaultdict(list)
    for reversal in employee_reversals:
        grouped[(reversal.cause, reversal.cause_id)].append(reversal)
    refund_of = {r.refund_id: r for r in refunds}
    cancellation_of = {c.deal_id: c for c in cancellations}
    lines = []
    for (cause, cause_id), items in sorted(grouped.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
        exact = sum((r.amount for r in items), ZERO)
        amount = -to_cents(exact)
        paid = [{"run_id": str(r.accrual.run_id), "period": r.accrual.period, f"{r.accrual.kind}_id":
                 str(r.accrual.source_id), "earned": text(r.accrual.earned), "on": text(r.accrual.money),
                 "plan": r.accrual.plan, "reversed": text(r.amount)} for r in items]
        if cause == "refund":
            refund = refund_of[cause_id]
            parts = " + ".join(f"{text(r.accrual.earned)} × {text(refund.amount)} ÷ {text(r.accrual.money)}"
                               for r in items)
            inputs = {"refund_id": str(cause_id), "payment_id": str(refund.payment_id), "deal_id": str(refund.deal_id),
                      "refunded": text(refund.amount), "refunded_on": refund.refunded_on.isoformat(),
                      "reason": refund.reason, "paid_by": paid}
            formula = "−(commission the payment earned × refunded ÷ the money it earned on)"
        else:
            cancellation = cancellation_of[cause_id]
            parts = " + ".join(text(r.amount) for r in items)
            inputs = {"deal_id": str(cause_id), "cancelled_on": cancellation.cancelled_on.isoformat(),
                      "reason": cancellation.reason, "paid_by": paid}
            formula = "−(commission the deal and its payments earned, not reversed yet)"
        lines.append(PayslipLine(rule=RULE, kind="clawback", amount=amount, formula=formula,
                                 calculation=f"−({parts}) = {text(-exact)} → {text(amount)}", inputs=inputs))
    return lines


@dataclass(frozen=True)
class Balance:
    brought: Decimal  # owed from earlier runs (positive)
    carried: Decimal  # owed after this run (positive)
    line: PayslipLine | None


def settle_balance(commission_paid: Decimal, clawed: Decimal, owed_before: Decimal) -> Balance:
    """Take the clawbacks of this run (``clawed``, positive, the sum of the clawback lines) and the
    balance owed from earlier runs out of this run's commission, at most all of it; the rest is carried.
    The carry line makes the payslip say so: it adds back what is carried out and takes what is
    brought in, so clawback lines + carry line = −(what this run's commission actually gave up)."""
    owed = clawed + owed_before
    taken = min(owed, max(commission_paid, CENTS_ZERO))
    carried = owed - taken
    if owed_before == 0 and carried == 0:
        return Balance(brought=owed_before, carried=carried, line=None)
    amount = carried - owed_before
    return Balance(brought=owed_before, carried=carried, line=PayslipLine(
        rule=CARRY_RULE, kind="clawback", amount=amount,
        formula="clawback balance carried out − balance brought in; taken from commission, never below zero",
        calculation=(f"owed {text(owed_before)} brought + {text(clawed)} clawed = {text(owed)}; "
                     f"taken from commission {text(commission_paid)}: {text(taken)}; "
                     f"carried forward {text(carried)} → {text(amount)}"),
        inputs={"brought_forward": text(owed_before), "clawed_this_run": text(clawed),
                "commission": text(commission_paid), "taken": text(taken), "carried_forward": text(carried)},
    ))
