"""Money never lost (issue 9, item 7) on the real database: every payment collected earns
commission on some run or is on the not-yet-paid list with its reason."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
from payroll_world import SALES, PayrollWorld, Tokens, amounts, closed, day, finalized, hired, paid

from shared.auth import Role
from shared.clock import shift_month
from shared.events.org import EmployeeLeft

D = Decimal
ANN, MAY, RAY, SID = (uuid.UUID(int=n) for n in (0xA2, 0x3A, 0x4A, 0x51))


async def unpaid(client: httpx.AsyncClient, tokens: Tokens) -> dict:
    response = await client.get("/collections/unpaid", headers=tokens.headers(Role.FINANCE))
    assert response.status_code == 200, response.text
    return response.json()


def by_payment(listing: dict) -> dict[str, dict]:
    return {item["payment_id"]: item for item in listing["payments"]}


async def test_a_month_without_a_pay_run_is_paid_by_the_next_run(world: PayrollWorld, client, tokens) -> None:
    period, before = world.period, shift_month(world.period, -1)
    await world.set_plan(commission_rate="0.10")
    await world.deliver(hired(ANN, period, name="Ann"))
    orphan = paid(ANN, "150.00", day(before, 20))  # before never closes: it gets no run
    await world.deliver(orphan)
    listing = await unpaid(client, tokens)
    assert [(i["payment_id"], i["reason"]) for i in listing["payments"]] == [
        (str(orphan.payment_id), "period_not_closed")]
    assert listing["total"] == "150.00"

    await world.deliver(paid(ANN, "200.00", day(period, 3)))
    await world.deliver(finalized(ANN, period))
    await world.deliver(closed(period, count=1))

    slip = (await world.payslips())[ANN]
    assert amounts(slip)["P4.commission"] == D("20.00")
    (adjustment,) = [line for line in slip.lines if line["rule"] == "P8.adjustment"]
    assert (adjustment["amount"], adjustment["inputs"]["from_period"], adjustment["inputs"]["from_run_id"]) == (
        "15.00", before, None)
    assert "no pay run of its own" in adjustment["inputs"]["reason"]
    assert (await unpaid(client, tokens))["payments"] == []


async def test_a_closed_period_waiting_for_its_run_keeps_its_payments(world: PayrollWorld, client, tokens) -> None:
    period, before = world.period, shift_month(world.period, -1)
    await world.set_plan(commission_rate="0.10")
    await world.deliver(hired(ANN, period, name="Ann"))
    waiting = paid(ANN, "300.00", day(before, 9))
    await world.deliver(waiting)
    await world.deliver(closed(before, count=1))  # closed, but its one result never arrived
    for event in (finalized(ANN, period), closed(period, count=1)):
        await world.deliver(event)

    slip = (await world.payslips())[ANN]
    assert "P8.adjustment" not in amounts(slip)
    item = by_payment(await unpaid(client, tokens))[str(waiting.payment_id)]
    assert item["reason"] == "awaiting_period_run"
    assert before in item["explanation"]


async def test_who_cannot_earn_commission_is_listed_with_the_reason(world: PayrollWorld, client, tokens) -> None:
    """May: a manager whose plan pays no commission. Ray: no plan for his role (a blocker).
    Sid: left in the period; his late payment arrives after the run. Ann: an ordinary late payment."""
    period, hr = world.period, tokens.headers(Role.HR)
    since = shift_month(period, -9)
    await world.set_plan(commission_rate="0.10")
    response = await client.put("/plans/department_manager", headers=hr, json={
        "effective_from": since, "monthly_base": "9000.00", "performance_standard": "0", "bonus_base": "0",
        "commission_rate": "0", "parts": ["base", "performance_pay"], "performance_fixed": "1000.00"})
    assert response.status_code == 200, response.text
    for who, role, name in ((ANN, "sales_rep", "Ann"), (MAY, "department_manager", "May"),
                            (RAY, "supervisor", "Ray"), (SID, "sales_rep", "Sid")):
        await world.deliver(hired(who, period, role=role, name=name))
    await world.deliver(EmployeeLeft(employee_id=SID, left_on=day(period, 15), department_id=SALES))
    manager_sale = paid(MAY, "5000.00", day(period, 4))
    blocked_sale = paid(RAY, "700.00", day(period, 5))
    for event in (manager_sale, blocked_sale, finalized(ANN, period), finalized(SID, period),
                  closed(period, count=2)):
        await world.deliver(event)
    (run,) = await world.runs()
    assert [blocker["employee_id"] for blocker in run.blockers] == [str(RAY)]
    slips = await world.payslips()
    assert "P4.commission" not in amounts(slips[MAY])  # nothing settled as nothing

    late_ann, late_sid = paid(ANN, "80.00", day(period, -1)), paid(SID, "90.00", day(period, 10))
    await world.deliver(late_ann)
    await world.deliver(late_sid)

    listing = await unpaid(client, tokens)
    reasons = {key: (item["reason"], item["rep_name"]) for key, item in by_payment(listing).items()}
    assert reasons == {
        str(manager_sale.payment_id): ("no_commission", "May"),
        str(blocked_sale.payment_id): ("blocked", "Ray"),
        str(late_ann.payment_id): ("next_run", "Ann"),
        str(late_sid.payment_id): ("not_on_later_runs", "Sid"),
    }
    assert (listing["count"], listing["total"]) == (4, "5870.00")
    explanations = {key: item["explanation"] for key, item in by_payment(listing).items()}
    assert "department_manager" in explanations[str(manager_sale.payment_id)]
    assert "no compensation plan" in explanations[str(blocked_sale.payment_id)]
    assert day(period, 15).isoformat() in explanations[str(late_sid.payment_id)]


async def test_only_payroll_officers_read_the_list(client, tokens) -> None:
    for roles in ((Role.SALES_REP,), (Role.GROUP_LEADER,), (Role.DEPARTMENT_MANAGER,)):
        response = await client.get("/collections/unpaid", headers=tokens.headers(*roles))
        assert response.status_code == 403, roles
        assert response.headers["content-type"].startswith("application/problem+json")
