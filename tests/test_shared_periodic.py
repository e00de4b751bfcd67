"""The worker's periodic tasks (shared.runtime.run_periodic): each task's command goes through the
bus on its interval, a failing run does not end the loop, 0 disables a task, and stop ends it."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from org.bootstrap import bootstrap
from org.config import OrgSettings
from org.service_layer.attendance_commands import SweepAttendance
from shared.runtime import PeriodicTask, run_periodic


class Tick:
    pass


class CountingBus:
    def __init__(self, fail_first: bool = False) -> None:
        self.handled: list[object] = []
        self.fail_first = fail_first

    async def handle(self, command: object) -> None:
        self.handled.append(command)
        if self.fail_first and len(self.handled) == 1:
            raise RuntimeError("the database is away")


async def run_for(seconds: float, bus: CountingBus, *tasks: PeriodicTask) -> None:
    stop = asyncio.Event()
    runner = asyncio.create_task(run_periodic(SimpleNamespace(bus=bus, periodic=tasks), stop))
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.wait_for(runner, timeout=1)


async def test_a_task_runs_on_its_interval_and_survives_a_failure() -> None:
    bus = CountingBus(fail_first=True)

    await run_for(0.25, bus, PeriodicTask("tick", 0.05, Tick))

    assert len(bus.handled) >= 3
    assert all(isinstance(command, Tick) for command in bus.handled)


async def test_an_interval_of_zero_disables_a_task_and_stop_still_ends_the_loop() -> None:
    bus = CountingBus()

    await run_for(0.05, bus, PeriodicTask("never", 0, Tick))

    assert bus.handled == []


def test_org_sweeps_attendance_on_the_configured_interval() -> None:
    runtime = bootstrap(OrgSettings(environment="test", attendance_sweep_interval_seconds=30))

    [task] = runtime.periodic
    assert (task.name, task.interval_seconds, type(task.command())) == ("attendance-sweep", 30, SweepAttendance)
