"""Field visits (C12): the caller logs a visit they made to a customer they see (and, optionally,
one of its leads and projects). The visit moves the project's last-visit date (C7's cadence) and is
announced (``crm.visit.logged.v1``) for appraisal's weekly count, in the same transaction."""

from __future__ import annotations

from crm.domain.visits import Visit, required_text, visit_time
from crm.service_layer.access import LEAD_CREATORS, require, scope_in
from crm.service_layer.project_commands import LogVisit
from crm.service_layer.projects import visible_project
from crm.service_layer.unit_of_work import CrmBus
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import InvalidInput, NotFound
from shared.events.crm import VisitLogged

MAX_PLACE, MAX_RESULT = 300, 1000


async def log_visit(command: LogVisit, bus: CrmBus) -> Visit:
    by = command.by
    require(by, LEAD_CREATORS, "logging a visit")
    now = bus.clock.now()
    visited_at = visit_time(command.visited_at, now=now, max_age_days=bus.policy.visit_max_age_days)
    place = required_text(command.place, field="place", what="say where the visit took place")
    result = required_text(command.result, field="result", what="say how the visit went")
    async with bus.uow() as uow:
        scope = await scope_in(uow, by)
        if not await uow.leads.any_visible_of_customer(command.customer_id, scope):
            raise NotFound("no such customer", field="customer_id", customer_id=str(command.customer_id))
        if command.lead_id is not None:
            lead = await uow.leads.get(command.lead_id)
            if lead is None or not scope.sees(owner_id=lead.owner_id, group_id=lead.group_id,
                                              department_id=lead.department_id):
                raise NotFound("no such lead", field="lead_id", lead_id=str(command.lead_id))
            if lead.customer_id != command.customer_id:
                raise InvalidInput("lead_id", "the lead is of another customer")
        project = None
        if command.project_id is not None:
            project = await visible_project(uow, by, command.project_id, for_update=True, field="project_id")
            if project.customer_id != command.customer_id:
                raise InvalidInput("project_id", "the project is of another customer")
        # Placed where the rep is now (the directory), as deals are; the token's placement if not replicated yet.
        rep = await uow.directory.employee(by.employee_id)
        visit = Visit(id=new_id(), rep_id=by.employee_id, group_id=rep.group_id if rep else by.group_id,
                      department_id=rep.department_id if rep else by.department_id, customer_id=command.customer_id,
                      lead_id=command.lead_id, project_id=command.project_id, visited_at=visited_at,
                      visited_on=bus.clock.date_of(visited_at), place=place, result=result, logged_at=now)
        await uow.visits.add(visit)
        if project is not None:
            project.visited(visited_at)
            await uow.projects.save(project)
        uow.emit(VisitLogged(visit_id=visit.id, rep_id=visit.rep_id, group_id=visit.group_id,
                             department_id=visit.department_id, customer_id=visit.customer_id, lead_id=visit.lead_id,
                             project_id=visit.project_id, visited_on=visit.visited_on, visited_at=visit.visited_at,
                             result=visit.result, logged_at=now))
        await uow.commit()
    return visit


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    LogVisit: log_visit,
}
