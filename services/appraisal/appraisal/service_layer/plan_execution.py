"""The plan-execution score of one employee and month, read from what is stored (A8): the items
owed and how they came (domain.reports), the decisions and the spot checks, scored by
domain.plan_execution. Computed on every read and every rescore, never stored, so it follows the
calendar (a day's log turns missing at its cut-off) and every submission at once."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from appraisal.domain.periods import Period
from appraisal.domain.plan_execution import Component, Item, Outcome, PlanExecution, plan_execution
from appraisal.domain.plans import Decision as PlanDecision
from appraisal.domain.reports import Owed, SpotCheckResult, Submission, SubmissionKind, submissions_of, weeks_due_in
from appraisal.domain.scoring import Tally
from appraisal.domain.templates import Source, Template
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork

COMPONENT_OF = {SubmissionKind.DAILY_LOG: Component.DAILY_LOGS, SubmissionKind.WEEKLY_PLAN: Component.WEEKLY_PLANS,
                SubmissionKind.WEEKLY_REPORT: Component.WEEKLY_REPORTS,
                SubmissionKind.MONTHLY_REPORT: Component.MONTHLY_REPORT}


async def owed(uow: AppraisalUnitOfWork, bus: AppraisalBus, period: Period,
               roles: Mapping[uuid.UUID, str | None]) -> dict[uuid.UUID, Owed]:
    """Per employee (with the role the month is theirs in), what the month's items are read from."""
    ids = list(roles)
    policy = bus.policy
    first, last = period.first_day, period.last_day
    plan_weeks = [week for week, _ in weeks_due_in(first, last, policy.weekly_plan_due_offset_days)]
    report_weeks = [week for week, _ in weeks_due_in(first, last, policy.weekly_report_due_offset_days)]
    employment = await uow.reports.employment(ids)
    logs = await uow.reports.logs_between(ids, first, last)
    plans, reports = await uow.reports.weekly_between(ids, {*plan_weeks, *report_weeks})
    monthly = await uow.reports.monthly_of(ids, str(period))
    working_days = tuple((await uow.calendars.of_years([first.year])).working_days(first, last))
    return {employee_id: Owed(
        period=str(period), first=first, last=last, hired_on=employment.get(employee_id, (None, None))[0],
        left_on=employment.get(employee_id, (None, None))[1],
        owes_daily_logs=roles[employee_id] in policy.reports.daily_log_roles, working_days=working_days,
        logs=logs.get(employee_id, {}),
        plans={week: plans[(employee_id, week)][1] for week in plan_weeks if (employee_id, week) in plans},
        reports={week: reports[(employee_id, week)] for week in report_weeks if (employee_id, week) in reports},
        monthly=monthly.get(employee_id)) for employee_id in ids}


def submissions(bus: AppraisalBus, owed_items: Owed) -> list[Submission]:
    policy = bus.policy
    return submissions_of(owed_items, today=bus.clock.today(), local_now=bus.clock.local_now(),
                          policy=policy.reports, plan_offset_days=policy.weekly_plan_due_offset_days,
                          report_offset_days=policy.weekly_report_due_offset_days)


async def plan_execution_of(uow: AppraisalUnitOfWork, bus: AppraisalBus, employee_id: uuid.UUID, period: Period,
                            role: str | None) -> PlanExecution:
    return (await plan_executions_of(uow, bus, period, {employee_id: role}))[employee_id]


async def plan_executions_of(uow: AppraisalUnitOfWork, bus: AppraisalBus, period: Period,
                             roles: Mapping[uuid.UUID, str | None]) -> dict[uuid.UUID, PlanExecution]:
    """Per employee (with the role the month is theirs in), the month's plan execution: one read of
    each kind for all of them, so a month rescored for a whole company costs a handful of statements."""
    if not roles:
        return {}
    ids = list(roles)
    found = await owed(uow, bus, period, roles)
    plan_weeks = [week for week, _ in weeks_due_in(period.first_day, period.last_day,
                                                   bus.policy.weekly_plan_due_offset_days)]
    decided = await uow.reports.decisions_of(ids, [*((SubmissionKind.WEEKLY_PLAN, week) for week in plan_weeks),
                                                   (SubmissionKind.MONTHLY_REPORT, str(period))])
    checks = await uow.reports.spot_checks_of(ids, str(period))
    assert bus.policy.plan_execution is not None, "the settings give the plan-execution policy"
    results = {}
    for employee_id in ids:
        items = [Item(COMPONENT_OF[item.kind], item.ref, item.delivery)
                 for item in submissions(bus, found[employee_id])]
        items.extend(Item(Component.APPROVALS, f"{decision.kind}:{decision.ref}",
                          Outcome.APPROVED if decision.decision == PlanDecision.APPROVE else Outcome.RETURNED)
                     # The plans' decisions before the monthly report's, each in the order decided.
                     for decision in sorted(decided.get(employee_id, []),
                                            key=lambda decision: decision.kind != SubmissionKind.WEEKLY_PLAN))
        items.extend(Item(Component.SPOT_CHECKS, f"{check.subject}:{check.ref}:{check.id}",
                          Outcome.VERIFIED if check.result == SpotCheckResult.VERIFIED else Outcome.NOT_VERIFIED)
                     for check in checks.get(employee_id, []))
        results[employee_id] = plan_execution(items, bus.policy.plan_execution)
    return results


def uses_plan_execution(template: Template | None) -> bool:
    return template is not None and any(line.source == Source.PLAN_EXECUTION for line in template.indicators)


async def with_plan_execution(uow: AppraisalUnitOfWork, bus: AppraisalBus, template: Template | None,
                              employee_id: uuid.UUID, period: str, role: str | None,
                              tallies: Mapping[str, Tally]) -> Mapping[str, Tally]:
    """The stored facts' tallies plus, when the template scores it, the plan-execution score as
    the value of its input (counting the items it came from)."""
    if not uses_plan_execution(template):
        return tallies
    result = await plan_execution_of(uow, bus, employee_id, Period.parse(period), role)
    return with_plan_execution_tally(tallies, result)


def with_plan_execution_tally(tallies: Mapping[str, Tally], result: PlanExecution) -> Mapping[str, Tally]:
    return {**tallies, Source.PLAN_EXECUTION: Tally(result.score, len(result.items))}

