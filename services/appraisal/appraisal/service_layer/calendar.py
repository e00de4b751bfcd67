"""org's working calendar (O6) in appraisal: the days a daily log is owed on (A8) are the company's
working days, public holidays off and make-up working days (调休) on, as HR set them in org."""

from __future__ import annotations

import uuid

from appraisal.domain.templates import Template
from appraisal.service_layer import score_batches
from appraisal.service_layer.plan_execution import uses_plan_execution
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.calendar import WorkingCalendar


async def record_calendar(uow: AppraisalUnitOfWork, bus: AppraisalBus, calendar: WorkingCalendar,
                          revision: int) -> bool:
    """Inside the consumer's unit of work: keep the year's highest revision, and have the live scores
    it can move rescored before the commit. Nothing is stored from it: what is owed is read with the
    calendar each time (service_layer.plan_execution). A redelivered or older revision changes
    nothing and rescores no one."""
    if not await uow.calendars.record(calendar, revision, bus.clock.now()):
        return False
    await rescore_calendar_dependent(uow, bus, calendar.year)
    return True


def calendar_dependent_roles(templates: list[Template], daily_log_roles: frozenset[str]) -> set[str]:
    """The roles whose score reads the calendar: the calendar decides only which days a daily log is
    owed on, and that counts only in a plan-execution line (domain.plan_execution), and only for a
    role that owes daily logs. Every other indicator is a stored fact (an absence day is org's
    classification, which org re-announces itself under a new revision when the calendar changes)."""
    return {role for template in templates if uses_plan_execution(template)
            for role in template.roles if role in daily_log_roles}


async def rescore_calendar_dependent(uow: AppraisalUnitOfWork, bus: AppraisalBus, year: int | None) -> int:
    """Rescore, before the commit, every live score of the year's open months (of every open month
    without a year: the daily sweep, service_layer.plan_execution_sweep) in a role the calendar
    matters to. Each is recomputed once however many events the transaction holds, and announced
    only if its total moved (as handlers.recompute); a closed month keeps its frozen result.
    How many live scores are rescored."""
    roles = calendar_dependent_roles(await uow.templates.all(), bus.policy.reports.daily_log_roles)
    if not roles:
        return 0
    rescored = 0
    by_period: dict[str, list[uuid.UUID]] = {}
    for employee_id, period in await uow.scores.open_scores_of_roles(roles, year=year):
        by_period.setdefault(period, []).append(employee_id)
    for period, employee_ids in sorted(by_period.items()):
        # Shared, held to the commit as on the input path: a close waits for these rescores, and
        # a period closed since the read above is left alone.
        if (await uow.periods.lock(period)).is_closed:
            continue
        rescored += len(employee_ids)
        # The whole month in one batch (a company of 10,000 is a handful of statements, not some
        # 200,000 round trips); after the single rescores any other event of the transaction asked for.
        uow.before_commit(f"scores:{period}", lambda period=period, employee_ids=employee_ids:
                          score_batches.recompute_period(uow, bus, period, employee_ids))
    return rescored
