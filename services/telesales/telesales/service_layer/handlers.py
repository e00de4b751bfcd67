"""Use cases that change state. ``record_call`` runs inside the consumer runner's unit of work,
which also holds the inbox row and commits once: the call, its figures and its event are stored
together or not at all. Calls come in only through intake and its topic, so there are no commands
to dispatch: the table at the bottom is empty."""

from __future__ import annotations

from shared.bus import CommandHandler
from shared.events.telesales import CallLogged
from telesales.domain.calls import Call, Placement
from telesales.domain.figures import contribution
from telesales.service_layer import commands
from telesales.service_layer.unit_of_work import TelesalesBus, TelesalesUnitOfWork


async def record_call(uow: TelesalesUnitOfWork, bus: TelesalesBus, command: commands.RecordCall) -> bool:
    """Store the call and count it, once per call_id; True when it was new. The caller commits."""
    submitted = command.call
    placement = await _placement(uow, command)
    call = Call(
        call_id=submitted.call_id,
        agent_id=submitted.agent_id,
        number_dialled=submitted.number_dialled,
        started_at=submitted.started_at,
        call_date=bus.clock.date_of(submitted.started_at),
        duration_seconds=submitted.duration_seconds,
        connected=submitted.connected,
        disposition=submitted.disposition,
        effective=bus.policy.effective_rule.is_effective(connected=submitted.connected,
                                                         duration_seconds=submitted.duration_seconds,
                                                         disposition=submitted.disposition),
        placement=placement,
        lead_id=submitted.lead_id,
        stage_reached=submitted.stage_reached,
        notes=submitted.notes,
        next_step=submitted.next_step,
        submitted_by=command.submitted_by,
        received_at=command.received_at,
    )
    # The call_id key decides: a resubmitted call (new message, same id) counts nothing twice.
    if not await uow.calls.add(call):
        return False
    await uow.figures.add(call.agent_id, call.call_date, placement, contribution(call))
    uow.emit(CallLogged(
        call_id=call.call_id, agent_id=call.agent_id, group_id=placement.group_id,
        department_id=placement.department_id, lead_id=call.lead_id, started_at=call.started_at,
        call_date=call.call_date, duration_seconds=call.duration_seconds, connected=call.connected,
        disposition=call.disposition.value, effective=call.effective,
        stage_reached=call.stage_reached.value if call.stage_reached else None,
    ))
    return True


async def _placement(uow: TelesalesUnitOfWork, command: commands.RecordCall) -> Placement:
    """The agent's current group from the directory replica; the submitter's own claim when the
    replica has not heard of the agent yet (their hire event may still be on its way)."""
    agent = await uow.directory.employee(command.call.agent_id)
    if agent is not None and (agent.group_id or agent.department_id):
        return Placement(group_id=agent.group_id, department_id=agent.department_id)
    return Placement(group_id=command.claimed_group_id, department_id=command.claimed_department_id)


COMMAND_HANDLERS: dict[type, CommandHandler] = {}
