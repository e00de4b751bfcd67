"""Who a pay run pays (P1, P8): everyone employed in the period, each on their resolved plan, or
listed as a blocker with the reason the run cannot pay them. A run is never silently short of
anyone: an employee either has a payslip or is a blocker, and a run with blockers is not approved.

Employed in the period: hired on or before its last day and not left before its first day (the
directory replica's dates). People appraisal sent a result for are on the run too, even when the
replica does not know them yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from payroll.domain.overrides import PlanOverride, override_in_force, resolve
from payroll.domain.payslip import FinalResult
from payroll.domain.plans import CompensationPlan, plan_in_force
from shared.clock import first_day, last_day


@dataclass(frozen=True)
class Blocker:
    """Someone the run cannot pay, and why, in words HR can act on."""

    employee_id: uuid.UUID
    name: str | None
    role: str | None
    reason: str

    def as_json(self) -> dict[str, str | None]:
        return {"employee_id": str(self.employee_id), "name": self.name, "role": self.role, "reason": self.reason}

    @classmethod
    def from_json(cls, value: dict) -> Blocker:
        return cls(employee_id=uuid.UUID(value["employee_id"]), name=value.get("name"), role=value.get("role"),
                   reason=value["reason"])


@dataclass(frozen=True)
class Person:
    employee_id: uuid.UUID
    role: str | None
    name: str | None = None


@dataclass(frozen=True)
class Payable:
    employee_id: uuid.UUID
    role: str
    plan: CompensationPlan  # resolved: role plan with the person's override
    result: FinalResult | None


def employed_in(period: str, hired_on: date | None, left_on: date | None) -> bool:
    """Hired by the period's last day and not left before its first; an unknown hire date is not employed
    (a placeholder row of the replica, waiting for the hire)."""
    if hired_on is None or hired_on > last_day(period):
        return False
    return left_on is None or left_on >= first_day(period)


def roster(period: str, people: Iterable[Person], results: Mapping[uuid.UUID, FinalResult],
           plans: Iterable[CompensationPlan], overrides: Iterable[PlanOverride] = ()
           ) -> tuple[list[Payable], list[Blocker]]:
    plans, overrides = list(plans), list(overrides)
    payable: list[Payable] = []
    blockers: list[Blocker] = []
    for person in sorted(people, key=lambda p: str(p.employee_id)):
        if person.role is None:
            blockers.append(Blocker(person.employee_id, person.name, None,
                                    "the employee's role is unknown (directory not updated)"))
            continue
        plan = plan_in_force(plans, person.role, period)
        if plan is None:
            blockers.append(Blocker(person.employee_id, person.name, person.role,
                                    f"no compensation plan for role {person.role!r} in force for {period}"))
            continue
        plan = resolve(plan, override_in_force(overrides, person.employee_id, period))
        result = results.get(person.employee_id)
        if plan.needs_result and result is None:
            blockers.append(Blocker(
                person.employee_id, person.name, person.role,
                f"the plan for role {person.role!r} pays {'the bonus' if plan.pays('bonus') else 'performance pay'} "
                f"on the appraisal, and appraisal sent no result for {period} (give the role a template, or "
                "state performance_fixed and leave the bonus out of its plan)"))
            continue
        payable.append(Payable(person.employee_id, person.role, plan, result))
    return payable, blockers
