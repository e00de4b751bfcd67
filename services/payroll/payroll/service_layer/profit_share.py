"""P5 in a run: the branch's profit per department with sharers on the run, and their lines
(:mod:`payroll.domain.profit_share`)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from payroll.adapters.repositories import Placement
from payroll.domain.deals import Deal
from payroll.domain.expenses import RULE as EXPENSE_RULE
from payroll.domain.lines import PayslipLine
from payroll.domain.plans import PROFIT_SHARE
from payroll.domain.profit_share import (
    BranchDeal,
    BranchProfit,
    ProfitSharePolicy,
    Sharer,
    profit_share_lines,
    unplaced_line,
)
from payroll.domain.roster import Payable
from payroll.service_layer.unit_of_work import PayrollUnitOfWork


async def share_profit(uow: PayrollUnitOfWork, policy: ProfitSharePolicy, period: str, payable: Sequence[Payable],
                       placements: Mapping[uuid.UUID, Placement],
                       extra_lines: Mapping[uuid.UUID, Sequence[PayslipLine]]) -> dict[uuid.UUID, PayslipLine]:
    """Each sharer's line. The expenses taken from the branch's profit are the claims this same run
    reimburses to the department's people (``extra_lines``), so profit and reimbursement agree."""
    by_department: dict[uuid.UUID | None, list[Sharer]] = defaultdict(list)
    for each in payable:
        if each.plan.pays(PROFIT_SHARE):
            placement = placements.get(each.employee_id)
            by_department[placement.department_id if placement else None].append(
                Sharer(each.employee_id, each.role, each.plan.version))
    lines: dict[uuid.UUID, PayslipLine] = {}
    for sharer in by_department.pop(None, []):
        lines[sharer.employee_id] = unplaced_line(sharer)
    for department_id, sharers in by_department.items():
        assert department_id is not None
        expenses = sum((line.amount for employee_id, slip_lines in extra_lines.items()
                        if (placement := placements.get(employee_id)) and placement.department_id == department_id
                        for line in slip_lines if line.rule == EXPENSE_RULE), Decimal("0.00"))
        signed = await uow.deals.signed(period=period, department_id=department_id, include_cancelled=True)
        # A cancellation whose deal has not reached payroll has no known profit: listed, not counted.
        cancelled = [_branch_deal(deal, cancellation.cancelled_on) if deal else
                     BranchDeal(cancellation.deal_id, cancellation.amount, None, None, cancellation.cancelled_on)
                     for cancellation, deal in await uow.deals.cancelled_in(period, department_id)]
        branch = BranchProfit(department_id, period, signed=[_branch_deal(deal, deal.signed_on) for deal in signed],
                              cancelled=cancelled, expenses=expenses)
        lines.update(profit_share_lines(branch, sharers, policy))
    return lines


def _branch_deal(deal: Deal, day: date) -> BranchDeal:
    return BranchDeal(deal_id=deal.deal_id, amount=deal.amount, cost=deal.cost, profit=deal.profit, day=day)
