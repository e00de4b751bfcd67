"""Complaints (C9). Anyone in sales records one on a lead they can see, at once, with the apology
made; the lead's leader or managers forward it to the department answerable for it; that department's
management (or the lead's chain) answers it; the customer's satisfaction closes it or reopens it. A
sweep escalates the unanswered ones after the set time, each under its row lock (an answer committed
first is not escalated)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from crm.domain.complaints import Complaint, ComplaintStatus
from crm.service_layer import complaint_commands as commands
from crm.service_layer.access import LEAD_CREATORS, REP_DISTRIBUTORS, require, scope_in
from crm.service_layer.unit_of_work import CrmBus, CrmUnitOfWork
from shared.auth import Principal, Role
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.events.crm import ComplaintClosed, ComplaintEscalated, ComplaintRecorded

COMPLAINT_RECORDERS = LEAD_CREATORS
# The lead's leader and managers route and answer; admins anywhere.
COMPLAINT_HANDLERS = (*REP_DISTRIBUTORS,)
SWEEP_BATCH = 500


async def record_complaint(command: commands.RecordComplaint, bus: CrmBus) -> Complaint:
    by = command.by
    require(by, COMPLAINT_RECORDERS, "recording a complaint")
    cause = command.cause.strip().lower()
    if cause not in bus.policy.complaint_causes:
        raise InvalidInput("cause", f"unknown cause {command.cause!r}; "
                                    f"one of: {', '.join(bus.policy.complaint_causes)}")
    content = require_text(command.content, "content", 2000)
    apology = require_text(command.apology, "apology", 500)
    async with bus.uow() as uow:
        scope = await scope_in(uow, by)
        lead = await uow.leads.get(command.lead_id)
        if lead is None or not scope.sees(owner_id=lead.owner_id, group_id=lead.group_id,
                                          department_id=lead.department_id):
            raise NotFound("no such lead", field="lead_id", lead_id=str(command.lead_id))
        now = bus.clock.now()
        complaint = Complaint(id=new_id(), lead_id=lead.id, customer_id=lead.customer_id, rep_id=lead.owner_id,
                              group_id=lead.group_id, department_id=lead.department_id, cause=cause, content=content,
                              apology=apology, status=ComplaintStatus.OPEN, recorded_by=by.employee_id,
                              recorded_at=now)
        await uow.complaints.add(complaint)
        uow.emit(ComplaintRecorded(complaint_id=complaint.id, lead_id=lead.id, customer_id=lead.customer_id,
                                   rep_id=lead.owner_id, group_id=lead.group_id, department_id=lead.department_id,
                                   cause=cause, recorded_by=by.employee_id, recorded_at=now))
        await uow.commit()
    return complaint


async def forward_complaint(command: commands.ForwardComplaint, bus: CrmBus) -> Complaint:
    async with bus.uow() as uow:
        complaint = await _handled(uow, command.by, command.complaint_id, "forwarding a complaint")
        if not await uow.directory.department_known(command.department_id):
            raise InvalidInput("department_id", "no such department in the directory")
        complaint.forward(command.department_id, bus.clock.now())
        await uow.complaints.save(complaint)
        await uow.commit()
    return complaint


async def resolve_complaint(command: commands.ResolveComplaint, bus: CrmBus) -> Complaint:
    resolution = require_text(command.resolution, "resolution", 2000)
    async with bus.uow() as uow:
        complaint = await _handled(uow, command.by, command.complaint_id, "answering a complaint")
        complaint.resolve(resolution, command.by.employee_id, bus.clock.now())
        await uow.complaints.save(complaint)
        await uow.commit()
    return complaint


async def close_complaint(command: commands.CloseComplaint, bus: CrmBus) -> Complaint:
    async with bus.uow() as uow:
        complaint = await _handled(uow, command.by, command.complaint_id, "closing a complaint")
        now = bus.clock.now()
        if complaint.close(command.satisfaction, now):
            assert complaint.resolved_at is not None and complaint.resolved_by is not None
            hours = complaint.hours_to_resolve()
            assert hours is not None
            limit = complaint.recorded_at + timedelta(hours=bus.policy.complaint_escalation_hours)
            uow.emit(ComplaintClosed(
                complaint_id=complaint.id, rep_id=complaint.rep_id, group_id=complaint.group_id,
                department_id=complaint.department_id, responsible_department_id=complaint.answerable_department,
                resolved_by=complaint.resolved_by, cause=complaint.cause, satisfaction=command.satisfaction,
                recorded_at=complaint.recorded_at, resolved_at=complaint.resolved_at, closed_at=now,
                hours_to_resolve=hours, escalated=complaint.escalated_at is not None,
                on_time=complaint.resolved_at <= limit, reopened=complaint.reopened))
        await uow.complaints.save(complaint)
        await uow.commit()
    return complaint


async def escalate_overdue_complaints(command: commands.EscalateOverdueComplaints, bus: CrmBus) -> list[uuid.UUID]:
    after = timedelta(hours=bus.policy.complaint_escalation_hours)
    now = bus.clock.now()
    async with bus.uow() as uow:
        due = await uow.complaints.escalation_due(now - after, limit=SWEEP_BATCH)
    escalated = []
    for complaint_id in due:
        async with bus.uow() as uow:
            complaint = await uow.complaints.get(complaint_id, for_update=True)
            if complaint is None or not complaint.escalation_due(after, now):
                continue
            to = await uow.directory.first_in_department(complaint.answerable_department,
                                                         bus.policy.complaint_escalation_roles)
            complaint.escalate(to, now)
            await uow.complaints.save(complaint)
            uow.emit(ComplaintEscalated(
                complaint_id=complaint.id, rep_id=complaint.rep_id, group_id=complaint.group_id,
                department_id=complaint.department_id, responsible_department_id=complaint.answerable_department,
                escalated_to=to, recorded_at=complaint.recorded_at, escalated_at=now))
            await uow.commit()
            escalated.append(complaint_id)
    return escalated


async def visible_complaint(uow: CrmUnitOfWork, by: Principal, complaint_id: uuid.UUID, *,
                            for_update: bool = False) -> Complaint:
    scope = await scope_in(uow, by)
    complaint = await uow.complaints.get(complaint_id, for_update=for_update)
    if complaint is None or not (
            scope.sees(owner_id=complaint.rep_id, group_id=complaint.group_id, department_id=complaint.department_id)
            or (by.is_department_wide and complaint.responsible_department_id is not None
                and by.department_id == complaint.responsible_department_id)):
        raise NotFound("no such complaint", complaint_id=str(complaint_id))
    return complaint


async def _handled(uow: CrmUnitOfWork, by: Principal, complaint_id: uuid.UUID, action: str) -> Complaint:
    complaint = await visible_complaint(uow, by, complaint_id, for_update=True)
    if not by.has_any(*COMPLAINT_HANDLERS, Role.ADMIN):
        raise Forbidden(f"{action} is for the lead's leader and managers, or the answerable department's",
                        complaint_id=str(complaint_id))
    return complaint


def require_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(field, "required")
    if len(text) > limit:
        raise InvalidInput(field, f"at most {limit} characters")
    return text


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.RecordComplaint: record_complaint,
    commands.ForwardComplaint: forward_complaint,
    commands.ResolveComplaint: resolve_complaint,
    commands.CloseComplaint: close_complaint,
    commands.EscalateOverdueComplaints: escalate_overdue_complaints,
}
