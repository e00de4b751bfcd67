"""Work deferred to the commit of a unit of work: once per key, in key order, and only if it commits."""

from __future__ import annotations

from sqlalchemy import select

from shared.db import outbox
from shared.events import CloudEvent
from shared.tests.integration.conftest import CounterIncremented, counter_value, increment


def counting(uow, name: str, log: list[str]):
    async def action() -> None:
        log.append(name)
        await increment(CloudEvent.wrap(CounterIncremented(name=name), source="/test"), uow)
        uow.emit(CounterIncremented(name=f"{name}-announced"))
    return action


async def test_deferred_work_runs_once_per_key_in_key_order_before_the_events_are_written(harness):
    ran: list[str] = []
    async with harness.uow() as uow:
        for name in ["b", "a", "b", "a", "c"]:
            uow.before_commit(name, counting(uow, name, ran))
        assert ran == []
        await uow.commit()
    assert ran == ["a", "b", "c"]
    assert [await counter_value(harness.sessions, n) for n in ("a", "b", "c")] == [1, 1, 1]
    async with harness.sessions() as session:
        announced = (await session.execute(select(outbox.c.envelope["data"]["name"].astext))).scalars().all()
    assert sorted(announced) == ["a-announced", "b-announced", "c-announced"]


async def test_deferred_work_is_dropped_with_a_rollback(harness):
    ran: list[str] = []
    async with harness.uow() as uow:
        uow.before_commit("gone", counting(uow, "gone", ran))
    async with harness.uow() as uow:  # a new unit starts with nothing deferred
        await uow.commit()
    assert ran == [] and await counter_value(harness.sessions, "gone") is None

