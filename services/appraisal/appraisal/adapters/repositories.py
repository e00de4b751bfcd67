"""Every query of the appraisal service. Repositories translate rows to domain objects and back;
they never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal.adapters.tables import (
    annual_results,
    calls,
    facts,
    feedback,
    honours,
    period_audit,
    periods,
    results,
    reviews,
    role_history,
    scores,
    template_roles,
    templates,
    weekly_plans,
    weekly_reports,
)
from appraisal.domain.annual import AnnualResult
from appraisal.domain.calls import CallVersion
from appraisal.domain.facts import Fact, RecordedFact
from appraisal.domain.flow import Feedback
from appraisal.domain.honours import Honour
from appraisal.domain.periods import AuditEntry, PeriodRecord, PeriodStatus
from appraisal.domain.plans import WeeklyPlan, WeeklyReport
from appraisal.domain.results import AppraisalResult
from appraisal.domain.reviews import Review
from appraisal.domain.roles import RoleSpan
from appraisal.domain.scoring import IndicatorScore, ScoreCard, Tally
from appraisal.domain.templates import Indicator, Template
from shared.auth import Role
from shared.directory import DirectoryEmployee, DirectoryReader, directory_employees
from shared.sql import among


class PeriodRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, period: str) -> PeriodRecord | None:
        row = (await self._session.execute(select(periods).where(periods.c.period == period))).first()
        return _period(row) if row else None

    async def many(self, names: Collection[str]) -> list[PeriodRecord]:
        rows = await self._session.execute(select(periods).where(periods.c.period.in_(list(names)))
                                           .order_by(periods.c.period))
        return [_period(row) for row in rows]

    async def lock(self, period: str, *, exclusive: bool = False) -> PeriodRecord:
        """The period row, created open if new, locked until the transaction ends.

        Inputs and reviews take it shared, so they never wait for each other; closing takes it
        exclusively, so a close waits for inputs in flight and inputs after it see it closed.
        """
        await self._session.execute(pg_insert(periods).values(period=period).on_conflict_do_nothing())
        query = select(periods).where(periods.c.period == period)
        query = query.with_for_update() if exclusive else query.with_for_update(read=True)
        return _period((await self._session.execute(query)).one())

    async def close(self, period: str, closed_at: datetime, closed_by: uuid.UUID, employee_count: int) -> None:
        await self._session.execute(
            update(periods).where(periods.c.period == period).values(
                status=PeriodStatus.CLOSED, closed_at=closed_at, closed_by=closed_by, employee_count=employee_count,
                revision=periods.c.revision + 1)
        )

    async def reopen(self, period: str, at: datetime, by: uuid.UUID, reason: str) -> None:
        await self._session.execute(
            update(periods).where(periods.c.period == period).values(
                status=PeriodStatus.OPEN, reopened_at=at, reopened_by=by, reopen_reason=reason))


class TemplateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def all(self) -> list[Template]:
        rows = (await self._session.execute(select(templates).order_by(templates.c.key))).all()
        roles = await self._roles()
        return [_template(row, roles.get(row.key, ())) for row in rows]

    async def get(self, key: str) -> Template | None:
        row = (await self._session.execute(select(templates).where(templates.c.key == key))).first()
        if row is None:
            return None
        return _template(row, (await self._roles()).get(key, ()))

    async def for_role(self, role: str) -> Template | None:
        key = (await self._session.execute(
            select(template_roles.c.template_key).where(template_roles.c.role == role)
        )).scalar()
        return await self.get(key) if key is not None else None

    async def role_owners(self) -> dict[str, str]:
        rows = await self._session.execute(select(template_roles.c.role, template_roles.c.template_key))
        return {row.role: row.template_key for row in rows}

    async def lock_all(self) -> None:
        # Template edits are rare: one at a time keeps the role → template map consistent.
        await self._session.execute(select(func.pg_advisory_xact_lock(0x61707072)))  # "appr"

    async def save(self, template: Template, updated_by: uuid.UUID, updated_at: datetime) -> None:
        values = {"name": template.name, "indicators": [_indicator_json(i) for i in template.indicators],
                  "updated_at": updated_at, "updated_by": updated_by}
        insert = pg_insert(templates).values(key=template.key, **values)
        await self._session.execute(insert.on_conflict_do_update(index_elements=["key"], set_=values))
        await self._session.execute(delete(template_roles).where(template_roles.c.template_key == template.key))
        await self._session.execute(
            pg_insert(template_roles), [{"role": role, "template_key": template.key} for role in template.roles]
        )

    async def _roles(self) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = {}
        rows = await self._session.execute(select(template_roles).order_by(template_roles.c.role))
        for row in rows:
            grouped.setdefault(row.template_key, []).append(row.role)
        return {key: tuple(roles) for key, roles in grouped.items()}


class FactRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, fact: Fact, *, late: bool, replace: bool = False) -> bool:
        """False if nothing changed: a fact from the same source was already stored and, for a
        revised fact, its stored revision is as new or newer (a repeat or a stale arrival).

        ``replace``: the caller derived the value from state it guards itself (a lead's intent
        mark from the calls applied), so the stored row is overwritten whatever it holds."""
        insert = pg_insert(facts).values(
            id=uuid.uuid4(), employee_id=fact.employee_id, period=fact.period, kind=fact.kind, value=fact.value,
            source_id=fact.source_id, event_id=fact.event_id, occurred_on=fact.occurred_on, late=late,
            revision=fact.revision,
        )
        replaced = {name: insert.excluded[name] for name in
                    ("employee_id", "period", "value", "event_id", "occurred_on", "late", "revision")}
        if replace:
            statement = insert.on_conflict_do_update(index_elements=["source_id", "kind"],
                                                     set_={**replaced, "recorded_at": func.now()})
        elif fact.revision is None:
            statement = insert.on_conflict_do_nothing(index_elements=["source_id", "kind"])
        else:
            # The row lock of ON CONFLICT makes two revisions arriving at once take turns, the
            # comparison then keeps the higher one whichever commits first. A replacement after
            # the period closed is marked late like any input then: the frozen result stands.
            statement = insert.on_conflict_do_update(
                index_elements=["source_id", "kind"], set_={**replaced, "recorded_at": func.now()},
                where=or_(facts.c.revision.is_(None), facts.c.revision < insert.excluded.revision),
            )
        result = await self._session.execute(statement.returning(facts.c.id))
        return result.first() is not None

    async def tallies(self, employee_id: uuid.UUID, period: str) -> dict[str, Tally]:
        rows = await self._session.execute(
            select(facts.c.kind, func.sum(facts.c.value).label("total"), func.count().label("count"))
            .where(facts.c.employee_id == employee_id, facts.c.period == period, facts.c.late.is_(False))
            .group_by(facts.c.kind)
        )
        return {row.kind: Tally(row.total, row.count) for row in rows}

    async def tallies_for_period(self, period: str) -> dict[uuid.UUID, dict[str, Tally]]:
        rows = await self._session.execute(
            select(facts.c.employee_id, facts.c.kind, func.sum(facts.c.value).label("total"),
                   func.count().label("count"))
            .where(facts.c.period == period, facts.c.late.is_(False))
            .group_by(facts.c.employee_id, facts.c.kind)
        )
        tallies: dict[uuid.UUID, dict[str, Tally]] = {}
        for row in rows:
            tallies.setdefault(row.employee_id, {})[row.kind] = Tally(row.total, row.count)
        return tallies

    async def of(self, employee_id: uuid.UUID, period: str, kind: str | None = None) -> list[RecordedFact]:
        query = select(facts).where(facts.c.employee_id == employee_id, facts.c.period == period)
        if kind is not None:
            query = query.where(facts.c.kind == kind)
        rows = await self._session.execute(query.order_by(facts.c.kind, facts.c.occurred_on, facts.c.source_id))
        return [RecordedFact(fact=_fact(row), late=row.late, recorded_at=row.recorded_at) for row in rows]

    async def rolled_up_to(self, source_id: str, kinds: Collection[str]) -> list[tuple[uuid.UUID, str]]:
        """Who holds a rolled-up share of ``source_id`` (recipient, kind): a revised member fact
        replaces theirs, wherever the org chart has moved since."""
        rows = await self._session.execute(
            select(facts.c.employee_id, facts.c.kind)
            .where(facts.c.source_id.like(f"{_escape_like(source_id)}@%", escape="\\"),
                   facts.c.kind.in_(list(kinds)))
            .order_by(facts.c.kind, facts.c.employee_id))
        return [(row.employee_id, row.kind) for row in rows]

    async def open_of(self, employee_ids: Collection[uuid.UUID], kinds: Collection[str]) -> list[Fact]:
        """The employees' facts of ``kinds`` in periods still open."""
        if not employee_ids:
            return []
        rows = await self._session.execute(
            select(facts).join(periods, periods.c.period == facts.c.period)
            .where(facts.c.employee_id.in_(list(employee_ids)), facts.c.kind.in_(list(kinds)),
                   facts.c.late.is_(False), periods.c.status == PeriodStatus.OPEN)
            .order_by(facts.c.period, facts.c.source_id, facts.c.kind))
        return [_fact(row) for row in rows]

    async def sums_between(self, employee_id: uuid.UUID, kinds: Collection[str], first: date, last: date
                           ) -> dict[str, Decimal]:
        """The employee's own facts of ``kinds`` that occurred between two days, summed per kind."""
        rows = await self._session.execute(
            select(facts.c.kind, func.sum(facts.c.value).label("total"))
            .where(facts.c.employee_id == employee_id, facts.c.kind.in_(list(kinds)),
                   facts.c.occurred_on >= first, facts.c.occurred_on <= last)
            .group_by(facts.c.kind))
        return {row.kind: row.total for row in rows}

    async def count_late(self, period: str) -> int:
        """A reopened period scores the inputs that arrived while it was closed; how many they were."""
        changed = await self._session.execute(
            update(facts).where(facts.c.period == period, facts.c.late.is_(True)).values(late=False)
            .returning(facts.c.id))
        return len(changed.all())

    async def late(self, period: str) -> list[RecordedFact]:
        rows = await self._session.execute(
            select(facts).where(facts.c.period == period, facts.c.late.is_(True))
            .order_by(facts.c.recorded_at, facts.c.source_id, facts.c.kind)
        )
        return [RecordedFact(fact=_fact(row), late=True, recorded_at=row.recorded_at) for row in rows]


