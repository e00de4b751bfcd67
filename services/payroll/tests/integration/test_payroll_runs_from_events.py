"""Pay runs computed from appraisal, crm and org events delivered directly to the handlers, in
every order and twice: exactly one run per period, with the right payslips."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import date
from decimal import Decimal

import pytest
from payroll_world import PERIOD, SALES, PayrollWorld, amounts, closed, finalized, hired, paid

from payroll.service_layer.handlers import on_period_closed
from shared.events import CloudEvent

D = Decimal
ANN, BAO = uuid.UUID(int=0xA), uuid.UUID(int=0xB)


@pytest.mark.parametrize("order", list(itertools.permutations(["close", "ann", "bao"])), ids="-".join)
async def test_the_close_and_the_results_in_any_order_give_one_run(world: PayrollWorld, order) -> None:
    await world.set_plan()
    await world.deliver(paid(ANN, "12345.67", date(2026, 10, 3)))
    await world.deliver(paid(ANN, "4321.00", date(2026, 10, 30)))
    events = {"close": closed(count=2), "ann": finalized(ANN, score="88", coefficient="1.2"),
              "bao": finalized(BAO, score="60", coefficient="0.8")}
    envelopes = [await world.deliver(events[name]) for name in order]
    # Redelivery of every envelope, and the same facts again under new event ids.
    for envelope in envelopes:
        await world.deliver(envelope)
    for name in order:
        await world.deliver(events[name])

    (run,) = await world.runs()
    assert (run.period, run.status, run.payslip_count) == (PERIOD, "computed", 2)
    slips = await world.payslips()
    assert amounts(slips[ANN]) == {"P1.base_salary": D("3000.00"), "P2.performance_pay": D("2200.00"),
                                   "P3.bonus": D("1200.00"), "P4.commission": D("333.33")}
    assert amounts(slips[BAO]) == {"P1.base_salary": D("3000.00"), "P2.performance_pay": D("1500.00"),
                                   "P3.bonus": D("800.00"), "P4.commission": D("0.00")}
    assert (slips[ANN].gross, slips[BAO].gross, run.total_gross) == (D("6733.33"), D("5300.00"), D("12033.33"))
    assert world.duplicates == 3
    (computed,) = await world.outbox("payroll.run.computed.v1")
    assert computed["data"]["pay_run_id"] == str(run.id)
    assert computed["data"]["total_gross"] == "12033.33"


async def test_a_payslip_line_explains_its_rule_and_inputs(world: PayrollWorld) -> None:
    await world.set_plan()
    payment = paid(ANN, "1000.00", date(2026, 10, 12))
    await world.deliver(payment)
    for event in (finalized(ANN, score="90", coefficient="1.5"), closed(count=1)):
        await world.deliver(event)
    lines = {line["rule"]: line for line in (await world.payslips())[ANN].lines}
    performance = lines["P2.performance_pay"]
    assert performance["inputs"] == {"performance_standard": "2000.00", "score": "90.0000", "full_score_at": "80",
                                     "plan_version": 1}
    assert performance["formula"] == "performance_standard × score ÷ full_score_at"
    assert lines["P3.bonus"]["inputs"]["coefficient"] == "1.5000"
    commission = lines["P4.commission"]
    assert commission["inputs"]["payments"] == [{"payment_id": str(payment.payment_id),
                                                  "deal_id": str(payment.deal_id), "amount": "1000.00",
                                                  "received_on": "2026-10-12"}]
    assert commission["amount"] == "20.00"


async def test_only_money_received_in_the_period_earns_its_commission(world: PayrollWorld) -> None:
    await world.set_plan(commission_rate="0.10")
    await world.deliver(paid(ANN, "100.00", date(2026, 9, 30)))   # September's
    await world.deliver(paid(ANN, "200.00", date(2026, 10, 1)))
    await world.deliver(paid(ANN, "300.00", date(2026, 10, 31)))
    await world.deliver(paid(ANN, "400.00", date(2026, 11, 1)))   # November's
    await world.deliver(paid(BAO, "999.00", date(2026, 10, 15)))  # someone else's
    await world.deliver(finalized(ANN))
    await world.deliver(closed(count=1))
    assert amounts((await world.payslips())[ANN])["P4.commission"] == D("50.00")
    pending = await world.query("SELECT period, run_id FROM payments ORDER BY period, amount")
    assert [(row.period, row.run_id is None) for row in pending] == [
        ("2026-09", True), ("2026-10", False), ("2026-10", False), ("2026-10", True), ("2026-11", True)]


async def test_a_late_payment_is_paid_in_the_next_run_as_an_adjustment(world: PayrollWorld) -> None:
    await world.set_plan(commission_rate="0.02")
    for event in (finalized(ANN), closed(count=1)):
        await world.deliver(event)
    (october,) = await world.runs()
    late = paid(ANN, "500.25", date(2026, 10, 29))
    await world.deliver(late)
    await world.deliver(late)  # the same payment twice: recorded once
    assert amounts((await world.payslips())[ANN])["P4.commission"] == D("0.00")  # the computed run is untouched
    assert len(await world.query("SELECT 1 FROM payments WHERE run_id IS NULL")) == 1

    for event in (closed("2026-11", count=1), finalized(ANN, period="2026-11")):
        await world.deliver(event)

    november = (await world.payslips("2026-11"))[ANN]
    adjustment = next(line for line in november.lines if line["rule"] == "P8.adjustment")
    assert adjustment["amount"] == "10.01"  # 0.02 × 500.25 = 10.005
    assert adjustment["inputs"]["from_period"] == "2026-10"
    assert adjustment["inputs"]["from_run_id"] == str(october.id)
    assert [p["payment_id"] for p in adjustment["inputs"]["payments"]] == [str(late.payment_id)]
    assert november.gross == D("6410.01")  # 3000 + 2200 + 1200 + 0 + 10.01
    assert await world.query("SELECT 1 FROM payments WHERE run_id IS NULL") == []


async def test_the_role_may_come_from_the_directory_after_everything_else(world: PayrollWorld) -> None:
    await world.set_plan("telesales_agent", monthly_base="2500.00")
    await world.deliver(finalized(ANN, role=None))
    await world.deliver(closed(count=1))
    assert await world.runs() == []  # waiting for the role

    await world.deliver(hired(ANN, role="telesales_agent"))

    (run,) = await world.runs()
    slip = (await world.payslips())[ANN]
    assert (slip.role, slip.department_id, slip.employee_name) == ("telesales_agent", SALES, "Li Na")
    assert amounts(slip)["P1.base_salary"] == D("2500.00")
    assert run.payslip_count == 1


async def test_a_run_waiting_for_a_plan_is_computed_when_the_plan_is_set(world: PayrollWorld) -> None:
    await world.deliver(finalized(ANN))
    await world.deliver(closed(count=1))
    assert await world.runs() == []
    await world.set_plan(effective_from="2026-10")
    (run,) = await world.runs()
    assert run.period == PERIOD


async def test_a_plan_change_applies_from_its_period_on(world: PayrollWorld) -> None:
    await world.set_plan(effective_from="2026-01", monthly_base="3000.00")
    await world.set_plan(effective_from="2026-11", monthly_base="3300.00")
    for period in ("2026-10", "2026-11"):
        await world.deliver(finalized(ANN, period=period))
        await world.deliver(closed(period, count=1))
    assert amounts((await world.payslips("2026-10"))[ANN])["P1.base_salary"] == D("3000.00")
    november = (await world.payslips("2026-11"))[ANN]
    assert (amounts(november)["P1.base_salary"], november.plan_version) == (D("3300.00"), 2)


async def test_the_last_two_facts_arriving_at_once_still_give_exactly_one_run(world: PayrollWorld) -> None:
    """The close is handled while the last result lands: the close's transaction has read the
    results (one of two) and not yet committed. Without the pay-run lock the result's transaction
    would not see the close either, and the period would wait for ever."""
    await world.set_plan()
    await world.deliver(finalized(ANN))
    has_read, resume = asyncio.Event(), asyncio.Event()

    async def close_pausing_after_reading_results() -> None:
        envelope = CloudEvent.wrap(closed(count=2), source="/test")
        async with world.uow() as uow:
            read_results = uow.appraisal.results

            async def results_then_pause(period: str):
                found = await read_results(period)
                has_read.set()
                await resume.wait()
                return found

            uow.appraisal.results = results_then_pause  # type: ignore[method-assign]
            await on_period_closed(envelope, uow)
            await uow.commit()

    closing = asyncio.create_task(close_pausing_after_reading_results())
    await has_read.wait()
    last_result = asyncio.create_task(world.deliver(finalized(BAO)))
    await asyncio.sleep(0.3)  # time for the result's transaction to commit, were it not held
    resume.set()
    await asyncio.gather(closing, last_result)

    (run,) = await world.runs()
    assert run.payslip_count == 2


async def test_an_unparseable_event_fails_loudly(world: PayrollWorld) -> None:
    broken = CloudEvent(source="/appraisal", type="appraisal.period.closed.v1", data={"period": "2026-10"})
    with pytest.raises(ValueError):
        await world.deliver(broken)
    assert await world.query("SELECT 1 FROM inbox") == []
