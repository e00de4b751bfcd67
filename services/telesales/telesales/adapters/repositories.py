"""Every query of the telesales service. Repositories translate rows to domain objects and back;
they never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Row, String, Table, case, exists, false, func, literal, or_, select, true, update
from sqlalchemy.dialects.postgresql import array
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.directory import DirectoryEmployee, DirectoryReader, directory_employees
from shared.scope import DataScope
from telesales.adapters.tables import (
    FIGURE_COLUMNS,
    call_versions,
    calls,
    daily_figures,
    do_not_call,
    do_not_call_requests,
)
from telesales.domain.calls import Call, CallStage, Disposition, Placement
from telesales.domain.compliance import Violation
from telesales.domain.figures import AgentDay, DailyFigures


@dataclass(frozen=True)
class CallQuery:
    agent_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None
    date_from: date | None = None
    date_to: date | None = None
    disposition: Disposition | None = None
    # True: only calls that broke a compliance rule (T6); False: only those that did not.
    flagged: bool | None = None


@dataclass(frozen=True)
class NumberChecks:
    """What a stored call is judged against besides the number's history: its company day and
    week (inclusive bounds), whether it started outside the permitted hours, and the caps."""

    day_start: datetime
    day_end: datetime
    week_start: datetime
    week_end: datetime
    outside_hours: bool
    daily_cap: int | None
    weekly_cap: int | None


@dataclass(frozen=True)
class Slice:
    """Which rows of a day: one agent, one group, one department, or (all None) the whole scope."""

    agent_id: uuid.UUID | None = None
    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None


@dataclass(frozen=True)
class _Columns:
    """The person, group and department columns of a table, to filter any of them the same way."""

    person: ColumnElement
    group: ColumnElement
    department: ColumnElement

    @classmethod
    def of(cls, table: Table, person: str = "agent_id") -> _Columns:
        return cls(table.c[person], table.c.group_id, table.c.department_id)

    def in_scope(self, scope: DataScope) -> ColumnElement[bool]:
        if scope.everything:
            return true()
        clauses = []
        if scope.employee_ids:
            clauses.append(self.person.in_(scope.employee_ids))
        if scope.group_ids:
            clauses.append(self.group.in_(scope.group_ids))
        if scope.department_ids:
            clauses.append(self.department.in_(scope.department_ids))
        return or_(*clauses) if clauses else false()

    def sliced(self, part: Slice | CallQuery) -> list[ColumnElement[bool]]:
        conditions = []
        if part.agent_id is not None:
            conditions.append(self.person == part.agent_id)
        if part.group_id is not None:
            conditions.append(self.group == part.group_id)
        if part.department_id is not None:
            conditions.append(self.department == part.department_id)
        return conditions


def listed(number: str, digest: str | None) -> ColumnElement[bool]:
    """Whether the number is on the do-not-call list: by itself, or by the digest a customer's
    request from crm named it by."""
    by_number = exists().where(do_not_call.c.number == number)
    if digest is None:
        return by_number
    return or_(by_number, exists().where(do_not_call_requests.c.digest == digest))


_CALLS = _Columns.of(calls)
_FIGURES = _Columns.of(daily_figures)
_PEOPLE = _Columns.of(directory_employees, person="employee_id")


class CallRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, call: Call, *, number: str, fingerprint: str, checks: NumberChecks,
                  digest: str | None = None) -> tuple[str, ...] | None:
        """Store the call unless its call_id is already taken, judging it against the do-not-call
        list and the calls to the same number of its day and week stored before it, in the same
        statement, so that the compliance check costs no round trip of its own. Calls stored out of
        order flag a different call, never a different number of them. The rules it broke; None
        when not new."""
        same = calls.c.number_normalised == number
        history = select(
            listed(number, digest).label("listed"),
            select(func.count()).where(same, calls.c.started_at.between(checks.day_start, checks.day_end))
            .scalar_subquery().label("today"),
            select(func.count()).where(same, calls.c.started_at.between(checks.week_start, checks.week_end))
            .scalar_subquery().label("week"),
        ).cte("history")
        flags = [
            case((history.c.listed, literal(Violation.DO_NOT_CALL.value))),
            literal(Violation.OUTSIDE_HOURS.value if checks.outside_hours else None, String),
            case((history.c.today >= checks.daily_cap, literal(Violation.DAILY_CAP.value)))
            if checks.daily_cap is not None else literal(None, String),
            case((history.c.week >= checks.weekly_cap, literal(Violation.WEEKLY_CAP.value)))
            if checks.weekly_cap is not None else literal(None, String),
        ]
        values = {
            "call_id": call.call_id, "agent_id": call.agent_id, "group_id": call.placement.group_id,
            "department_id": call.placement.department_id, "lead_id": call.lead_id,
            "number_dialled": call.number_dialled, "started_at": call.started_at, "call_date": call.call_date,
            "duration_seconds": call.duration_seconds, "connected": call.connected,
            "disposition": call.disposition.value, "effective": call.effective,
            "stage_reached": call.stage_reached.value if call.stage_reached else None, "notes": call.notes,
            "next_step": call.next_step, "submitted_by": call.submitted_by, "received_at": call.received_at,
            "number_normalised": number, "content_hash": fingerprint,
            "service_account_id": call.service_account_id,
        }
        columns = [*values, "violations"]
        row = select(*(literal(value, calls.c[name].type) for name, value in values.items()),
                     func.array_remove(array(flags, type_=String), None)).select_from(history)
        result = await self._session.execute(
            pg_insert(calls).from_select(columns, row)
            .on_conflict_do_nothing(index_elements=["call_id"]).returning(calls.c.violations)
        )
        stored = result.first()
        return tuple(stored.violations) if stored is not None else None

    async def fingerprint(self, call_id: str) -> str | None:
        return (await self._session.execute(
            select(calls.c.content_hash).where(calls.c.call_id == call_id))).scalar_one_or_none()

    async def get_for_update(self, call_id: str) -> Call | None:
        row = (await self._session.execute(
            select(calls).where(calls.c.call_id == call_id).with_for_update())).first()
        return _call(row) if row else None

    async def save_version(self, before: Call, after: Call, *, changed_by: uuid.UUID, reason: str,
                           at: datetime) -> None:
        """Make ``after`` the call's current version; the history keeps both."""
        if before.version == 1:
            await self._session.execute(pg_insert(call_versions).values(
                **_version_values(before), changed_by=before.submitted_by, reason=None,
                changed_at=before.received_at or before.started_at,
            ).on_conflict_do_nothing())
        await self._session.execute(pg_insert(call_versions).values(
            **_version_values(after), changed_by=changed_by, reason=reason, changed_at=at))
        await self._session.execute(
            update(calls).where(calls.c.call_id == after.call_id, calls.c.version == before.version)
            .values(disposition=after.disposition.value, effective=after.effective, notes=after.notes,
                    stage_reached=after.stage_reached.value if after.stage_reached else None,
                    version=after.version))

    async def versions(self, call_id: str) -> list[dict]:
        rows = await self._session.execute(
            select(call_versions).where(call_versions.c.call_id == call_id).order_by(call_versions.c.version))
        return [dict(row._mapping) for row in rows]

    async def get(self, call_id: str) -> Call | None:
        row = (await self._session.execute(select(calls).where(calls.c.call_id == call_id))).first()
        return _call(row) if row else None

    async def page(self, scope: DataScope, query: CallQuery, *, limit: int, offset: int) -> tuple[list[Call], int]:
        conditions = [_CALLS.in_scope(scope), *_CALLS.sliced(query)]
        if query.date_from is not None:
            conditions.append(calls.c.call_date >= query.date_from)
        if query.date_to is not None:
            conditions.append(calls.c.call_date <= query.date_to)
        if query.disposition is not None:
            conditions.append(calls.c.disposition == query.disposition.value)
        if query.flagged is not None:
            conditions.append(func.cardinality(calls.c.violations) > 0 if query.flagged
                              else func.cardinality(calls.c.violations) == 0)
        total = (await self._session.execute(select(func.count()).select_from(calls).where(*conditions))).scalar_one()
        rows = await self._session.execute(
            select(calls).where(*conditions).order_by(calls.c.started_at.desc(), calls.c.call_id)
            .limit(limit).offset(offset)
        )
        return [_call(row) for row in rows], total


class FigureRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, agent_id: uuid.UUID, call_date: date, placement: Placement, figures: DailyFigures) -> None:
        """Add to the agent's day, creating it on the first call; concurrent adds never lose a count."""
        values = figures.as_dict()
        insert = pg_insert(daily_figures).values(
            agent_id=agent_id, call_date=call_date, group_id=placement.group_id,
            department_id=placement.department_id, **values,
        )
        await self._session.execute(insert.on_conflict_do_update(
            index_elements=["agent_id", "call_date"],
            set_={
                **{column: daily_figures.c[column] + insert.excluded[column] for column in FIGURE_COLUMNS},
                "group_id": func.coalesce(insert.excluded.group_id, daily_figures.c.group_id),
                "department_id": func.coalesce(insert.excluded.department_id, daily_figures.c.department_id),
                "updated_at": func.now(),
            },
        ))

    async def day(self, call_date: date, scope: DataScope, part: Slice) -> list[AgentDay]:
        rows = await self._session.execute(
            select(daily_figures)
            .where(daily_figures.c.call_date == call_date, _FIGURES.in_scope(scope), *_FIGURES.sliced(part))
            .order_by(daily_figures.c.agent_id)
        )
        return [
            AgentDay(agent_id=row.agent_id, group_id=row.group_id, department_id=row.department_id,
                     figures=DailyFigures(**{column: getattr(row, column) for column in FIGURE_COLUMNS}))
            for row in rows
        ]


