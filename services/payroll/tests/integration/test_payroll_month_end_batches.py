"""A month end arrives in batches: the runner hands payroll a partition's events in one transaction,
and payroll stores that batch's results together and asks once, at the commit, whether the run is
due. The batch must store what the same events one by one would, redelivered and reordered ones
included, and give exactly one run."""

from __future__ import annotations

import uuid
from decimal import Decimal

from payroll_world import PayrollWorld, closed, day, finalized, paid

from payroll.entrypoints.consumers import CONSUMERS
from shared.events import CloudEvent
from shared.events.envelope import Event

INPUTS = next(spec for spec in CONSUMERS if spec.name == "payroll-inputs")
ANN, BAO, CAI = uuid.UUID(int=0xA), uuid.UUID(int=0xB), uuid.UUID(int=0xC)


async def deliver_batch(world: PayrollWorld, items: list[Event | CloudEvent]) -> list[CloudEvent]:
    """Handle ``items`` in one unit of work with their inbox rows, as ConsumerRunner handles a batch."""
    envelopes = [item if isinstance(item, CloudEvent) else CloudEvent.wrap(item, source="/test",
                                                                           time=world.runtime.clock.now())
                 for item in items]
    async with world.uow() as uow:
        for envelope in envelopes:
            if await uow.claim_inbox(INPUTS.name, envelope):
                await INPUTS.handlers[envelope.type](envelope, uow, world.runtime.bus)
        await uow.commit()
    return envelopes


async def stored_results(world: PayrollWorld) -> dict[uuid.UUID, tuple[Decimal, int]]:
    rows = await world.query("SELECT employee_id, score, revision FROM appraisal_results WHERE period = :p",
                             p=world.period)
    return {row.employee_id: (row.score, row.revision) for row in rows}


async def test_a_close_and_all_its_results_in_one_batch_give_one_run(world: PayrollWorld, period: str) -> None:
    await world.set_plan()
    await world.deliver(paid(ANN, "1000.00", day(period, 3)))
    first_ann = CloudEvent.wrap(finalized(ANN, period, score="88"), source="/test", time=world.runtime.clock.now())
    await deliver_batch(world, [
        finalized(BAO, period, score="60", coefficient="0.8"),
        first_ann,
        first_ann,  # redelivered within the batch: the inbox drops it
        closed(period, count=2),
        # The same revision again under a new event id with another score: the first one stands.
        finalized(ANN, period, score="10", coefficient="0.1"),
    ])

    assert await stored_results(world) == {ANN: (Decimal("88.00"), 1), BAO: (Decimal("60.00"), 1)}
    (run,) = await world.runs()
    assert run.payslip_count == 2
    assert (await world.payslips())[ANN].score == Decimal("88.00")

    # The whole batch redelivered (the offset commit was lost): nothing changes, no second run.
    await deliver_batch(world, [finalized(BAO, period, score="61"), closed(period, count=2)])
    assert await stored_results(world) == {ANN: (Decimal("88.00"), 1), BAO: (Decimal("60.00"), 1)}
    assert len(await world.runs()) == 1


async def test_the_run_waits_for_the_batch_that_completes_the_close(world: PayrollWorld, period: str) -> None:
    await world.set_plan()
    await deliver_batch(world, [closed(period, count=3), finalized(ANN, period), finalized(BAO, period)])
    assert await world.runs() == []
    await deliver_batch(world, [finalized(BAO, period, score="1"), finalized(CAI, period, score="70")])

    (run,) = await world.runs()
    assert run.payslip_count == 3
    assert (await stored_results(world))[BAO] == (Decimal("88.00"), 1)


async def test_within_a_batch_the_highest_revision_of_a_result_is_kept(world: PayrollWorld, period: str) -> None:
    revised = finalized(ANN, period, score="75").model_copy(update={"revision": 2})
    await deliver_batch(world, [finalized(ANN, period, score="88"), revised, finalized(ANN, period, score="50")])
    assert await stored_results(world) == {ANN: (Decimal("75.00"), 2)}

    # A lower revision arriving in a later batch (reordered across partitions) changes nothing.
    await deliver_batch(world, [finalized(ANN, period, score="99")])
    assert await stored_results(world) == {ANN: (Decimal("75.00"), 2)}
