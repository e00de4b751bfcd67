"""Kafka event type -> handler, per consumer group. crm follows the org directory (who is in which
group, who leads it, who left) to distribute leads and to place deals; and a rep who leaves, or moves
out of a group, keeps none of its leads: they return to that group's pool (C5, issue 11 item 1); nor
its projects: they follow the customer's new holder, else the group's leader, else wait unassigned."""

from __future__ import annotations

from crm.domain.projects import AssignmentCause
from crm.service_layer.pool import return_leads_of
from crm.service_layer.project_assignments import reassign_projects_of
from crm.service_layer.unit_of_work import CrmUnitOfWork
from shared.bus import Bus
from shared.consumer import ConsumerSpec
from shared.directory import DIRECTORY_HANDLERS, DIRECTORY_TOPICS
from shared.events.envelope import CloudEvent
from shared.events.org import EmployeeLeft, EmployeeTransferred


async def on_employee_left(envelope: CloudEvent, uow: CrmUnitOfWork, bus: Bus) -> None:
    await DIRECTORY_HANDLERS[EmployeeLeft.event_type](envelope, uow, bus)
    left = envelope.payload(EmployeeLeft)
    # The replica is the revision check: a stale leaving (a rehire applied since) changes nothing. A
    # redelivery finds nothing left to return: the inbox refuses it, and the leads have moved anyway.
    now = await uow.directory.employee(left.employee_id)
    if now is not None and now.is_employed:
        return
    await return_leads_of(uow, bus, left.employee_id, group_id=None, cause="owner_left",
                          reason=f"the holder left on {left.left_on.isoformat()}")
    await reassign_projects_of(uow, bus, left.employee_id, group_id=None, cause=AssignmentCause.HOLDER_LEFT,
                               reason=f"the rep left on {left.left_on.isoformat()}")


async def on_employee_transferred(envelope: CloudEvent, uow: CrmUnitOfWork, bus: Bus) -> None:
    await DIRECTORY_HANDLERS[EmployeeTransferred.event_type](envelope, uow, bus)
    moved = envelope.payload(EmployeeTransferred)
    now = await uow.directory.employee(moved.employee_id)
    if now is not None and now.status == "active" and now.group_id == moved.from_group_id:
        return  # a newer change (applied before this late one) has them working in that group again
    leaves_group = moved.from_group_id is not None and moved.to_group_id != moved.from_group_id
    if leaves_group or (moved.to_status is not None and moved.to_status != "active"):
        # Only the leads of the group they left: a lead they got in the new group stays theirs.
        await return_leads_of(uow, bus, moved.employee_id, group_id=moved.from_group_id, cause="owner_transferred",
                              reason=f"the holder moved on {moved.effective_date.isoformat()}")
        # After the leads: the customer's new holder, if any, is who the projects go to.
        await reassign_projects_of(uow, bus, moved.employee_id, group_id=moved.from_group_id,
                                   cause=AssignmentCause.HOLDER_TRANSFERRED,
                                   reason=f"the rep moved on {moved.effective_date.isoformat()}")


CONSUMERS = [
    ConsumerSpec(name="crm-directory", topics=list(DIRECTORY_TOPICS), handlers={
        **DIRECTORY_HANDLERS,
        EmployeeLeft.event_type: on_employee_left,
        EmployeeTransferred.event_type: on_employee_transferred,
    }),
]