class CallRepository:
    """The highest version of each telesales call applied (domain.calls)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get_for_update(self, call_id: str) -> CallVersion | None:
        row = (await self._session.execute(
            select(calls).where(calls.c.call_id == call_id).with_for_update())).first()
        return _call(row) if row else None

    async def apply(self, call: CallVersion) -> bool:
        """Store ``call`` unless a version as high is stored; False when it changed nothing. The
        row lock of ON CONFLICT makes two versions racing take turns, the higher one ending stored."""
        values = {"agent_id": call.agent_id, "lead_id": call.lead_id, "period": call.period,
                  "call_date": call.call_date, "version": call.version, "disposition": call.disposition,
                  "effective": call.effective, "event_id": call.event_id}
        insert = pg_insert(calls).values(call_id=call.call_id, **values)
        statement = insert.on_conflict_do_update(
            index_elements=["call_id"], set_={**{name: insert.excluded[name] for name in values},
                                              "applied_at": func.now()},
            where=calls.c.version < insert.excluded.version)
        return (await self._session.execute(statement.returning(calls.c.call_id))).first() is not None

    async def marks_intent(self, call: CallVersion, dispositions: Collection[str]) -> bool:
        """Whether any call applied of the same customer (lead, else the call itself), agent and
        month has an intent disposition now."""
        customer = calls.c.lead_id == call.lead_id if call.lead_id is not None else calls.c.call_id == call.call_id
        found = await self._session.execute(
            select(calls.c.call_id).where(calls.c.agent_id == call.agent_id, calls.c.period == call.period, customer,
                                          calls.c.disposition.in_(list(dispositions))).limit(1))
        return found.first() is not None


def _call(row: Any) -> CallVersion:
    return CallVersion(call_id=row.call_id, agent_id=row.agent_id, lead_id=row.lead_id, call_date=row.call_date,
                       version=row.version, disposition=row.disposition, effective=row.effective,
                       event_id=row.event_id)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class ReviewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, review: Review) -> None:
        await self._session.execute(pg_insert(reviews).values(
            id=review.id, employee_id=review.employee_id, period=review.period, stage=review.stage,
            reviewer_id=review.reviewer_id, ratings={k: str(v) for k, v in review.ratings.items()},
            total=review.total, submitted_at=review.submitted_at,
        ))

    async def of(self, employee_id: uuid.UUID, period: str) -> list[Review]:
        rows = await self._session.execute(
            select(reviews).where(reviews.c.employee_id == employee_id, reviews.c.period == period)
            .order_by(reviews.c.submitted_at)
        )
        return [_review(row) for row in rows]

    async def for_period(self, period: str) -> dict[uuid.UUID, list[Review]]:
        rows = await self._session.execute(
            select(reviews).where(reviews.c.period == period).order_by(reviews.c.submitted_at)
        )
        grouped: dict[uuid.UUID, list[Review]] = {}
        for row in rows:
            grouped.setdefault(row.employee_id, []).append(_review(row))
        return grouped


class StoredScore:
    def __init__(self, row: Any) -> None:
        self.employee_id: uuid.UUID = row.employee_id
        self.period: str = row.period
        self.role: str | None = row.role
        self.total: Decimal | None = row.total
        self.card: ScoreCard | None = card_from_json(row.breakdown) if row.breakdown else None
        self.computed_at: datetime | None = row.computed_at


class ScoreRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock(self, employee_id: uuid.UUID, period: str) -> StoredScore:
        """The stored score, created empty if new, locked so that recomputations take turns."""
        await self._session.execute(
            pg_insert(scores).values(employee_id=employee_id, period=period).on_conflict_do_nothing()
        )
        row = (await self._session.execute(
            select(scores).where(scores.c.employee_id == employee_id, scores.c.period == period).with_for_update()
        )).one()
        return StoredScore(row)

    async def get(self, employee_id: uuid.UUID, period: str) -> StoredScore | None:
        row = (await self._session.execute(
            select(scores).where(scores.c.employee_id == employee_id, scores.c.period == period)
        )).first()
        return StoredScore(row) if row else None

    async def save(self, employee_id: uuid.UUID, period: str, role: str | None, card: ScoreCard | None,
                   computed_at: datetime) -> None:
        await self._session.execute(
            update(scores).where(scores.c.employee_id == employee_id, scores.c.period == period).values(
                role=role, template_key=card.template_key if card else None, total=card.total if card else None,
                breakdown=card_to_json(card) if card else None, computed_at=computed_at)
        )

    async def open_periods_of(self, employee_id: uuid.UUID) -> list[str]:
        rows = await self._session.execute(
            select(scores.c.period).join(periods, periods.c.period == scores.c.period)
            .where(scores.c.employee_id == employee_id, periods.c.status == PeriodStatus.OPEN)
            .order_by(scores.c.period)
        )
        return list(rows.scalars())

    async def open_scores_of_roles(self, roles: Collection[str], *, year: int | None = None
                                   ) -> list[tuple[uuid.UUID, str]]:
        """Live scores of open periods (of ``year``'s months only, when given) in these roles."""
        query = (
            select(scores.c.employee_id, scores.c.period).join(periods, periods.c.period == scores.c.period)
            .outerjoin(directory_employees, directory_employees.c.employee_id == scores.c.employee_id)
            # The role scored in that month, or the one held now (a role may have changed since).
            .where(periods.c.status == PeriodStatus.OPEN,
                   or_(directory_employees.c.role.in_(list(roles)), scores.c.role.in_(list(roles))))
            .order_by(scores.c.period, scores.c.employee_id)
        )
        if year is not None:
            query = query.where(scores.c.period.between(f"{year:04d}-01", f"{year:04d}-12"))
        rows = await self._session.execute(query)
        return [(row.employee_id, row.period) for row in rows]

    async def employees_in(self, period: str) -> set[uuid.UUID]:
        rows = await self._session.execute(select(scores.c.employee_id).where(scores.c.period == period))
        return set(rows.scalars())


class ResultRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_all(self, items: Iterable[AppraisalResult]) -> None:
        rows = [{
            "period": item.period, "employee_id": item.employee_id, "role": item.role,
            "template_key": item.card.template_key, "score": item.score, "coefficient": item.coefficient,
            "rank": item.rank, "flags": list(item.flags), "breakdown": card_to_json(item.card),
            "finalized_at": item.finalized_at, "missing_stages": list(item.missing_stages),
            "missing_stages_rule": item.missing_stages_rule, "revision": item.revision,
            "department_id": item.department_id, "department_role_rank": item.department_role_rank,
        } for item in items]
        if rows:
            # A close after a reopen replaces the earlier revision's results (the audit keeps them).
            insert = pg_insert(results)
            replaced = {name: insert.excluded[name] for name in rows[0] if name not in ("period", "employee_id")}
            await self._session.execute(
                insert.on_conflict_do_update(index_elements=["period", "employee_id"], set_=replaced), rows)

    async def remove(self, period: str, employee_ids: Collection[uuid.UUID]) -> None:
        if employee_ids:
            await self._session.execute(delete(results).where(results.c.period == period,
                                                              results.c.employee_id.in_(list(employee_ids))))

    async def get(self, period: str, employee_id: uuid.UUID) -> AppraisalResult | None:
        row = (await self._session.execute(
            select(results).where(results.c.period == period, results.c.employee_id == employee_id)
        )).first()
        return _result(row) if row else None

    async def for_period(self, period: str) -> list[AppraisalResult]:
        rows = await self._session.execute(
            select(results).where(results.c.period == period).order_by(results.c.rank, results.c.employee_id)
        )
        return [_result(row) for row in rows]

    async def scores_in(self, period_names: Collection[str]) -> dict[uuid.UUID, dict[str, Decimal]]:
        """Every frozen score of the given periods, per employee and period."""
        rows = await self._session.execute(
            select(results.c.employee_id, results.c.period, results.c.score)
            .where(results.c.period.in_(list(period_names))))
        found: dict[uuid.UUID, dict[str, Decimal]] = {}
        for row in rows:
            found.setdefault(row.employee_id, {})[row.period] = row.score
        return found

    async def scores(self, employee_ids: Collection[uuid.UUID], period_names: Collection[str]
                     ) -> dict[tuple[uuid.UUID, str], Decimal]:
        if not employee_ids or not period_names:
            return {}
        rows = await self._session.execute(
            select(results.c.employee_id, results.c.period, results.c.score)
            .where(results.c.period.in_(list(period_names)), among(results.c.employee_id, employee_ids))
        )
        return {(row.employee_id, row.period): row.score for row in rows}


class FeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, employee_id: uuid.UUID, period: str, *, lock: bool = False) -> Feedback | None:
        query = select(feedback).where(feedback.c.employee_id == employee_id, feedback.c.period == period)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return _feedback(row) if row else None

    async def add(self, item: Feedback) -> bool:
        """False when an interview was already recorded for the employee and period."""
        inserted = await self._session.execute(pg_insert(feedback).values(
            employee_id=item.employee_id, period=item.period, interviewer_id=item.interviewer_id,
            held_on=item.held_on, notes=item.notes, improvement_plan=item.improvement_plan,
            recorded_at=item.recorded_at,
        ).on_conflict_do_nothing().returning(feedback.c.employee_id))
        return inserted.first() is not None

    async def acknowledge(self, employee_id: uuid.UUID, period: str, at: datetime, comment: str | None) -> None:
        await self._session.execute(
            update(feedback).where(feedback.c.employee_id == employee_id, feedback.c.period == period)
            .values(acknowledged_at=at, acknowledgement_comment=comment))


class AnnualResultRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_year(self, year: int) -> None:
        # Two computations of one year take turns: the second sees the first's revisions.
        await self._session.execute(select(func.pg_advisory_xact_lock(0x616E6E00 + year)))  # "ann"

    async def for_year(self, year: int) -> dict[uuid.UUID, AnnualResult]:
        rows = await self._session.execute(select(annual_results).where(annual_results.c.year == year))
        return {row.employee_id: _annual(row) for row in rows}

    async def get(self, year: int, employee_id: uuid.UUID) -> AnnualResult | None:
        row = (await self._session.execute(select(annual_results).where(
            annual_results.c.year == year, annual_results.c.employee_id == employee_id))).first()
        return _annual(row) if row else None

    async def save(self, item: AnnualResult) -> None:
        values = {"score": item.score, "coefficient": item.coefficient, "months_scored": list(item.months_scored),
                  "months_missing": list(item.months_missing), "missing_months_rule": item.missing_months_rule,
                  "revision": item.revision, "computed_at": item.computed_at}
        insert = pg_insert(annual_results).values(year=item.year, employee_id=item.employee_id, **values)
        await self._session.execute(insert.on_conflict_do_update(index_elements=["year", "employee_id"], set_=values))


class HonourRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def replace(self, period: str, items: Iterable[Honour], revision: int) -> None:
        await self._session.execute(delete(honours).where(honours.c.period == period))
        rows = [{"period": item.period, "honour": item.honour, "employee_id": item.employee_id, "name": item.name,
                 "group_id": item.group_id, "department_id": item.department_id, "measure": item.measure,
                 "value": item.value, "revision": revision} for item in items]
        if rows:
            await self._session.execute(pg_insert(honours), rows)

    async def for_period(self, period: str) -> list[Honour]:
        rows = await self._session.execute(
            select(honours).where(honours.c.period == period).order_by(honours.c.honour, honours.c.employee_id))
        return [Honour(period=row.period, honour=row.honour, name=row.name, employee_id=row.employee_id,
                       group_id=row.group_id, department_id=row.department_id, measure=row.measure, value=row.value)
                for row in rows]


