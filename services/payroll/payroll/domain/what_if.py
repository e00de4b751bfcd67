"""What-if (issue 9 item 10): a closed period's pay computed again under draft plans, compared with
the same computation under the plans in force, person by person and line by line.

The figures are not computed here: the service layer runs the real computation twice (under the
plans in force, then under the draft) and rolls both back, so a what-if can never drift from what a
real recompute would pay. This module only lines the two results up. Both sides are computed from
the inputs as they stand now, so a difference is the draft's doing alone; what the run actually
paid is shown beside them (``paid``) because inputs may have changed since the run was computed.

Lines are paired by rule and kind, in order of appearance (a payslip may carry several deductions
or incentives under one rule): the n-th line of a rule before is compared with its n-th line after.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from payroll.domain.money import text
from payroll.domain.roster import Blocker
from payroll.domain.runs import PayslipRecord
from shared.errors import InvalidInput

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class WhatIf:
    """A what-if as stored: who asked, when, the draft as asked and the comparison (Comparison.as_json)."""

    id: uuid.UUID
    period: str
    run_id: uuid.UUID
    run_status: str
    asked_by: uuid.UUID
    asked_at: datetime
    draft: dict
    result: dict
    note: str | None = None


@dataclass(frozen=True)
class LineChange:
    rule: str
    kind: str
    before: Decimal | None  # None: no such line without the draft
    after: Decimal | None  # None: the draft drops the line

    @property
    def difference(self) -> Decimal:
        return (self.after or ZERO) - (self.before or ZERO)

    def as_json(self) -> dict:
        return {"rule": self.rule, "kind": self.kind, "before": _money(self.before), "after": _money(self.after),
                "difference": text(self.difference)}


@dataclass(frozen=True)
class PersonChange:
    employee_id: uuid.UUID
    name: str | None
    role: str | None
    before: Decimal | None  # gross under the plans in force; None: not payable (a blocker) then
    after: Decimal | None  # gross under the draft; None: the draft leaves them a blocker
    paid: Decimal | None  # what the stored run pays them
    plan_version_before: int | None
    plan_version_after: int | None
    lines: tuple[LineChange, ...]

    @property
    def difference(self) -> Decimal:
        return (self.after or ZERO) - (self.before or ZERO)

    @property
    def changed(self) -> bool:
        return self.before != self.after or any(line.difference for line in self.lines)

    def as_json(self) -> dict:
        return {"employee_id": str(self.employee_id), "name": self.name, "role": self.role,
                "before": _money(self.before), "after": _money(self.after), "difference": text(self.difference),
                "paid": _money(self.paid), "changed": self.changed,
                "plan_version_before": self.plan_version_before, "plan_version_after": self.plan_version_after,
                "lines": [line.as_json() for line in self.lines]}


@dataclass(frozen=True)
class Comparison:
    people: tuple[PersonChange, ...]
    blockers_before: tuple[Blocker, ...]
    blockers_after: tuple[Blocker, ...]

    @property
    def total_before(self) -> Decimal:
        return sum((p.before or ZERO for p in self.people), ZERO)

    @property
    def total_after(self) -> Decimal:
        return sum((p.after or ZERO for p in self.people), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum((p.paid or ZERO for p in self.people), ZERO)

    def as_json(self) -> dict:
        return {
            "totals": {"before": text(self.total_before), "after": text(self.total_after),
                       "difference": text(self.total_after - self.total_before), "paid": text(self.total_paid),
                       "people": len(self.people), "changed": sum(1 for p in self.people if p.changed)},
            "people": [person.as_json() for person in self.people],
            "blockers_before": [blocker.as_json() for blocker in self.blockers_before],
            "blockers_after": [blocker.as_json() for blocker in self.blockers_after],
        }


def compare(before: Iterable[PayslipRecord], after: Iterable[PayslipRecord], paid: Iterable[PayslipRecord], *,
            blockers_before: Iterable[Blocker] = (), blockers_after: Iterable[Blocker] = ()) -> Comparison:
    """Everyone on either side (a draft may pay someone the plans in force cannot, or the reverse),
    ordered by name then id as the run's payslips are."""
    old, new, stored = _by_person(before), _by_person(after), _by_person(paid)
    people = []
    for employee_id in set(old) | set(new):
        slip_before, slip_after = old.get(employee_id), new.get(employee_id)
        known = slip_after or slip_before
        assert known is not None
        people.append(PersonChange(
            employee_id=employee_id, name=known.employee_name, role=known.role,
            before=slip_before.gross if slip_before else None, after=slip_after.gross if slip_after else None,
            paid=stored[employee_id].gross if employee_id in stored else None,
            plan_version_before=slip_before.plan_version if slip_before else None,
            plan_version_after=slip_after.plan_version if slip_after else None,
            lines=pair_lines(slip_before.lines if slip_before else [], slip_after.lines if slip_after else [])))
    people.sort(key=lambda p: (p.name or "", str(p.employee_id)))
    return Comparison(people=tuple(people), blockers_before=tuple(blockers_before),
                      blockers_after=tuple(blockers_after))


def pair_lines(before: Iterable[Mapping], after: Iterable[Mapping]) -> tuple[LineChange, ...]:
    """Lines as stored (``rule``, ``kind``, ``amount`` as text), paired by rule and kind in order."""
    old: dict[tuple[str, str], list[Decimal]] = defaultdict(list)
    for line in before:
        old[(line["rule"], line["kind"])].append(Decimal(line["amount"]))
    changes: list[LineChange] = []
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for line in after:
        key = (line["rule"], line["kind"])
        index = seen[key]
        seen[key] += 1
        earlier = old[key][index] if index < len(old[key]) else None
        changes.append(LineChange(rule=key[0], kind=key[1], before=earlier, after=Decimal(line["amount"])))
    # Lines only the plans in force produce (a part the draft no longer pays), after the rest.
    for key, amounts in old.items():
        for amount in amounts[seen[key]:]:
            changes.append(LineChange(rule=key[0], kind=key[1], before=amount, after=None))
    return tuple(changes)


def draft_roles_unique(roles: Iterable[str]) -> None:
    seen: set[str] = set()
    for index, role in enumerate(roles):
        if role in seen:
            raise InvalidInput(f"plans[{index}].role", f"role {role!r} appears twice in the draft")
        seen.add(role)


def draft_people_unique(employee_ids: Iterable[uuid.UUID]) -> None:
    seen: set[uuid.UUID] = set()
    for index, employee_id in enumerate(employee_ids):
        if employee_id in seen:
            raise InvalidInput(f"overrides[{index}].employee_id", f"employee {employee_id} appears twice in the draft")
        seen.add(employee_id)


def ensure_draft_applies(effective_from: str | None, period: str, *, field: str) -> None:
    """A draft is a version of the period being recomputed; any other start would not (only) apply to it."""
    if effective_from is not None and effective_from != period:
        raise InvalidInput(field, f"a what-if draft applies to the period recomputed ({period}); "
                                  f"leave effective_from out or set it to {period}")


def _by_person(slips: Iterable[PayslipRecord]) -> dict[uuid.UUID, PayslipRecord]:
    return {slip.employee_id: slip for slip in slips}


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else text(amount)
