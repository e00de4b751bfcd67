"""Consequences of a close (A6; domain.consequences): retraining cases opened from the flags,
judged on the results after them, and dismissal cases for HR.

:func:`follow_up_close` runs inside the close's unit of work, after its results are stored, so a
case and its dismissal commit with the results (and the event with them, through the outbox).
Everything it decides is read back from the stored results, so closes in any order, and a period
closed again after a reopen, reach the same cases and never a second one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from appraisal.domain.consequences import (
    CaseStatus,
    DismissalCase,
    RetrainingCase,
    decide,
    follow_up_periods,
    judge,
    retraining_flags,
)
from appraisal.domain.results import AppraisalResult
from appraisal.service_layer import commands
from appraisal.service_layer.unit_of_work import AppraisalBus, AppraisalUnitOfWork
from shared.auth import Principal, Role
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.events.appraisal import DismissalCaseOpened


async def follow_up_close(uow: AppraisalUnitOfWork, bus: AppraisalBus, results: Sequence[AppraisalResult]) -> None:
    policy = bus.policy
    now = bus.clock.now()
    employee_ids = sorted({result.employee_id for result in results}, key=str)
    await uow.consequences.open_cases(employee_ids)  # locked first: closes at once take turns
    cases = await uow.consequences.cases_of(employee_ids)
    for result in sorted(results, key=lambda r: str(r.employee_id)):
        flags = retraining_flags(result.flags)
        if flags and not any(_belongs_to(result.period, case, policy.retraining_follow_up_months)
                             for case in cases.get(result.employee_id, [])):
            await uow.consequences.open_retraining(RetrainingCase(
                id=new_id(), employee_id=result.employee_id, period=result.period, flags=flags, opened_at=now))
    for case in await uow.consequences.open_cases(employee_ids):
        periods = follow_up_periods(case.period, policy.retraining_follow_up_months)
        scores = await uow.results.scores([case.employee_id], periods)
        verdict = judge(case, {period: score for (_, period), score in scores.items()},
                        policy.retraining_follow_up_months, policy.dismissal_failing_below)
        if verdict is None:
            continue
        settled = RetrainingCase(id=case.id, employee_id=case.employee_id, period=case.period, flags=case.flags,
                                 opened_at=case.opened_at, status=verdict.status, judged_on=verdict.judged_on,
                                 settled_at=now)
        await uow.consequences.settle(settled)
        if verdict.status == CaseStatus.FAILED:
            await _open_dismissal(uow, settled, policy.dismissal_failing_below, now)


def _belongs_to(period: str, case: RetrainingCase, months: int) -> bool:
    """A flag belongs to the employee's open case, and to a settled one it was (or is) judged by: a
    month closed again after a reopen opens no new case for a result already followed up."""
    return case.status == CaseStatus.OPEN or period in follow_up_periods(case.period, months)


async def _open_dismissal(uow: AppraisalUnitOfWork, case: RetrainingCase, failing_below: Decimal,
                          now: datetime) -> None:
    dismissal = DismissalCase(id=new_id(), employee_id=case.employee_id, retraining_case_id=case.id,
                              retraining_period=case.period, retraining_flags=case.flags, failing=case.judged_on,
                              failing_below=failing_below, opened_at=now)
    if not await uow.consequences.open_dismissal(dismissal):
        return
    uow.emit(DismissalCaseOpened(
        case_id=dismissal.id, employee_id=dismissal.employee_id, retraining_period=dismissal.retraining_period,
        retraining_flags=list(dismissal.retraining_flags), failing_periods=[item.period for item in dismissal.failing],
        failing_scores=[item.score for item in dismissal.failing], failing_below=dismissal.failing_below,
        opened_at=now))


def ensure_hr(by: Principal) -> None:
    if not by.has_any(Role.HR):
        raise Forbidden("dismissal cases are HR's", required_roles=[Role.HR])


async def decide_dismissal_case(command: commands.DecideDismissalCase, bus: AppraisalBus) -> DismissalCase:
    """HR records the decision and its reason; nothing follows from it here (a dismissal is org's
    and HR's act, not appraisal's)."""
    ensure_hr(command.by)
    async with bus.uow() as uow:
        case = await uow.consequences.dismissal(command.case_id, lock=True)
        if case is None:
            raise NotFound(f"dismissal case {command.case_id} does not exist")
        decided = decide(case, command.decision, command.reason, command.by.employee_id, bus.clock.now())
        await uow.consequences.record_decision(decided)
        await uow.commit()
    return decided


async def dismissal_cases(bus: AppraisalBus, by: Principal, status: str | None) -> list[DismissalCase]:
    ensure_hr(by)
    if status is not None and status not in ("open", "decided"):
        raise InvalidInput("status", "must be open or decided")
    async with bus.uow() as uow:
        return await uow.consequences.dismissals(status)

