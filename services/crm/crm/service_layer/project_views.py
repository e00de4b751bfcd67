"""Reads of projects (C7) and field visits (C12), each within the caller's scope: a rep's own, a
leader's group's, a manager's department's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from crm.domain.projects import Project, StageChange, stage_of
from crm.domain.visits import Visit, Week, WeeklyVisits
from crm.service_layer.access import scope_in
from crm.service_layer.projects import visible_project
from crm.service_layer.unit_of_work import CrmBus
from shared.auth import Principal
from shared.errors import InvalidInput

MAX_LISTED = 1000


@dataclass(frozen=True)
class ProjectView:
    project: Project
    visit_due_at: datetime | None


async def project(bus: CrmBus, viewer: Principal, project_id: uuid.UUID) -> tuple[ProjectView, list[StageChange]]:
    async with bus.uow() as uow:
        found = await visible_project(uow, viewer, project_id)
        return _view(bus, found), await uow.projects.history(project_id)


async def projects(bus: CrmBus, viewer: Principal, *, customer_id: uuid.UUID | None = None,
                   stage: str | None = None, rep_id: uuid.UUID | None = None, limit: int = 100,
                   offset: int = 0) -> list[ProjectView]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        found = await uow.projects.listed(scope, customer_id=customer_id, stage=stage_of(stage) if stage else None,
                                          rep_id=rep_id, limit=limit, offset=offset)
        return [_view(bus, p) for p in found]


async def overdue_visits(bus: CrmBus, viewer: Principal, *, rep_id: uuid.UUID | None = None) -> list[ProjectView]:
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        found = await uow.projects.overdue_for_visit(scope, bus.policy.project_visit_cadence, bus.clock.now(),
                                                     rep_id=rep_id, limit=MAX_LISTED)
        return [_view(bus, p) for p in found]


async def visits(bus: CrmBus, viewer: Principal, *, rep_id: uuid.UUID | None = None,
                 customer_id: uuid.UUID | None = None, project_id: uuid.UUID | None = None,
                 visited_from: date | None = None, visited_to: date | None = None, limit: int = 100,
                 offset: int = 0) -> list[Visit]:
    if visited_from and visited_to and visited_to < visited_from:
        raise InvalidInput("to", "the end of the period is before its start")
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        return await uow.visits.listed(scope, rep_id=rep_id, customer_id=customer_id, project_id=project_id,
                                       visited_from=visited_from, visited_to=visited_to, limit=limit, offset=offset)


async def weekly_visits(bus: CrmBus, viewer: Principal, week: str | None) -> tuple[Week, list[WeeklyVisits]]:
    """Visits per rep in an ISO week (default: the company's current week) against the target (C12):
    everyone in the caller's scope holding a target role, and anyone else in it who visited."""
    period = Week.parse(week) if week else Week.of(bus.clock.today())
    target = bus.policy.visit_weekly_target
    async with bus.uow() as uow:
        scope = await scope_in(uow, viewer)
        counts = await uow.visits.counts(scope, period.first_day, period.last_day)
        people = {person.employee_id: person for person in await uow.visits.people(scope,
                                                                                    bus.policy.visit_target_roles)}
        others = await uow.directory.employees([rep for rep in counts if rep not in people])
    rows = [WeeklyVisits(rep_id=person.employee_id, name=person.name, group_id=person.group_id,
                         department_id=person.department_id, visits=counts.get(person.employee_id, 0), target=target)
            for person in people.values()]
    for rep_id in counts:
        if rep_id not in people:
            other = others.get(rep_id)
            rows.append(WeeklyVisits(rep_id=rep_id, name=other.name if other else None,
                                     group_id=other.group_id if other else None,
                                     department_id=other.department_id if other else None,
                                     visits=counts[rep_id], target=target))
    return period, rows


def _view(bus: CrmBus, found: Project) -> ProjectView:
    return ProjectView(project=found, visit_due_at=found.visit_due_at(bus.policy.project_visit_cadence))
