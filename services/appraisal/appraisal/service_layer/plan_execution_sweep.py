"""The daily plan-execution sweep (A8): what a month owes grows as days pass (a working day's log
turns missing at its cut-off, a weekly plan or report after its day), but a stored live score, and
the ScoreUpdated that payroll and the other subscribers read, moves only when an input lands. Once
a company day (domain.sweeps) the worker rescores the open months' live scores that read the days,
the ones a calendar revision rescores (service_layer.calendar), announcing only moved totals.

Safe to run in every replica: a sweep takes an advisory lock and reads the last day swept in the
same transaction that rescores and records the day, so replicas take turns and the later one, or a
restarted worker, finds the day done and repeats nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from appraisal.domain.sweeps import sweep_day, sweep_due
from appraisal.service_layer import commands
from appraisal.service_layer.calendar import rescore_calendar_dependent
from appraisal.service_layer.unit_of_work import AppraisalBus
from shared.bus import CommandHandler

SWEEP = "plan_execution"


@dataclass(frozen=True)
class PlanExecutionSwept:
    day: date
    swept: bool  # False: the day was swept already
    scores: int  # live scores rescored (those whose total moved are announced)


async def sweep_plan_execution(command: commands.SweepPlanExecution, bus: AppraisalBus) -> PlanExecutionSwept:
    day = sweep_day(bus.clock.local_now(), bus.policy.reports.daily_log_cutoff_time)
    async with bus.uow() as uow:
        if not sweep_due(await uow.sweeps.lock(SWEEP), day):
            return PlanExecutionSwept(day=day, swept=False, scores=0)
        # Every open month, not only the current one: a month that has ended but is not closed yet
        # still counts its last days' logs and its monthly report as their days pass.
        rescored = await rescore_calendar_dependent(uow, bus, year=None)
        await uow.sweeps.record(SWEEP, day, bus.clock.now())
        await uow.commit()
    return PlanExecutionSwept(day=day, swept=True, scores=rescored)


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.SweepPlanExecution: sweep_plan_execution,
}