class DirectoryRepository(DirectoryReader):
    """Reads of the local org-directory replica (:mod:`shared.directory`), and telesales' own: the
    people of a slice of the company, within a data scope."""

    async def people(self, *, scope: DataScope, part: Slice, roles: Collection[str] | None = None,
                     ids: Collection[uuid.UUID] | None = None) -> list[DirectoryEmployee]:
        """Employed people in the slice and scope (optionally of ``roles``, or with ``ids``)."""
        table = directory_employees
        conditions = [table.c.status != "left", _PEOPLE.in_scope(scope), *_PEOPLE.sliced(part)]
        if roles is not None:
            conditions.append(table.c.role.in_(list(roles)))
        if ids is not None:
            conditions.append(table.c.employee_id.in_(list(ids)))
        rows = await self._session.execute(select(table).where(*conditions).order_by(table.c.employee_id))
        return [_person(row) for row in rows]


def _person(row: Row) -> DirectoryEmployee:
    return DirectoryEmployee(employee_id=row.employee_id, name=row.name, role=row.role, status=row.status,
                             department_id=row.department_id, group_id=row.group_id, manager_id=row.manager_id,
                             region_id=row.region_id)


def _call(row: Row) -> Call:
    return Call(
        call_id=row.call_id, agent_id=row.agent_id, number_dialled=row.number_dialled, started_at=row.started_at,
        call_date=row.call_date, duration_seconds=row.duration_seconds, connected=row.connected,
        disposition=Disposition(row.disposition), effective=row.effective,
        placement=Placement(group_id=row.group_id, department_id=row.department_id), lead_id=row.lead_id,
        stage_reached=CallStage(row.stage_reached) if row.stage_reached else None, notes=row.notes,
        next_step=row.next_step, submitted_by=row.submitted_by, received_at=row.received_at,
        violations=tuple(row.violations or ()), version=row.version, service_account_id=row.service_account_id,
    )


def _version_values(call: Call) -> dict:
    return {"call_id": call.call_id, "version": call.version, "disposition": call.disposition.value,
            "stage_reached": call.stage_reached.value if call.stage_reached else None, "notes": call.notes,
            "effective": call.effective}