class WeeklyRepository:
    """Weekly plans and reports (A8)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def plan(self, employee_id: uuid.UUID, week: str, *, lock: bool = False) -> WeeklyPlan | None:
        query = select(weekly_plans).where(weekly_plans.c.employee_id == employee_id, weekly_plans.c.week == week)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        if row is None:
            return None
        return WeeklyPlan(employee_id=row.employee_id, week=row.week, content=row.content, status=row.status,
                          submitted_at=row.submitted_at, late=row.late, decided_by=row.decided_by,
                          decided_at=row.decided_at, decision_note=row.decision_note)

    async def save_plan(self, plan: WeeklyPlan) -> None:
        values = {"content": dict(plan.content), "status": plan.status, "submitted_at": plan.submitted_at,
                  "late": plan.late, "decided_by": plan.decided_by, "decided_at": plan.decided_at,
                  "decision_note": plan.decision_note}
        insert = pg_insert(weekly_plans).values(employee_id=plan.employee_id, week=plan.week, **values)
        await self._session.execute(insert.on_conflict_do_update(index_elements=["employee_id", "week"], set_=values))

    async def of_week(self, week: str) -> tuple[dict[uuid.UUID, WeeklyPlan], dict[uuid.UUID, bool]]:
        """The week's plans per employee, and per employee whether their report was late."""
        plans = {}
        for row in await self._session.execute(select(weekly_plans.c.employee_id).where(weekly_plans.c.week == week)):
            found = await self.plan(row.employee_id, week)
            if found is not None:
                plans[row.employee_id] = found
        reports = await self._session.execute(
            select(weekly_reports.c.employee_id, weekly_reports.c.late).where(weekly_reports.c.week == week))
        return plans, {row.employee_id: row.late for row in reports}

    async def report(self, employee_id: uuid.UUID, week: str) -> WeeklyReport | None:
        row = (await self._session.execute(select(weekly_reports).where(
            weekly_reports.c.employee_id == employee_id, weekly_reports.c.week == week))).first()
        if row is None:
            return None
        return WeeklyReport(employee_id=row.employee_id, week=row.week, fields=row.fields,
                            prefilled={k: Decimal(v) for k, v in row.prefilled.items()},
                            submitted_at=row.submitted_at, late=row.late)

    async def add_report(self, report: WeeklyReport) -> bool:
        inserted = await self._session.execute(pg_insert(weekly_reports).values(
            employee_id=report.employee_id, week=report.week, fields=dict(report.fields),
            prefilled={k: str(v) for k, v in report.prefilled.items()}, submitted_at=report.submitted_at,
            late=report.late).on_conflict_do_nothing().returning(weekly_reports.c.employee_id))
        return inserted.first() is not None


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, entry: AuditEntry) -> None:
        await self._session.execute(pg_insert(period_audit).values(
            id=uuid.uuid4(), period=entry.period, action=entry.action, at=entry.at, by=entry.by,
            employee_id=entry.employee_id, details=entry.details))

    async def for_period(self, period: str) -> list[AuditEntry]:
        rows = await self._session.execute(
            select(period_audit).where(period_audit.c.period == period)
            .order_by(period_audit.c.seq))
        return [AuditEntry(period=row.period, action=row.action, at=row.at, by=row.by, employee_id=row.employee_id,
                           details=row.details) for row in rows]


class RoleHistoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, employee_id: uuid.UUID, effective_on: date, role: str) -> None:
        """Keyed by the effective date: a redelivery or a late arrival lands on the same row."""
        insert = pg_insert(role_history).values(employee_id=employee_id, effective_on=effective_on, role=role)
        await self._session.execute(insert.on_conflict_do_update(
            index_elements=["employee_id", "effective_on"], set_={"role": insert.excluded.role}))

    async def spans(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, tuple[list[RoleSpan], date | None]]:
        """Per employee: their role spans and the day they left (None while employed)."""
        if not employee_ids:
            return {}
        ids = list(employee_ids)
        found: dict[uuid.UUID, tuple[list[RoleSpan], date | None]] = {}
        left = await self._session.execute(
            select(directory_employees.c.employee_id, directory_employees.c.left_on)
            .where(among(directory_employees.c.employee_id, ids)))
        left_on = {row.employee_id: row.left_on for row in left}
        rows = await self._session.execute(
            select(role_history).where(among(role_history.c.employee_id, ids)).order_by(role_history.c.effective_on))
        for row in rows:
            found.setdefault(row.employee_id, ([], left_on.get(row.employee_id)))[0].append(
                RoleSpan(row.effective_on, row.role))
        for employee_id in ids:
            found.setdefault(employee_id, ([], left_on.get(employee_id)))
        return found


