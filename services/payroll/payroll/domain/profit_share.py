"""Profit share of a branch's managers (P5, seed 002): managers take no commission; a share of the
branch's (department's) profit for the period — 20% by default — goes to the manager and the finance
supervisor, at least half of it to the manager.

The branch's profit for a period, as payroll can know it:

    Σ profit of the deals the department signed in the period (amount − cost)
  − Σ profit of its deals cancelled in the period (whenever they were signed)
  − the expense claims this run reimburses to the department's people (P7)

A deal recorded without a cost has no known profit: it is left out and listed on the line, so
finance sees what the figure lacks. A loss pays no share (a line of 0.00 saying so), never a
negative one. Who shares is said by the plans: a role whose plan pays the ``profit_share`` part,
on the manager's side or the finance side by its role (company settings). Each side's portion is
split equally among its people in the department and rounded once per line (P9); a side with
nobody in the department leaves its portion unpaid (each line shows both sides' head counts).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from payroll.domain.lines import PayslipLine
from payroll.domain.money import text, to_cents

RULE = "P5.profit_share"
FORMULA = "branch_profit × share_rate × side_portion ÷ people_on_the_side"


@dataclass(frozen=True)
class ProfitSharePolicy:
    share_rate: Decimal = Decimal("0.20")
    manager_portion: Decimal = Decimal("0.5")  # at least half (checked by the settings)
    manager_roles: frozenset[str] = frozenset({"department_manager", "regional_manager"})
    finance_roles: frozenset[str] = frozenset({"finance"})

    def __post_init__(self) -> None:
        if not Decimal("0.5") <= self.manager_portion <= 1:
            raise ValueError("the manager's portion of the profit share is at least half and at most all of it")
        if self.manager_roles & self.finance_roles:
            raise ValueError("a role is on the manager's side or the finance side, not both")

    def side(self, role: str) -> str | None:
        if role in self.manager_roles:
            return "manager"
        if role in self.finance_roles:
            return "finance"
        return None

    def portion(self, side: str) -> Decimal:
        return self.manager_portion if side == "manager" else 1 - self.manager_portion


@dataclass(frozen=True)
class BranchDeal:
    deal_id: uuid.UUID
    amount: Decimal
    cost: Decimal | None
    profit: Decimal | None  # crm's figure, else amount − cost, else unknown (payroll.domain.deals)
    day: date  # signed on, or cancelled on

    def as_json(self) -> dict[str, str | None]:
        return {"deal_id": str(self.deal_id), "amount": text(self.amount),
                "cost": None if self.cost is None else text(self.cost),
                "profit": None if self.profit is None else text(self.profit), "on": self.day.isoformat()}


@dataclass(frozen=True)
class BranchProfit:
    department_id: uuid.UUID
    period: str
    signed: Sequence[BranchDeal] = ()
    cancelled: Sequence[BranchDeal] = ()
    expenses: Decimal = Decimal("0.00")
    without_cost: tuple[BranchDeal, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "without_cost", tuple(d for d in (*self.signed, *self.cancelled) if d.profit is None))

    @property
    def deals_profit(self) -> Decimal:
        return sum((d.profit for d in self.signed if d.profit is not None), Decimal(0))

    @property
    def cancelled_profit(self) -> Decimal:
        return sum((d.profit for d in self.cancelled if d.profit is not None), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.deals_profit - self.cancelled_profit - self.expenses


@dataclass(frozen=True)
class Sharer:
    employee_id: uuid.UUID
    role: str
    plan_version: int


def unplaced_line(sharer: Sharer) -> PayslipLine:
    """A sharer the directory puts in no department has no branch whose profit to share."""
    return PayslipLine(rule=RULE, kind="profit_share", amount=Decimal("0.00"), formula=FORMULA,
                       calculation="not in any department: no branch profit to share → 0.00",
                       inputs={"department_id": None, "plan_version": sharer.plan_version})


def profit_share_lines(branch: BranchProfit, sharers: Iterable[Sharer], policy: ProfitSharePolicy
                       ) -> dict[uuid.UUID, PayslipLine]:
    """One line per sharer of the branch; sharers whose role is on neither side get none (the plan
    endpoints refuse such a plan, so this only guards a settings change)."""
    sides: dict[str, list[Sharer]] = {"manager": [], "finance": []}
    for sharer in sharers:
        side = policy.side(sharer.role)
        if side is not None:
            sides[side].append(sharer)
    profit = branch.total
    pool = max(profit, Decimal(0)) * policy.share_rate
    lines = {}
    for side, people in sides.items():
        for sharer in people:
            exact = pool * policy.portion(side) / len(people)
            amount = to_cents(exact)
            calculation = (f"{text(max(profit, Decimal(0)))} × {text(policy.share_rate)} × "
                           f"{text(policy.portion(side))} ÷ {len(people)} = {text(exact)} → {text(amount)}")
            if profit <= 0:
                calculation = f"the branch made no profit ({text(profit)}): no share → 0.00"
            lines[sharer.employee_id] = PayslipLine(
                rule=RULE, kind="profit_share", amount=amount, formula=FORMULA, calculation=calculation,
                inputs={
                    "department_id": str(branch.department_id), "period": branch.period, "side": side,
                    "branch_profit": text(profit), "deals_profit": text(branch.deals_profit),
                    "cancelled_profit": text(branch.cancelled_profit), "expenses": text(branch.expenses),
                    "share_rate": text(policy.share_rate), "side_portion": text(policy.portion(side)),
                    "people_on_the_side": len(people), "plan_version": sharer.plan_version,
                    # Nobody on the other side: its portion is not paid, and the line says so.
                    "people_on_the_other_side": len(sides["finance" if side == "manager" else "manager"]),
                    "deals": [d.as_json() for d in branch.signed],
                    "cancelled_deals": [d.as_json() for d in branch.cancelled],
                    "deals_without_cost": [str(d.deal_id) for d in branch.without_cost],
                },
            )
    return lines
