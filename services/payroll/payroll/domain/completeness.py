"""When a period's pay run can be computed (P8).

Appraisal announces the close (PeriodClosed, with how many employees it froze) and sends each
employee's result separately, on another partition, in any order and possibly twice. The run
waits until it holds the close, as many distinct results as the close announced, a role for
every one of them (from the result, else from the directory). A role without a plan no longer
holds the run: its people are listed on the run as blockers (:mod:`payroll.domain.roster`), and
the run cannot be approved until they are resolved and the run recomputed.

A reopened period's results do not stand until appraisal's next close (the next revision) holds
all its results of that revision (:func:`revision_pending`, :mod:`payroll.domain.revisions`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from payroll.domain.payslip import FinalResult
from payroll.domain.plans import CompensationPlan, plan_in_force

if TYPE_CHECKING:
    from payroll.domain.revisions import Reopening


@dataclass(frozen=True)
class ClosedPeriod:
    period: str
    employee_count: int
    closed_at: datetime
    closed_by: uuid.UUID
    revision: int = 1


@dataclass(frozen=True)
class Readiness:
    period: str
    closed: bool
    expected: int | None
    received: int
    roles: dict[uuid.UUID, str] = field(default_factory=dict)
    plans: dict[str, CompensationPlan] = field(default_factory=dict)
    without_role: tuple[uuid.UUID, ...] = ()
    roles_without_plan: tuple[str, ...] = ()
    # The close's revision, and why its results do not stand (a reopen, or newer results arriving).
    revision: int = 1
    revision_pending: str | None = None

    @property
    def ready(self) -> bool:
        return (self.closed and self.expected is not None and self.received >= self.expected and not self.without_role
                and self.revision_pending is None)

    @property
    def waiting_for(self) -> list[str]:
        """What is missing, in words an HR clerk can act on."""
        reasons = []
        if not self.closed:
            reasons.append("the period has not been closed by appraisal")
        elif self.revision_pending is not None:
            reasons.append(self.revision_pending)
        elif self.expected is not None and self.received < self.expected:
            reasons.append(f"appraisal results: {self.received} of {self.expected} received")
        if self.without_role:
            reasons.append(f"the role of {len(self.without_role)} employee(s) is unknown (directory not updated)")
        return reasons


def role_of(result: FinalResult, directory_role: str | None) -> str | None:
    """The role the result was frozen with, else the employee's role in the directory."""
    if result.role:
        return result.role
    if directory_role and directory_role != "unknown":
        return directory_role
    return None


def revision_pending(closed: ClosedPeriod | None, results: Iterable[FinalResult],
                     reopened: Reopening | None) -> str | None:
    """Why the close's results do not stand yet: appraisal reopened them, or results of a later
    revision are arriving before (or without) their close. None when they stand."""
    if closed is None:
        return None
    results = list(results)
    newest = max((result.revision for result in results), default=closed.revision)
    if reopened is not None and reopened.revision >= closed.revision:
        awaited = max(reopened.revision + 1, newest)
        return (f"appraisal reopened the period ({reopened.reason}); waiting for the revision {awaited} results "
                f"and close: {sum(r.revision == awaited for r in results)} result(s) received")
    if newest > closed.revision:
        return (f"revision {newest} results are arriving ({sum(r.revision == newest for r in results)} so far); "
                f"waiting for appraisal's revision {newest} close")
    received = sum(result.revision == closed.revision for result in results)
    if closed.revision > 1 and received < closed.employee_count:
        return (f"appraisal closed the period again (revision {closed.revision}); revised results: {received} of "
                f"{closed.employee_count} received")
    return None


def assess(period: str, closed: ClosedPeriod | None, results: Iterable[FinalResult],
           directory_roles: Mapping[uuid.UUID, str], plans: Iterable[CompensationPlan],
           reopened: Reopening | None = None) -> Readiness:
    # Keyed by employee: a result delivered twice counts once.
    by_employee = {result.employee_id: result for result in results if result.period == period}
    pending = revision_pending(closed, by_employee.values(), reopened)
    # A revision's close is complete once it holds employee_count results of that same revision.
    received = sum(1 for result in by_employee.values() if closed is None or result.revision == closed.revision)
    roles: dict[uuid.UUID, str] = {}
    without_role = []
    for employee_id, result in sorted(by_employee.items(), key=lambda item: str(item[0])):
        role = role_of(result, directory_roles.get(employee_id))
        if role is None:
            without_role.append(employee_id)
        else:
            roles[employee_id] = role
    plans = list(plans)
    in_force = {role: plan_in_force(plans, role, period) for role in set(roles.values())}
    return Readiness(
        period=period, closed=closed is not None, expected=closed.employee_count if closed else None,
        received=received, roles=roles, revision=closed.revision if closed else 1, revision_pending=pending,
        plans={role: plan for role, plan in in_force.items() if plan is not None},
        without_role=tuple(without_role),
        roles_without_plan=tuple(sorted(role for role, plan in in_force.items() if plan is None)),
    )
