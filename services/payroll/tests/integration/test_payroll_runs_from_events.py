"""Pay runs computed from appraisal, crm and org events delivered directly to the handlers, in
every order and twice: exactly one run per period, with the right payslips."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from payroll_world import SALES, PayrollWorld, amounts, closed, day, finalized, hired, paid

from payroll.entrypoints.consumers import on_period_closed
from payroll.service_layer import commands
from shared.clock import FixedClock, shift_month
from shared.events import CloudEvent

D = Decimal
ANN, BAO = uuid.UUID(int=0xA), uuid.UUID(int=0xB)


@pytest.mark.parametrize("order", list(itertools.permutations(["close", "ann", "bao"])), ids="-".join)
async def test_the_close_and_the_results_in_any_order_give_one_run(world: PayrollWorld, period: str, order) -> None:
    await world.set_plan()
    await world.deliver(paid(ANN, "12345.67", day(period, 3)))
    await world.deliver(paid(ANN, "4321.00", day(period, -2)))
    events = {"close": closed(period, count=2), "ann": finalized(ANN, period, score="88", coefficient="1.2"),
              "bao": finalized(BAO, period, score="60", coefficient="0.8")}
    envelopes = [await world.deliver(events[name]) for name in order]
    # Redelivery of every envelope, and the same facts again under new event ids.
    for envelope in envelopes:
        await world.deliver(envelope)
    for name in order:
        await world.deliver(events[name])

    (run,) = await world.runs()
    assert (run.period, run.status, run.payslip_count) == (period, "computed", 2)
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


async def test_a_payslip_line_explains_its_rule_and_inputs(world: PayrollWorld, period: str) -> None:
    await world.set_plan()
    payment = paid(ANN, "1000.00", day(period, 12))
    await world.deliver(payment)
    for event in (finalized(ANN, period, score="90", coefficient="1.5"), closed(period, count=1)):
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
                                                  "received_on": day(period, 12).isoformat()}]
    assert commission["amount"] == "20.00"


async def test_only_money_received_in_the_period_earns_its_commission(world: PayrollWorld, period: str) -> None:
    before, after = shift_month(period, -1), shift_month(period, 1)
    await world.set_plan(commission_rate="0.10")
    await world.deliver(paid(ANN, "100.00", day(before, -1)))   # the month before's
    await world.deliver(paid(ANN, "200.00", day(period, 1)))
    await world.deliver(paid(ANN, "300.00", day(period, -1)))
    await world.deliver(paid(ANN, "400.00", day(after, 1)))     # the month after's
    await world.deliver(paid(BAO, "999.00", day(period, 15)))  # someone else's
    await world.deliver(finalized(ANN, period))
    await world.deliver(closed(period, count=1))
    assert amounts((await world.payslips())[ANN])["P4.commission"] == D("50.00")
    pending = await world.query("SELECT period, settled_as FROM payments ORDER BY period, amount")
    # The month before has no run and no close: nothing else would pay it, so this run does, apart
    # (P8.adjustment, item 7 of issue 9). The month after waits for its own run.
    assert [(row.period, row.settled_as) for row in pending] == [
        (before, "adjustment"), (period, "commission"), (period, "commission"), (period, None), (after, None)]


async def test_a_late_payment_is_paid_in_the_next_run_as_an_adjustment(world: PayrollWorld, period: str) -> None:
    following = shift_month(period, 1)
    await world.set_plan(commission_rate="0.02")
    for event in (finalized(ANN, period), closed(period, count=1)):
        await world.deliver(event)
    (first_run,) = await world.runs()
    late = paid(ANN, "500.25", day(period, -3))
    await world.deliver(late)
    await world.deliver(late)  # the same payment twice: recorded once
    assert amounts((await world.payslips())[ANN])["P4.commission"] == D("0.00")  # the computed run is untouched
    assert len(await world.query("SELECT 1 FROM payments WHERE run_id IS NULL")) == 1

    for event in (closed(following, count=1), finalized(ANN, following)):
        await world.deliver(event)

    next_slip = (await world.payslips(following))[ANN]
    adjustment = next(line for line in next_slip.lines if line["rule"] == "P8.adjustment")
    assert adjustment["amount"] == "10.01"  # 0.02 × 500.25 = 10.005
    assert adjustment["inputs"]["from_period"] == period
    assert adjustment["inputs"]["from_run_id"] == str(first_run.id)
    assert [p["payment_id"] for p in adjustment["inputs"]["payments"]] == [str(late.payment_id)]
    assert next_slip.gross == D("6410.01")  # 3000 + 2200 + 1200 + 0 + 10.01
    assert await world.query("SELECT 1 FROM payments WHERE run_id IS NULL") == []


async def test_the_role_may_come_from_the_directory_after_everything_else(world: PayrollWorld, period: str) -> None:
    await world.set_plan("telesales_agent", monthly_base="2500.00")
    await world.deliver(finalized(ANN, period, role=None))
    await world.deliver(closed(period, count=1))
    assert await world.runs() == []  # waiting for the role

    await world.deliver(hired(ANN, period, role="telesales_agent"))

    (run,) = await world.runs()
    slip = (await world.payslips())[ANN]
    assert (slip.role, slip.department_id, slip.employee_name) == ("telesales_agent", SALES, "Li Na")
    assert amounts(slip)["P1.base_salary"] == D("2500.00")
    assert run.payslip_count == 1


async def test_a_role_without_a_plan_is_a_blocker_until_the_plan_is_set_and_the_run_recomputed(
        world: PayrollWorld, period: str) -> None:
    # By design (issue 9): the run no longer waits for a plan; it lists whom it cannot pay.
    await world.deliver(finalized(ANN, period))
    await world.deliver(closed(period, count=1))
    (run,) = await world.runs()
    assert (run.payslip_count, [b["employee_id"] for b in run.blockers]) == (0, [str(ANN)])
    await world.set_plan(effective_from=period)
    await world.runtime.bus.handle(commands.RecomputeRun(run_id=run.id, by=uuid.uuid4()))
    (run,) = await world.runs()
    assert (run.period, run.payslip_count, run.blockers) == (period, 1, [])


async def test_a_plan_change_applies_from_its_period_on(world: PayrollWorld, period: str) -> None:
    following = shift_month(period, 1)
    await world.set_plan(effective_from=shift_month(period, -9), monthly_base="3000.00")
    await world.set_plan(effective_from=following, monthly_base="3300.00")
    for each in (period, following):
        await world.deliver(finalized(ANN, each))
        await world.deliver(closed(each, count=1))
    assert amounts((await world.payslips(period))[ANN])["P1.base_salary"] == D("3000.00")
    next_slip = (await world.payslips(following))[ANN]
    assert (amounts(next_slip)["P1.base_salary"], next_slip.plan_version) == (D("3300.00"), 2)


async def test_the_last_two_facts_arriving_at_once_still_give_exactly_one_run(world: PayrollWorld,
                                                                             period: str) -> None:
    """The close is handled while the last result lands: the close's transaction has counted the
    results (one of two) and not yet committed. Without the pay-run lock the result's transaction
    would not see the close either, and the period would wait for ever."""
    await world.set_plan()
    await world.deliver(finalized(ANN, period))
    has_read, resume = asyncio.Event(), asyncio.Event()

    async def close_pausing_after_reading_results() -> None:
        envelope = CloudEvent.wrap(closed(period, count=2), source="/test", time=world.runtime.clock.now())
        async with world.uow() as uow:
            # What the close's transaction reads first of the results: whether all of them are in.
            count_results = uow.appraisal.all_results_in

            async def counted_then_pause(period: str):
                found = await count_results(period)
                has_read.set()
                await resume.wait()
                return found

            uow.appraisal.all_results_in = counted_then_pause  # type: ignore[method-assign]
            await on_period_closed(envelope, uow, world.runtime.bus)
            await uow.commit()

    closing = asyncio.create_task(close_pausing_after_reading_results())
    await has_read.wait()
    last_result = asyncio.create_task(world.deliver(finalized(BAO, period)))
    await asyncio.sleep(0.3)  # time for the result's transaction to commit, were it not held
    resume.set()
    await asyncio.gather(closing, last_result)

    (run,) = await world.runs()
    assert run.payslip_count == 2


async def test_a_run_is_stamped_by_the_service_clock(world: PayrollWorld, period: str, clock: FixedClock) -> None:
    await world.set_plan()
    for event in (finalized(ANN, period), closed(period, count=1)):
        await world.deliver(event)
    computed_at = clock.now()
    locked_at = clock.advance(timedelta(days=2))
    (run,) = await world.runs()
    await world.runtime.bus.handle(commands.ApproveRun(run_id=run.id, by=uuid.uuid4()))
    await world.runtime.bus.handle(commands.LockRun(run_id=run.id, by=uuid.uuid4()))
    (run,) = await world.runs()
    assert (run.computed_at, run.approved_at, run.locked_at) == (computed_at, locked_at, locked_at)


async def test_an_unparseable_event_fails_loudly(world: PayrollWorld, period: str) -> None:
    broken = CloudEvent(source="/appraisal", type="appraisal.period.closed.v1", data={"period": period})
    with pytest.raises(ValueError):
        await world.deliver(broken)
    assert await world.query("SELECT 1 FROM inbox") == []
