"""Queries of projects (C7), field visits (C12) and after-sales follow-ups: repositories translate rows
to domain objects and back, and never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import ColumnElement, Row, and_, case, false, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from crm.adapters.repositories import _follow_up, _scoped
from crm.adapters.tables import customers, deals, follow_ups, project_stage_changes, projects, visits
from crm.domain.deals import DealStatus
from crm.domain.followups import FOLLOW_UP_AFTER_SALES, FollowUp, FollowUpStatus
from crm.domain.projects import Project, ProjectStage, StageChange, VisitCadence
from crm.domain.visibility import Scope
from crm.domain.visits import Visit
from shared.directory import DirectoryEmployee, directory_employees


class ProjectRepository:
    def __init__(self, session) -> None:
        self._session = session

    async def add(self, project: Project) -> None:
        await self._session.execute(insert(projects).values(**_project_values(project)))

    async def save(self, project: Project) -> None:
        values = _project_values(project)
        del values["id"]
        await self._session.execute(update(projects).where(projects.c.id == project.id).values(**values))

    async def get(self, project_id: uuid.UUID, *, for_update: bool = False) -> Project | None:
        query = select(projects).where(projects.c.id == project_id)
        if for_update:
            # Stage moves and visits of one project serialise on its row: the revision and the last
            # visit never go backwards.
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _project(row) if row else None

    async def add_change(self, change: StageChange) -> None:
        await self._session.execute(insert(project_stage_changes).values(
            id=change.id, project_id=change.project_id,
            from_stage=change.from_stage.value if change.from_stage else None, to_stage=change.to_stage.value,
            reason=change.reason, by=change.by, at=change.at))

    async def history(self, project_id: uuid.UUID) -> list[StageChange]:
        rows = await self._session.execute(select(project_stage_changes).where(
            project_stage_changes.c.project_id == project_id).order_by(project_stage_changes.c.at,
                                                                       project_stage_changes.c.id))
        return [StageChange(id=row.id, project_id=row.project_id,
                            from_stage=ProjectStage(row.from_stage) if row.from_stage else None,
                            to_stage=ProjectStage(row.to_stage), reason=row.reason, by=row.by, at=row.at)
                for row in rows]

    async def listed(self, scope: Scope, *, customer_id: uuid.UUID | None = None, stage: ProjectStage | None = None,
                     rep_id: uuid.UUID | None = None, limit: int, offset: int = 0) -> list[Project]:
        conditions = [c for c in (
            _project_scoped(scope),
            projects.c.customer_id == customer_id if customer_id else None,
            projects.c.stage == stage.value if stage else None,
            projects.c.rep_id == rep_id if rep_id else None,
        ) if c is not None]
        rows = await self._session.execute(select(projects).where(*conditions)
                                           .order_by(projects.c.created_at.desc(), projects.c.id)
                                           .limit(limit).offset(offset))
        return [_project(row) for row in rows]

    async def overdue_for_visit(self, scope: Scope, cadence: VisitCadence, now: datetime, *,
                                rep_id: uuid.UUID | None = None, limit: int) -> list[Project]:
        """Projects whose last visit (or, never visited, creation) is older than their stage's cadence,
        the longest overdue first; the domain says the same for one project."""
        tracked = {stage.value: days for stage, days in cadence.days_by_stage.items()}
        # A rep's list is what they hold now: an unassigned project's rep_id is only who had it last.
        conditions = [c for c in (
            _project_scoped(scope),
            and_(projects.c.rep_id == rep_id, projects.c.unassigned_at.is_(None)) if rep_id else None,
        ) if c is not None]
        # An unassigned project (its rep went, nobody could take it) is listed too, first: it needs someone
        # before it can be visited at all.
        waiting = projects.c.unassigned_at.is_not(None)
        if tracked:
            due = (func.coalesce(projects.c.last_visit_at, projects.c.created_at)
                   + func.make_interval(0, 0, 0, case(tracked, value=projects.c.stage)))
            listed = or_(and_(projects.c.stage.in_(list(tracked)), due < now), waiting)
            order = (waiting.desc(), due, projects.c.id)
        else:
            listed, order = waiting, (projects.c.id,)
        rows = await self._session.execute(select(projects).where(listed, *conditions).order_by(*order).limit(limit))
        return [_project(row) for row in rows]


class VisitRepository:
    def __init__(self, session) -> None:
        self._session = session

    async def add(self, visit: Visit) -> bool:
        """False when a visit of that id exists already (a client's retry under its own id)."""
        inserted = await self._session.execute(pg_insert(visits).values(**{
            name: getattr(visit, name) for name in Visit.__dataclass_fields__})
            .on_conflict_do_nothing(index_elements=["id"]).returning(visits.c.id))
        return inserted.first() is not None

    async def get(self, visit_id: uuid.UUID) -> Visit | None:
        row = (await self._session.execute(select(visits).where(visits.c.id == visit_id))).first()
        return Visit(**row._mapping) if row is not None else None

    async def listed(self, scope: Scope, *, rep_id: uuid.UUID | None = None, customer_id: uuid.UUID | None = None,
                     project_id: uuid.UUID | None = None, visited_from: date | None = None,
                     visited_to: date | None = None, limit: int, offset: int = 0) -> list[Visit]:
        conditions = [c for c in (
            _scoped(scope, visits.c.rep_id, visits.c.group_id, visits.c.department_id),
            visits.c.rep_id == rep_id if rep_id else None,
            visits.c.customer_id == customer_id if customer_id else None,
            visits.c.project_id == project_id if project_id else None,
            visits.c.visited_on >= visited_from if visited_from else None,
            visits.c.visited_on <= visited_to if visited_to else None,
        ) if c is not None]
        rows = await self._session.execute(select(visits).where(*conditions)
                                           .order_by(visits.c.visited_at.desc(), visits.c.id)
                                           .limit(limit).offset(offset))
        return [Visit(**row._mapping) for row in rows]

    async def counts(self, scope: Scope, first_day: date, last_day: date) -> dict[uuid.UUID, int]:
        """Visits per rep on the company days ``first_day``..``last_day``, of the visits the caller sees."""
        conditions = [c for c in (
            _scoped(scope, visits.c.rep_id, visits.c.group_id, visits.c.department_id),
        ) if c is not None]
        rows = await self._session.execute(
            select(visits.c.rep_id, func.count()).where(
                visits.c.visited_on >= first_day, visits.c.visited_on <= last_day, *conditions)
            .group_by(visits.c.rep_id))
        return {row[0]: int(row[1]) for row in rows}

    async def people(self, scope: Scope, roles: Collection[str]) -> list[DirectoryEmployee]:
        """Employed people in the caller's scope holding one of ``roles`` (from the directory replica)."""
        condition = _scoped(scope, directory_employees.c.employee_id, directory_employees.c.group_id,
                            directory_employees.c.department_id)
        query = select(directory_employees).where(directory_employees.c.role.in_(list(roles)),
                                                  directory_employees.c.status != "left")
        if condition is not None:
            query = query.where(condition)
        rows = await self._session.execute(query.order_by(directory_employees.c.name,
                                                          directory_employees.c.employee_id))
        return [DirectoryEmployee(employee_id=row.employee_id, name=row.name, role=row.role, status=row.status,
                                  department_id=row.department_id, group_id=row.group_id,
                                  manager_id=row.manager_id, region_id=row.region_id) for row in rows]


class AfterSalesRepository:
    """What a signed deal starts: whether its customer is new (C8), and its after-sales follow-ups (C7)."""

    def __init__(self, session) -> None:
        self._session = session

    async def lock_customer(self, customer_id: uuid.UUID) -> None:
        # Two deals for one customer recorded at once queue here, so the second sees the first and
        # exactly one of them is the customer's first. FOR NO KEY UPDATE: rows that merely reference
        # the customer (a new lead, a visit) are not held up by it.
        await self._session.execute(select(customers.c.id).where(customers.c.id == customer_id)
                                    .with_for_update(key_share=True))

    async def has_other_active_deal(self, customer_id: uuid.UUID, deal_id: uuid.UUID) -> bool:
        found = await self._session.scalar(select(deals.c.id).where(
            deals.c.customer_id == customer_id, deals.c.id != deal_id,
            deals.c.status == DealStatus.ACTIVE.value).limit(1))
        return found is not None

    async def planned_for_deal(self, deal_id: uuid.UUID) -> list[FollowUp]:
        rows = await self._session.execute(select(follow_ups).where(
            follow_ups.c.deal_id == deal_id, follow_ups.c.kind == FOLLOW_UP_AFTER_SALES,
            follow_ups.c.status == FollowUpStatus.PLANNED.value).order_by(follow_ups.c.due_at, follow_ups.c.id)
            .with_for_update())
        return [_follow_up(row) for row in rows]

    async def cancel_for_deal(self, deal_id: uuid.UUID, reason: str) -> None:
        await self._session.execute(update(follow_ups).where(
            follow_ups.c.deal_id == deal_id, follow_ups.c.kind == FOLLOW_UP_AFTER_SALES,
            follow_ups.c.status == FollowUpStatus.PLANNED.value,
        ).values(status=FollowUpStatus.CANCELLED.value, cancel_reason=reason))


def _project_scoped(scope: Scope) -> ColumnElement[bool] | None:
    """As ``_scoped``, but a project is its rep's only while they hold it: one left unassigned is
    seen by its group's leader and its department's managers, not by who had it last."""
    if scope.everything:
        return None
    clauses = []
    if scope.owner_ids:
        clauses.append(and_(projects.c.rep_id.in_(scope.owner_ids), projects.c.unassigned_at.is_(None)))
    if scope.group_ids:
        clauses.append(projects.c.group_id.in_(scope.group_ids))
    if scope.department_ids:
        clauses.append(projects.c.department_id.in_(scope.department_ids))
    return or_(*clauses) if clauses else false()


def _project_values(project: Project) -> dict:
    values = {name: getattr(project, name) for name in Project.__dataclass_fields__}
    values["stage"] = project.stage.value
    return values


def _project(row: Row) -> Project:
    values = dict(row._mapping)
    values["stage"] = ProjectStage(values["stage"])
    return Project(**values)



