"""Rankings and honours (A7, issue 10 item 6).

Rankings are by score within each department and role: a telesales agent is never ranked
against a field rep, nor one department against another. Honours are configuration: each names
what it ranks on (the score, or a measured kind such as the sales amount), whom it is for
(roles, and for Best Newcomer a hiring window), where it is contested (each department, or the
whole company), and a minimum score. The highest measure wins; equal measures share the honour.
Nothing is awarded on a measure of 0."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from appraisal.domain.results import ranks

SCORE = "score"


class Scope:
    DEPARTMENT = "department"
    COMPANY = "company"

    ALL = (DEPARTMENT, COMPANY)


@dataclass(frozen=True)
class HonourRule:
    key: str
    name: str
    # "score", or a measured kind (templates.Source.MEASURED) summed over the month.
    measure: str
    roles: tuple[str, ...]
    scope: str
    min_score: Decimal
    # Only employees hired within this many days before the month's end (Best Newcomer).
    hired_within_days: int | None = None


@dataclass(frozen=True)
class Contender:
    employee_id: uuid.UUID
    role: str
    department_id: uuid.UUID | None
    group_id: uuid.UUID | None
    score: Decimal
    measures: Mapping[str, Decimal]
    hired_on: date | None


@dataclass(frozen=True)
class Honour:
    period: str
    honour: str
    name: str
    employee_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    measure: str
    value: Decimal


def department_role_ranks(contenders: Sequence[Contender]) -> dict[uuid.UUID, int]:
    """Competition ranking by score within each (department, role)."""
    grouped: dict[tuple[uuid.UUID | None, str], dict[uuid.UUID, Decimal]] = {}
    for contender in contenders:
        grouped.setdefault((contender.department_id, contender.role), {})[contender.employee_id] = contender.score
    ranked: dict[uuid.UUID, int] = {}
    for scores in grouped.values():
        ranked.update(ranks(scores))
    return ranked


def award(rules: Sequence[HonourRule], contenders: Sequence[Contender], period: str, last_day: date) -> list[Honour]:
    honours = []
    for rule in rules:
        eligible = [c for c in contenders if c.role in rule.roles and c.score >= rule.min_score
                    and _hired_within(c, rule, last_day)]
        arenas: dict[uuid.UUID | None, list[tuple[Contender, Decimal]]] = {}
        for contender in eligible:
            value = contender.score if rule.measure == SCORE else contender.measures.get(rule.measure, Decimal(0))
            if value <= 0:
                continue
            arena = contender.department_id if rule.scope == Scope.DEPARTMENT else None
            arenas.setdefault(arena, []).append((contender, value))
        for entries in arenas.values():
            best = max(value for _, value in entries)
            for contender, value in sorted(entries, key=lambda entry: str(entry[0].employee_id)):
                if value == best:
                    honours.append(Honour(period=period, honour=rule.key, name=rule.name,
                                          employee_id=contender.employee_id,
                                          group_id=contender.group_id if rule.measure.startswith("group_") else None,
                                          department_id=contender.department_id, measure=rule.measure, value=value))
    return honours


def _hired_within(contender: Contender, rule: HonourRule, last_day: date) -> bool:
    if rule.hired_within_days is None:
        return True
    return contender.hired_on is not None and contender.hired_on > last_day - timedelta(days=rule.hired_within_days)