class DirectoryRepository(DirectoryReader):
    """The org directory replica (:mod:`shared.directory`), plus who was on the books in a month."""

    async def hired_on(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, date | None]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(
            select(directory_employees.c.employee_id, directory_employees.c.hired_on)
            .where(among(directory_employees.c.employee_id, employee_ids)))
        return {row.employee_id: row.hired_on for row in rows}

    async def lock_roll_ups(self) -> None:
        """Taken by every transaction that rolls facts up and by every directory change that may
        widen whom they roll up to, before either reads the other's data: otherwise a fact and the
        hire that places its employee, committed at the same moment, could each miss the other and
        leave the leader's or managers' share never rolled up (seen under load)."""
        await self._session.execute(select(func.pg_advisory_xact_lock(0x726F6C6C)))  # "roll"

    async def department_members(self, department_id: uuid.UUID) -> list[uuid.UUID]:
        c = directory_employees.c
        rows = await self._session.execute(
            select(c.employee_id).where(c.department_id == department_id, c.status != "left")
            .order_by(c.employee_id))
        return list(rows.scalars())

    async def department_heads(self, department_id: uuid.UUID) -> list[uuid.UUID]:
        """The department-wide managers (supervisor, department or regional manager) employed in it."""
        c = directory_employees.c
        rows = await self._session.execute(
            select(c.employee_id).where(c.department_id == department_id, c.role.in_(list(Role.DEPARTMENT_WIDE)),
                                        c.status != "left").order_by(c.employee_id))
        return list(rows.scalars())

    async def employed_during(self, first_day: date, last_day: date, roles: Collection[str]
                              ) -> list[DirectoryEmployee]:
        """Employees in ``roles`` on the books at some point between the two days."""
        if not roles:
            return []
        c = directory_employees.c
        rows = await self._session.execute(
            select(directory_employees).where(
                c.role.in_(list(roles)),
                or_(c.hired_on.is_(None), c.hired_on <= last_day),
                or_(c.status != "left", c.left_on.is_(None), c.left_on >= first_day),
            ).order_by(c.employee_id)
        )
        return [_directory_employee(row) for row in rows]


