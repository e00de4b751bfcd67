"""P5 on the real database: a branch manager and its finance supervisor share 20% of the branch's
profit — its deals of the period less its cancellations — at least half to the manager; managers
take no commission. Figures worked out by hand."""

from __future__ import annotations

import uuid
from decimal import Decimal

from payroll_world import SALES, TELESALES, PayrollWorld, amounts, closed, day, finalized, hired

from shared.auth import Role
from shared.clock import shift_month
from shared.events.crm import DealCancelled, DealWon

D = Decimal
ANN, MAY, FEI, TOM = (uuid.UUID(int=n) for n in (0xA3, 0x3B, 0xFE, 0x70))


def won(department: uuid.UUID, period: str, amount: str, cost: str | None, signed: int = 10) -> DealWon:
    return DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=ANN, department_id=department,
                   amount=D(amount), cost=D(cost) if cost else None, signed_on=day(period, signed))


def plan(monthly_base: str, fixed: str, parts: list[str], since: str) -> dict:
    return {"effective_from": since, "monthly_base": monthly_base, "performance_standard": "0", "bonus_base": "0",
            "commission_rate": "0", "parts": parts, "performance_fixed": fixed}


SHARING = ["base", "performance_pay", "profit_share"]


async def test_the_manager_and_finance_share_the_branch_profit(world: PayrollWorld, client, tokens) -> None:
    period, hr = world.period, tokens.headers(Role.HR)
    since = shift_month(period, -9)
    await world.set_plan()
    for role, body in (("department_manager", plan("9000.00", "1000.00", SHARING, since)),
                       ("finance", plan("5000.00", "800.00", SHARING, since))):
        response = await client.put(f"/plans/{role}", json=body, headers=hr)
        assert response.status_code == 200, response.text
    for who, role, department, name in ((ANN, "sales_rep", SALES, "Ann"), (MAY, "department_manager", SALES, "May"),
                                        (FEI, "finance", SALES, "Fei"),
                                        (TOM, "department_manager", TELESALES, "Tom")):
        await world.deliver(hired(who, period, role=role, department_id=department, name=name))

    big = won(SALES, period, "100000.00", "62000.00")
    await world.deliver(big)
    await world.deliver(big)  # redelivered under a new event id: still one deal
    await world.deliver(won(SALES, period, "30000.00", "21000.50", signed=28))
    no_cost = won(SALES, period, "9999.00", None)
    await world.deliver(no_cost)
    earlier = won(SALES, shift_month(period, -1), "8000.00", "5000.00")
    await world.deliver(earlier)
    await world.deliver(DealCancelled(deal_id=earlier.deal_id, rep_id=ANN, department_id=SALES, amount=D("8000.00"),
                                      cancelled_on=day(period, 12), reason="customer withdrew",
                                      cancelled_by=uuid.uuid4()))
    await world.deliver(won(SALES, shift_month(period, 1), "70000.00", "1.00"))  # next month's: not this run's
    await world.deliver(won(TELESALES, period, "50000.00", "10000.00"))
    for event in (finalized(ANN, period), closed(period, count=1)):
        await world.deliver(event)

    slips = await world.payslips()
    # Sales: 38000.00 + 8999.50 − 3000.00 (cancelled) = 43999.50; × 0.20 = 8799.90; half each 4399.95
    assert amounts(slips[MAY]) == {"P1.base_salary": D("9000.00"), "P2.performance_fixed": D("1000.00"),
                                   "P5.profit_share": D("4399.95")}
    assert amounts(slips[FEI])["P5.profit_share"] == D("4399.95")
    (line,) = [line for line in slips[MAY].lines if line["rule"] == "P5.profit_share"]
    assert (line["inputs"]["branch_profit"], line["inputs"]["deals_profit"], line["inputs"]["cancelled_profit"]) == (
        "43999.50", "46999.50", "3000.00")
    assert line["inputs"]["deals_without_cost"] == [str(no_cost.deal_id)]
    assert {deal["deal_id"] for deal in line["inputs"]["cancelled_deals"]} == {str(earlier.deal_id)}
    assert line["inputs"]["side"] == "manager" and line["inputs"]["people_on_the_other_side"] == 1
    # Telesales has no finance supervisor: Tom gets the manager's half of 40000.00 × 0.20, the rest is unpaid.
    (tom,) = [line for line in slips[TOM].lines if line["rule"] == "P5.profit_share"]
    assert (tom["amount"], tom["inputs"]["people_on_the_other_side"]) == ("4000.00", 0)
    assert "P4.commission" not in amounts(slips[MAY])


async def test_a_profit_share_only_for_the_two_sides_and_never_with_commission(world: PayrollWorld, client,
                                                                               tokens) -> None:
    hr, since = tokens.headers(Role.HR), shift_month(world.period, -9)
    refused = await client.put("/plans/sales_rep", json=plan("3000.00", "0", SHARING, since), headers=hr)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "parts"
    both = await client.put("/plans/department_manager", headers=hr,
                            json=plan("9000.00", "0", [*SHARING, "commission"], since))
    assert both.status_code == 422
    assert "no commission" in both.json()["errors"][0]["reason"]
    assert (await client.get("/plans/department_manager", headers=hr)).status_code == 404  # nothing written
