"""The not-yet-paid list (issue 9, item 7): every payment no run has paid, with the reason
(:mod:`payroll.domain.unpaid`), read from what payroll holds now."""

from __future__ import annotations

import uuid

from payroll.domain.roster import Blocker
from payroll.domain.runs import RunStatus
from payroll.domain.unpaid import RepStanding, UnpaidCollection, why_unpaid
from payroll.service_layer.pay_runs import resolved_plan
from payroll.service_layer.unit_of_work import PayrollBus


async def unpaid_collections(bus: PayrollBus) -> list[UnpaidCollection]:
    async with bus.uow() as uow:
        collections = await uow.payments.unsettled()
        if not collections:
            return []
        reps = {collection.rep_id for collection in collections}
        runs = await uow.runs.list()
        closed = await uow.appraisal.closed_periods()
        placements = await uow.directory.placements(reps)
        plans = await uow.plans.all()
        overrides = await uow.overrides.of(reps)
    run_periods = {run.period for run in runs}
    latest = max(run_periods, default=None)
    blockers: dict[uuid.UUID, tuple[str, Blocker]] = {}
    # Oldest first, so that the newest draft run's entry is the one shown.
    for run in sorted(runs, key=lambda r: r.period):
        if run.status is not RunStatus.LOCKED:
            for blocker in run.blockers:
                blockers[blocker.employee_id] = (run.period, blocker)
    listed = []
    for collection in collections:
        placement = placements.get(collection.rep_id)
        role = placement.role if placement and placement.role != "unknown" else None
        # The plan that would pay it: the one in force for the period its run is still to come in.
        pay_period = max(collection.period, latest) if latest else collection.period
        plan = resolved_plan(plans, overrides, role, collection.rep_id, pay_period) if role else None
        listed.append(why_unpaid(collection, RepStanding(
            name=placement.name if placement else None, left_on=placement.left_on if placement else None,
            blocker=blockers.get(collection.rep_id), plan=plan,
        ), run_periods=run_periods, closed_periods=closed, latest_run_period=latest))
    return listed