# -- rows ↔ domain ------------------------------------------------------------------------------

def _period(row: Any) -> PeriodRecord:
    return PeriodRecord(period=row.period, status=row.status, closed_at=row.closed_at, closed_by=row.closed_by,
                        employee_count=row.employee_count, revision=row.revision, reopened_at=row.reopened_at,
                        reopened_by=row.reopened_by, reopen_reason=row.reopen_reason)


def _indicator_json(indicator: Indicator) -> dict[str, Any]:
    return {"key": indicator.key, "label": indicator.label, "source": indicator.source,
            "weight": str(indicator.weight), "rule": indicator.rule,
            "params": {name: str(value) for name, value in indicator.params.items()}}


def _template(row: Any, roles: tuple[str, ...]) -> Template:
    indicators = tuple(
        Indicator(key=item["key"], label=item.get("label", ""), source=item["source"], weight=Decimal(item["weight"]),
                  rule=item["rule"], params={name: Decimal(value) for name, value in item.get("params", {}).items()})
        for item in row.indicators
    )
    return Template(key=row.key, name=row.name, roles=roles, indicators=indicators)


def _fact(row: Any) -> Fact:
    return Fact(employee_id=row.employee_id, period=row.period, kind=row.kind, value=row.value,
                source_id=row.source_id, event_id=row.event_id, occurred_on=row.occurred_on, revision=row.revision)


