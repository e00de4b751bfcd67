"""Queries behind a project's changes of hands (C7): the audit rows, the projects a rep who goes
still holds, and who now holds the customer they are for."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select

from crm.adapters.pipeline import _project
from crm.adapters.tables import leads, project_assignments, projects
from crm.domain.projects import Project, ProjectAssignment
from shared.directory import directory_employees


class ProjectAssignmentRepository:
    def __init__(self, session) -> None:
        self._session = session

    async def add(self, assignment: ProjectAssignment) -> None:
        await self._session.execute(insert(project_assignments).values(**{
            name: getattr(assignment, name) for name in ProjectAssignment.__dataclass_fields__}))

    async def of_project(self, project_id: uuid.UUID) -> list[ProjectAssignment]:
        rows = await self._session.execute(
            select(project_assignments).where(project_assignments.c.project_id == project_id)
            .order_by(project_assignments.c.at, project_assignments.c.id))
        return [ProjectAssignment(**row._mapping) for row in rows]

    async def held_by(self, rep_id: uuid.UUID, *, group_id: uuid.UUID | None) -> list[Project]:
        """The projects the rep holds (in ``group_id`` only, when given), locked: a hand-over or a stage
        move at the same time waits, and then sees the new holder."""
        conditions = [projects.c.rep_id == rep_id, projects.c.unassigned_at.is_(None)]
        if group_id is not None:
            conditions.append(projects.c.group_id == group_id)
        rows = await self._session.execute(select(projects).where(*conditions)
                                           .order_by(projects.c.created_at, projects.c.id).with_for_update())
        return [_project(row) for row in rows]

    async def customer_holder(self, customer_id: uuid.UUID, *, other_than: uuid.UUID) -> uuid.UUID | None:
        """Who now holds a lead of the customer, still employed and not ``other_than`` (the rep who goes,
        whose won leads keep their name): the newest such lead's rep, as ``holder_of`` reads a customer."""
        row = (await self._session.execute(
            select(leads.c.owner_id)
            .join(directory_employees, directory_employees.c.employee_id == leads.c.owner_id)
            .where(leads.c.customer_id == customer_id, leads.c.owner_id != other_than,
                   directory_employees.c.status != "left")
            .order_by(leads.c.created_at.desc(), leads.c.id).limit(1))).first()
        return row.owner_id if row else None
