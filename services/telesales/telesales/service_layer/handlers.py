"""Use cases that change state. ``record_call`` runs inside the consumer runner's unit of work,
which also holds the inbox row and commits once: the call, its figures and its event are stored
together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo

from shared.events.telesales import CallLogged
from telesales.domain.calls import Call, Placement, local_call_date
from telesales.domain.effectiveness import EffectiveConversationRule
from telesales.domain.figures import contribution
from telesales.service_layer import commands
from telesales.service_layer.unit_of_work import TelesalesUnitOfWork


@dataclass(frozen=True)
class CallPolicy:
    """The company's rules a stored call is judged by (T3): injected from settings by bootstrap."""

    effective_rule: EffectiveConversationRule
    company_timezone: tzinfo


async def record_call(command: commands.RecordCall, uow: TelesalesUnitOfWork, policy: CallPolicy) -> bool:
    """Store the call and count it, once per call_id; True when it was new. The caller commits."""
    submitted = command.call
    placement = await _placement(uow, command)
    call = Call(
        call_id=submitted.call_id,
        agent_id=submitted.agent_id,
        number_dialled=submitted.number_dialled,
        started_at=submitted.started_at,
        call_date=local_call_date(submitted.started_at, policy.company_timezone),
        duration_seconds=submitted.duration_seconds,
        connected=submitted.connected,
        disposition=submitted.disposition,
        effective=policy.effective_rule.is_effective(connected=submitted.connected,
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