def _review(row: Any) -> Review:
    return Review(id=row.id, employee_id=row.employee_id, period=row.period, stage=row.stage,
                  reviewer_id=row.reviewer_id, ratings={k: Decimal(v) for k, v in row.ratings.items()},
                  total=row.total, submitted_at=row.submitted_at)


def _result(row: Any) -> AppraisalResult:
    return AppraisalResult(period=row.period, employee_id=row.employee_id, role=row.role,
                           card=card_from_json(row.breakdown), coefficient=row.coefficient, rank=row.rank,
                           flags=tuple(row.flags), finalized_at=row.finalized_at,
                           missing_stages=tuple(row.missing_stages), missing_stages_rule=row.missing_stages_rule,
                           revision=row.revision, department_id=row.department_id,
                           department_role_rank=row.department_role_rank)


def _annual(row: Any) -> AnnualResult:
    return AnnualResult(year=row.year, employee_id=row.employee_id, score=row.score, coefficient=row.coefficient,
                        months_scored=tuple(row.months_scored), months_missing=tuple(row.months_missing),
                        missing_months_rule=row.missing_months_rule, computed_at=row.computed_at,
                        revision=row.revision)


def _feedback(row: Any) -> Feedback:
    return Feedback(employee_id=row.employee_id, period=row.period, interviewer_id=row.interviewer_id,
                    held_on=row.held_on, notes=row.notes, improvement_plan=row.improvement_plan,
                    recorded_at=row.recorded_at, acknowledged_at=row.acknowledged_at,
                    acknowledgement_comment=row.acknowledgement_comment)


def _directory_employee(row: Any) -> DirectoryEmployee:
    return DirectoryEmployee(employee_id=row.employee_id, name=row.name, role=row.role, status=row.status,
                             department_id=row.department_id, group_id=row.group_id, manager_id=row.manager_id,
                             region_id=row.region_id)


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def card_to_json(card: ScoreCard) -> dict[str, Any]:
    return {
        "template_key": card.template_key,
        "total": str(card.total),
        "indicators": [{
            "key": line.key, "label": line.label, "source": line.source, "rule": line.rule,
            "raw_value": str(line.raw_value) if line.raw_value is not None else None,
            "points": str(line.points), "weight": str(line.weight), "contribution": str(line.contribution),
            "inputs": line.inputs, "status": line.status,
        } for line in card.indicators],
    }


def card_from_json(data: dict[str, Any]) -> ScoreCard:
    return ScoreCard(
        template_key=data["template_key"],
        total=Decimal(data["total"]),
        indicators=tuple(IndicatorScore(
            key=line["key"], label=line["label"], source=line["source"], rule=line["rule"],
            raw_value=_decimal(line["raw_value"]), points=Decimal(line["points"]), weight=Decimal(line["weight"]),
            contribution=Decimal(line["contribution"]), inputs=line["inputs"], status=line["status"],
        ) for line in data["indicators"]),
    )
