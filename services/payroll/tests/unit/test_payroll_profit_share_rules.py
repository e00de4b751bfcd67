"""P5 profit share: the branch's profit, the pool, the split, rounding and losses, by hand."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from payroll.domain.profit_share import BranchDeal, BranchProfit, ProfitSharePolicy, Sharer, profit_share_lines

D = Decimal
BRANCH = uuid.UUID(int=0xB1)
MAY, FEI, FAN = uuid.UUID(int=1), uuid.UUID(int=2), uuid.UUID(int=3)


def deal(amount: str, cost: str | None, day: int = 10) -> BranchDeal:
    profit = None if cost is None else D(amount) - D(cost)
    return BranchDeal(uuid.uuid4(), D(amount), None if cost is None else D(cost), profit, date(2026, 10, day))


def branch(*, signed=(), cancelled=(), expenses="0.00") -> BranchProfit:
    return BranchProfit(BRANCH, "2026-10", signed=signed, cancelled=cancelled, expenses=D(expenses))


def test_the_branch_profit_is_deals_less_cancellations_less_expenses() -> None:
    b = branch(signed=[deal("100000.00", "62000.00"), deal("30000.00", "21000.50"), deal("9999.00", None)],
               cancelled=[deal("8000.00", "5000.00", day=20)], expenses="1234.56")
    assert (b.deals_profit, b.cancelled_profit) == (D("46999.50"), D("3000.00"))
    assert b.total == D("42764.94")  # 46999.50 − 3000.00 − 1234.56
    assert [d.amount for d in b.without_cost] == [D("9999.00")]


def test_twenty_percent_half_to_the_manager_half_to_finance() -> None:
    b = branch(signed=[deal("100000.00", "62000.00"), deal("30000.00", "21000.50")], expenses="1234.56")
    lines = profit_share_lines(b, [Sharer(MAY, "department_manager", 1), Sharer(FEI, "finance", 2)],
                               ProfitSharePolicy())
    # 45764.94 × 0.20 = 9152.988; half each = 4576.494 → 4576.49
    assert (lines[MAY].amount, lines[FEI].amount) == (D("4576.49"), D("4576.49"))
    assert lines[MAY].inputs["branch_profit"] == "45764.94"
    assert lines[MAY].inputs["side"] == "manager" and lines[FEI].inputs["side"] == "finance"
    assert lines[FEI].inputs["plan_version"] == 2


def test_a_larger_manager_portion_and_two_finance_people_round_at_each_line() -> None:
    policy = ProfitSharePolicy(share_rate=D("0.20"), manager_portion=D("0.6"))
    lines = profit_share_lines(branch(signed=[deal("10000.05", "0.00")]),
                               [Sharer(MAY, "department_manager", 1), Sharer(FEI, "finance", 1),
                                Sharer(FAN, "finance", 1)], policy)
    # pool 2000.01; manager 1200.006 → 1200.01; finance 800.004 ÷ 2 = 400.002 → 400.00 each
    assert [lines[who].amount for who in (MAY, FEI, FAN)] == [D("1200.01"), D("400.00"), D("400.00")]
    assert lines[FAN].inputs["people_on_the_side"] == 2


def test_a_loss_pays_no_share_and_says_so() -> None:
    lines = profit_share_lines(branch(signed=[deal("1000.00", "900.00")], expenses="500.00"),
                               [Sharer(MAY, "department_manager", 1)], ProfitSharePolicy())
    assert lines[MAY].amount == D("0.00")
    assert "no profit (-400.00)" in lines[MAY].calculation
    assert lines[MAY].inputs["people_on_the_other_side"] == 0


@pytest.mark.parametrize("portion", ["0.49", "1.01"])
def test_the_manager_takes_at_least_half(portion: str) -> None:
    with pytest.raises(ValueError):
        ProfitSharePolicy(manager_portion=D(portion))
