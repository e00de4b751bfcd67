"""Projects (C7): created on a customer the caller sees, placed with the rep responsible for it (as
deals are, by the directory); moved through the stages by that rep or their leader and managers,
each move logged and announced (``crm.project.stage_changed.v1``) in the same transaction."""

from __future__ import annotations

from crm.domain.model import Lead
from crm.domain.projects import STAGES, Project, ProjectStage, StageChange, stage_of
from crm.service_layer import project_commands as commands
from crm.service_layer.access import LEAD_CREATORS, REP_DISTRIBUTORS, SELLING_ROLES, require, scope_in
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.auth import Principal
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.events.crm import ProjectStageChanged


async def create_project(command: commands.CreateProject, bus: CrmBus) -> Project:
    by = command.by
    require(by, LEAD_CREATORS, "creating a project")
    name = (command.name or "").strip()
    if not name:
        raise InvalidInput("name", "a project needs a name")
    if command.customer_id is None and command.lead_id is None:
        raise InvalidInput("customer_id", "give the customer (customer_id) or one of its leads (lead_id)")
    stage = stage_of(command.stage) if command.stage else STAGES[0]
    async with bus.uow() as uow:
        scope = await scope_in(uow, by)
        holder: Lead | None
        if command.lead_id is not None:
            holder = await uow.leads.get(command.lead_id)
            if holder is None or not scope.sees(owner_id=holder.owner_id, group_id=holder.group_id,
                                                department_id=holder.department_id):
                raise NotFound("no such lead", field="lead_id", lead_id=str(command.lead_id))
            if command.customer_id is not None and command.customer_id != holder.customer_id:
                raise InvalidInput("lead_id", "the lead is of another customer")
            customer_id = holder.customer_id
        else:
            assert command.customer_id is not None
            if not await uow.leads.any_visible_of_customer(command.customer_id, scope):
                raise NotFound("no such customer", field="customer_id", customer_id=str(command.customer_id))
            customer_id = command.customer_id
            holder = await uow.leads.holder_of(customer_id)
        rep_id = command.rep_id or (holder.owner_id if holder else None)
        if rep_id is None and by.has_any(*SELLING_ROLES):
            rep_id = by.employee_id
        if rep_id is None:
            raise InvalidInput("rep_id", "nobody holds the customer: name the rep responsible for the project")
        rep = await uow.directory.employee(rep_id)
        if rep is None or not rep.is_employed:
            raise InvalidInput("rep_id", "not a current employee in the directory")
        if not scope.sees(owner_id=rep.employee_id, group_id=rep.group_id, department_id=rep.department_id):
            raise Forbidden("a project is given to a rep within your own scope", rep_id=str(rep_id))
        now = bus.clock.now()
        project = Project(id=new_id(), customer_id=customer_id, lead_id=command.lead_id, name=name, stage=stage,
                          rep_id=rep.employee_id, group_id=rep.group_id, department_id=rep.department_id,
                          created_by=by.employee_id, created_at=now, stage_changed_at=now)
        await uow.projects.add(project)
        await _record(uow, project, StageChange(id=new_id(), project_id=project.id, from_stage=None, to_stage=stage,
                                                reason=None, by=by.employee_id, at=now))
        await uow.commit()
    return project


async def move_project_stage(command: commands.MoveProjectStage, bus: CrmBus) -> Project:
    by = command.by
    stage: ProjectStage = stage_of(command.stage)
    async with bus.uow() as uow:
        project = await visible_project(uow, by, command.project_id, for_update=True)
        if project.rep_id != by.employee_id and not by.has_any(*REP_DISTRIBUTORS):
            raise Forbidden("a project's stage is moved by its rep or their leader", project_id=str(project.id))
        change = project.move_to(stage, reason=command.reason, by=by.employee_id, at=bus.clock.now(),
                                 change_id=new_id())
        await uow.projects.save(project)
        await _record(uow, project, change)
        await uow.commit()
    return project


async def visible_project(uow: CrmUnitOfWork, by: Principal, project_id, *, for_update: bool = False,
                          field: str | None = None) -> Project:
    scope = await scope_in(uow, by)
    project = await uow.projects.get(project_id, for_update=for_update)
    # Out of scope answers as if it did not exist, so that ids cannot be probed.
    if project is None or not scope.sees(owner_id=project.rep_id, group_id=project.group_id,
                                         department_id=project.department_id):
        extra = {"field": field} if field else {}
        raise NotFound("no such project", project_id=str(project_id), **extra)
    return project


async def _record(uow: CrmUnitOfWork, project: Project, change: StageChange) -> None:
    await uow.projects.add_change(change)
    uow.emit(ProjectStageChanged(
        project_id=project.id, customer_id=project.customer_id, lead_id=project.lead_id, rep_id=project.rep_id,
        group_id=project.group_id, department_id=project.department_id,
        from_stage=change.from_stage.value if change.from_stage else None, to_stage=change.to_stage.value,
        reason=change.reason, changed_by=change.by, changed_at=change.at, revision=project.revision))


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.CreateProject: create_project,
    commands.MoveProjectStage: move_project_stage,
}
