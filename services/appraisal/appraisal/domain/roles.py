"""Which role a month is scored under, and whose results roll up to whom (issue 10 item 1).

The role that counts is the one held at the month's end: on its last day, or on the employee's
last day when they left during it. One role per month, never split by days, so a month has one
template and one result; a promotion on the 20th scores the whole month in the new role, as the
role held when the month is appraised (A1) and paid. A transfer dated after the month's end does
not reach back into it.

Roll-ups: an input of a group member is also counted, under the group kind, for the leader of
their group; and under the department kind for each department-wide manager of their department
(supervisor, department or regional manager) — as the org chart stands when the input is
recorded. The derived fact is keyed by the member's source and the recipient, so a redelivery
adds nothing; a revised member fact (a corrected call) replaces the shares already given, with
its revision, so the recipients' figures change exactly once too."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from appraisal.domain.facts import Fact
from appraisal.domain.periods import Period
from appraisal.domain.templates import Source


@dataclass(frozen=True)
class RoleSpan:
    """The employee holds ``role`` from ``effective_on`` until the next span begins."""

    effective_on: date
    role: str


def counting_day(period: Period, left_on: date | None) -> date:
    if left_on is not None and left_on < period.last_day:
        return left_on
    return period.last_day


def role_in_period(spans: Sequence[RoleSpan], period: Period, left_on: date | None = None,
                   fallback: str | None = None) -> str | None:
    """The role held on the month's counting day; ``fallback`` (the directory's current role)
    when no span is known yet, e.g. an input arriving before the hire event."""
    day = counting_day(period, left_on)
    held = [span for span in sorted(spans, key=lambda span: span.effective_on) if span.effective_on <= day]
    return held[-1].role if held else fallback


def rolled_up(fact: Fact, group_leader: uuid.UUID | None, department_heads: Iterable[uuid.UUID]) -> list[Fact]:
    """The facts ``fact`` gives the people who answer for its holder's results."""
    kinds = Source.ROLLED_UP.get(fact.kind)
    if kinds is None:
        return []
    group_kind, department_kind = kinds
    derived = []
    if group_leader is not None:
        derived.append(replace(fact, employee_id=group_leader, kind=group_kind,
                               source_id=f"{fact.source_id}@{group_leader}"))
    for head in sorted(set(department_heads), key=str):
        derived.append(replace(fact, employee_id=head, kind=department_kind, source_id=f"{fact.source_id}@{head}"))
    return derived


def rolled_up_again(fact: Fact, holders: Iterable[tuple[uuid.UUID, str]]) -> list[Fact]:
    """A revised member fact (a corrected call) for those who already hold a share of its source:
    the share is replaced where it went, not moved to whoever leads the member now."""
    return [replace(fact, employee_id=holder, kind=kind, source_id=f"{fact.source_id}@{holder}")
            for holder, kind in holders]
