"""A project's changes of hands (C7). A rep who leaves, or moves out of the group a project is
placed in, keeps none of those projects (as none of those leads, which go back to the pool): each
goes to whoever now holds a lead of the project's customer, else to the group's leader, else it
waits unassigned in its group, listed first in the leader's overdue list. A leader or manager
hands a project to another rep in their scope. Each change is a row of ``project_assignments`` and
a ``crm.project.reassigned.v1`` in the same transaction; the project's revision grows, as with a
stage move."""

from __future__ import annotations

import uuid

from crm.domain.projects import AssignmentCause, Placement, Project, ProjectAssignment
from crm.service_layer.access import LEAD_CREATORS, REP_DISTRIBUTORS, require, scope_in
from crm.service_layer.project_commands import AssignProject
from crm.service_layer.projects import visible_project
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput
from shared.events.crm import ProjectReassigned


async def assign_project(command: AssignProject, bus: CrmBus) -> Project:
    by = command.by
    require(by, REP_DISTRIBUTORS, "handing a project over")
    async with bus.uow() as uow:
        project = await visible_project(uow, by, command.project_id, for_update=True)
        rep = await uow.directory.employee(command.rep_id)
        if rep is None or not rep.is_employed:
            raise InvalidInput("rep_id", "not a current employee in the directory")
        if rep.role not in LEAD_CREATORS:
            raise InvalidInput("rep_id", f"a project goes to someone in sales, not a {rep.role}")
        scope = await scope_in(uow, by)
        if not scope.sees(owner_id=rep.employee_id, group_id=rep.group_id, department_id=rep.department_id):
            raise Forbidden("a project is handed to a rep within your own scope", rep_id=str(command.rep_id))
        assignment = project.hand_to(Placement(rep.employee_id, rep.group_id, rep.department_id),
                                     cause=AssignmentCause.HANDED_OVER, reason=command.reason, by=by.employee_id,
                                     at=bus.clock.now(), assignment_id=new_id())
        await uow.projects.save(project)
        await _record(uow, project, assignment)
        await uow.commit()
    return project


async def reassign_projects_of(uow: CrmUnitOfWork, bus: CrmBus, rep_id: uuid.UUID, *, group_id: uuid.UUID | None,
                               cause: str, reason: str | None) -> list[Project]:
    """Inside the consumer's transaction, after the rep's leads went back to the pool: the projects the
    rep holds (in ``group_id``, when they only left that group) follow the customer. A redelivery finds
    none held any more: they have moved, or wait unassigned."""
    held = await uow.project_assignments.held_by(rep_id, group_id=group_id)
    now = bus.clock.now()
    for project in held:
        to = await _successor(uow, project, leaving=rep_id)
        assignment = project.hand_to(to, cause=cause, reason=reason, by=None, at=now, assignment_id=new_id())
        await uow.projects.save(project)
        await _record(uow, project, assignment)
    return held


async def _successor(uow: CrmUnitOfWork, project: Project, *, leaving: uuid.UUID) -> Placement | None:
    candidates = []
    holder = await uow.project_assignments.customer_holder(project.customer_id, other_than=leaving)
    if holder is not None:
        candidates.append(holder)
    group = await uow.directory.group(project.group_id) if project.group_id is not None else None
    if group is not None and group.leader_id != leaving:
        candidates.append(group.leader_id)
    for candidate in candidates:
        person = await uow.directory.employee(candidate)
        if person is not None and person.is_employed:
            return Placement(person.employee_id, person.group_id, person.department_id)
    return None


async def _record(uow: CrmUnitOfWork, project: Project, assignment: ProjectAssignment) -> None:
    await uow.project_assignments.add(assignment)
    uow.emit(ProjectReassigned(
        project_id=project.id, customer_id=project.customer_id, lead_id=project.lead_id, stage=project.stage.value,
        from_rep_id=assignment.from_rep_id, to_rep_id=assignment.to_rep_id, group_id=project.group_id,
        department_id=project.department_id, cause=assignment.cause, reason=assignment.reason,
        reassigned_by=assignment.by, reassigned_at=assignment.at, revision=project.revision))


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    AssignProject: assign_project,
}
