"""An in-memory unit of work for the appraisal handler tests: the repositories' methods, no I/O.

State lives in one store, copied when a unit of work opens and put back when it closes without
a commit (:class:`shared.testing.FakeUnitOfWork`), so a test can check that a refused command
left nothing behind. Locks are no-ops: concurrency is the integration tests' business.
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from appraisal.domain.attendance import supersedes
from appraisal.domain.calls import CallVersion
from appraisal.domain.calls import supersedes as calls_supersede
from appraisal.domain.consequences import CaseStatus, DismissalCase, RetrainingCase
from appraisal.domain.facts import Fact, RecordedFact
from appraisal.domain.flow import Feedback
from appraisal.domain.honours import Honour
from appraisal.domain.periods import PeriodRecord, PeriodStatus
from appraisal.domain.results import AppraisalResult
from appraisal.domain.reviews import Review
from appraisal.domain.roles import RoleSpan
from appraisal.domain.scoring import ScoreCard, Tally
from appraisal.domain.templates import Template
from shared.auth import Role
from shared.clock import Clock
from shared.directory import DirectoryEmployee, DirectoryGroup
from shared.testing import FakeUnitOfWork


@dataclass
class FakeScore:
    employee_id: uuid.UUID
    period: str
    role: str | None = None
    total: Decimal | None = None
    card: ScoreCard | None = None
    computed_at: datetime | None = None


@dataclass
class FakeStore:
    periods: dict[str, PeriodRecord] = field(default_factory=dict)
    templates: dict[str, Template] = field(default_factory=dict)
    facts: dict[tuple[str, str], tuple[Fact, bool]] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    scores: dict[tuple[uuid.UUID, str], FakeScore] = field(default_factory=dict)
    results: dict[tuple[str, uuid.UUID], AppraisalResult] = field(default_factory=dict)
    employees: dict[uuid.UUID, DirectoryEmployee] = field(default_factory=dict)
    groups: dict[uuid.UUID, DirectoryGroup] = field(default_factory=dict)
    roles: dict[uuid.UUID, dict[date, str]] = field(default_factory=dict)
    feedback: dict[tuple[uuid.UUID, str], Feedback] = field(default_factory=dict)
    honours: dict[str, list[Honour]] = field(default_factory=dict)
    calls: dict[str, CallVersion] = field(default_factory=dict)
    retraining: dict[uuid.UUID, RetrainingCase] = field(default_factory=dict)
    dismissals: dict[uuid.UUID, DismissalCase] = field(default_factory=dict)


class _Repo:
    def __init__(self, uow: FakeUnitOfWork[FakeStore]) -> None:
        self._uow = uow

    @property
    def _store(self) -> FakeStore:
        return self._uow.store


class FakePeriods(_Repo):
    async def get(self, period: str) -> PeriodRecord | None:
        return self._store.periods.get(period)

    async def lock(self, period: str, *, exclusive: bool = False) -> PeriodRecord:
        return self._store.periods.setdefault(period, PeriodRecord(period=period, status=PeriodStatus.OPEN))

    async def close(self, period: str, closed_at: datetime, closed_by: uuid.UUID, employee_count: int) -> None:
        before = self._store.periods.get(period)
        self._store.periods[period] = PeriodRecord(period, PeriodStatus.CLOSED, closed_at, closed_by, employee_count,
                                                   revision=(before.revision if before else 0) + 1)


class FakeTemplates(_Repo):
    async def all(self) -> list[Template]:
        return sorted(self._store.templates.values(), key=lambda t: t.key)

    async def get(self, key: str) -> Template | None:
        return self._store.templates.get(key)

    async def for_role(self, role: str) -> Template | None:
        return next((t for t in self._store.templates.values() if role in t.roles), None)

    async def role_owners(self) -> dict[str, str]:
        return {role: t.key for t in self._store.templates.values() for role in t.roles}


class FakeFacts(_Repo):
    async def add(self, fact: Fact, *, late: bool, replace: bool = False) -> bool:
        key = (fact.source_id, fact.kind)
        stored = self._store.facts.get(key)
        if stored is not None and not replace and (
                fact.revision is None or not supersedes(fact.revision, stored[0].revision)):
            return False
        self._store.facts[key] = (fact, late)
        return True

    async def rolled_up_to(self, source_id: str, kinds: Collection[str]) -> list[tuple[uuid.UUID, str]]:
        return sorted(((f.employee_id, f.kind) for f, _ in self._store.facts.values()
                       if f.source_id.startswith(f"{source_id}@") and f.kind in kinds), key=lambda h: (h[1], str(h[0])))

    def _scored(self) -> Iterable[Fact]:
        return (fact for fact, late in self._store.facts.values() if not late)

    async def tallies(self, employee_id: uuid.UUID, period: str) -> dict[str, Tally]:
        return self._tally(f for f in self._scored() if f.employee_id == employee_id and f.period == period)

    async def tallies_for_period(self, period: str) -> dict[uuid.UUID, dict[str, Tally]]:
        ids = {f.employee_id for f in self._scored() if f.period == period}
        return {i: await self.tallies(i, period) for i in ids}

    async def open_of(self, employee_ids: Collection[uuid.UUID], kinds: Collection[str]) -> list[Fact]:
        return [f for f, late in self._store.facts.values()
                if not late and f.employee_id in employee_ids and f.kind in kinds
                and not (self._store.periods.get(f.period) and self._store.periods[f.period].is_closed)]

    async def late(self, period: str) -> list[RecordedFact]:
        return [RecordedFact(f, True, datetime.min) for f, late in self._store.facts.values()
                if late and f.period == period]

    @staticmethod
    def _tally(facts: Iterable[Fact]) -> dict[str, Tally]:
        tallies: dict[str, Tally] = {}
        for fact in facts:
            before = tallies.get(fact.kind, Tally(Decimal(0), 0))
            tallies[fact.kind] = Tally(before.total + fact.value, before.count + 1)
        return tallies


class FakeCalls(_Repo):
    async def get_for_update(self, call_id: str) -> CallVersion | None:
        return self._store.calls.get(call_id)

    async def apply(self, call: CallVersion) -> bool:
        stored = self._store.calls.get(call.call_id)
        if not calls_supersede(call.version, stored.version if stored else None):
            return False
        self._store.calls[call.call_id] = call
        return True

    async def marks_intent(self, call: CallVersion, dispositions: Collection[str]) -> bool:
        return any(c.agent_id == call.agent_id and c.period == call.period and c.disposition in dispositions
                   and (c.lead_id == call.lead_id if call.lead_id is not None else c.call_id == call.call_id)
                   for c in self._store.calls.values())


class FakeReviews(_Repo):
    async def add(self, review: Review) -> None:
        self._store.reviews.append(review)

    async def of(self, employee_id: uuid.UUID, period: str) -> list[Review]:
        return [r for r in self._store.reviews if r.employee_id == employee_id and r.period == period]

    async def for_period(self, period: str) -> dict[uuid.UUID, list[Review]]:
        grouped: dict[uuid.UUID, list[Review]] = {}
        for review in self._store.reviews:
            if review.period == period:
                grouped.setdefault(review.employee_id, []).append(review)
        return grouped


class FakeScores(_Repo):
    async def lock(self, employee_id: uuid.UUID, period: str) -> FakeScore:
        return copy.copy(self._store.scores.setdefault((employee_id, period), FakeScore(employee_id, period)))

    async def get(self, employee_id: uuid.UUID, period: str) -> FakeScore | None:
        return self._store.scores.get((employee_id, period))

    async def save(self, employee_id: uuid.UUID, period: str, role: str | None, card: ScoreCard | None,
                   computed_at: datetime) -> None:
        self._store.scores[(employee_id, period)] = FakeScore(employee_id, period, role,
                                                              card.total if card else None, card, computed_at)

    async def open_periods_of(self, employee_id: uuid.UUID) -> list[str]:
        return sorted(p for (e, p) in self._store.scores
                      if e == employee_id and not self._store.periods[p].is_closed)

    async def employees_in(self, period: str) -> set[uuid.UUID]:
        return {e for (e, p) in self._store.scores if p == period}


class FakeResults(_Repo):
    async def add_all(self, items: Iterable[AppraisalResult]) -> None:
        for item in items:
            self._store.results[(item.period, item.employee_id)] = item

    async def scores(self, employee_ids: Collection[uuid.UUID], period_names: Collection[str]
                     ) -> dict[tuple[uuid.UUID, str], Decimal]:
        return {(e, p): r.score for (p, e), r in self._store.results.items()
                if e in employee_ids and p in period_names}


class FakeDirectory(_Repo):
    async def employee(self, employee_id: uuid.UUID) -> DirectoryEmployee | None:
        return self._store.employees.get(employee_id)

    async def group(self, group_id: uuid.UUID) -> DirectoryGroup | None:
        return self._store.groups.get(group_id)

    async def employees(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, DirectoryEmployee]:
        return {i: e for i, e in self._store.employees.items() if i in employee_ids}

    async def employed_during(self, first_day: date, last_day: date, roles: Collection[str]
                              ) -> list[DirectoryEmployee]:
        return [e for e in self._store.employees.values() if e.role in roles and e.is_employed]

    async def hired_on(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, date | None]:
        return {i: None for i in employee_ids}

    async def lock_roll_ups(self) -> None:
        """One process, one event at a time: nothing to serialise."""

    async def department_members(self, department_id: uuid.UUID) -> list[uuid.UUID]:
        return sorted((e.employee_id for e in self._store.employees.values()
                       if e.department_id == department_id and e.is_employed), key=str)

    async def department_heads(self, department_id: uuid.UUID) -> list[uuid.UUID]:
        return sorted((e.employee_id for e in self._store.employees.values()
                       if e.department_id == department_id and e.role in Role.DEPARTMENT_WIDE and e.is_employed),
                      key=str)


class FakeRoles(_Repo):
    async def record(self, employee_id: uuid.UUID, effective_on: date, role: str) -> None:
        self._store.roles.setdefault(employee_id, {})[effective_on] = role

    async def spans(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, tuple[list[RoleSpan], date | None]]:
        return {i: ([RoleSpan(day, role) for day, role in sorted(self._store.roles.get(i, {}).items())], None)
                for i in employee_ids}


class FakeFeedback(_Repo):
    async def get(self, employee_id: uuid.UUID, period: str, *, lock: bool = False) -> Feedback | None:
        return self._store.feedback.get((employee_id, period))

    async def add(self, item: Feedback) -> bool:
        return self._store.feedback.setdefault((item.employee_id, item.period), item) is item

    async def acknowledge(self, employee_id: uuid.UUID, period: str, at: datetime, comment: str | None) -> None:
        key = (employee_id, period)
        self._store.feedback[key] = dataclasses.replace(self._store.feedback[key], acknowledged_at=at,
                                                        acknowledgement_comment=comment)


class FakeHonours(_Repo):
    async def replace(self, period: str, items: Iterable[Honour], revision: int) -> None:
        self._store.honours[period] = list(items)

    async def for_period(self, period: str) -> list[Honour]:
        return list(self._store.honours.get(period, []))


class FakeConsequences(_Repo):
    async def open_cases(self, employee_ids: Collection[uuid.UUID]) -> list[RetrainingCase]:
        return sorted((c for c in self._store.retraining.values()
                       if c.employee_id in employee_ids and c.status == CaseStatus.OPEN),
                      key=lambda c: str(c.employee_id))

    async def cases_of(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, list[RetrainingCase]]:
        found: dict[uuid.UUID, list[RetrainingCase]] = {}
        for c in sorted(self._store.retraining.values(), key=lambda c: c.period):
            if c.employee_id in employee_ids:
                found.setdefault(c.employee_id, []).append(c)
        return found

    async def open_retraining(self, case: RetrainingCase) -> bool:
        if any(c.employee_id == case.employee_id and (c.period == case.period or c.status == CaseStatus.OPEN)
               for c in self._store.retraining.values()):
            return False
        self._store.retraining[case.id] = case
        return True

    async def settle(self, case: RetrainingCase) -> None:
        self._store.retraining[case.id] = case

    async def retraining_of(self, employee_id: uuid.UUID) -> list[RetrainingCase]:
        return sorted((c for c in self._store.retraining.values() if c.employee_id == employee_id),
                      key=lambda c: c.period)

    async def open_dismissal(self, case: DismissalCase) -> bool:
        if any(c.retraining_case_id == case.retraining_case_id for c in self._store.dismissals.values()):
            return False
        self._store.dismissals[case.id] = case
        return True

    async def dismissal(self, case_id: uuid.UUID, *, lock: bool = False) -> DismissalCase | None:
        return self._store.dismissals.get(case_id)

    async def dismissals(self, status: str | None = None) -> list[DismissalCase]:
        return [c for c in self._store.dismissals.values() if status is None or c.status == status]

    async def record_decision(self, case: DismissalCase) -> None:
        self._store.dismissals[case.id] = case


class FakeAppraisalUnitOfWork(FakeUnitOfWork[FakeStore]):
    """The appraisal unit of work over a :class:`FakeStore`; the rest is :mod:`shared.testing`'s."""

    source = "/appraisal"

    def __init__(self, store: FakeStore | None = None, *, clock: Clock | None = None) -> None:
        super().__init__(store or FakeStore(), clock=clock)

    def _open(self) -> None:
        self.periods, self.templates, self.facts = FakePeriods(self), FakeTemplates(self), FakeFacts(self)
        self.reviews, self.scores, self.results = FakeReviews(self), FakeScores(self), FakeResults(self)
        self.directory = FakeDirectory(self)
        self.calls = FakeCalls(self)
        self.consequences = FakeConsequences(self)
        self.roles, self.feedback, self.honours = FakeRoles(self), FakeFeedback(self), FakeHonours(self)
