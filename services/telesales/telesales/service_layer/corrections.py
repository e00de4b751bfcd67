"""Corrections of stored calls: the agent within the window, their leader at any time. A new
version says who and why; the day's figures move by the difference, and appraisal hears of it
(``CallCorrected``) in the same transaction (outbox)."""

from __future__ import annotations

from shared.auth import Principal, Role, scope_of
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.telesales import CallCorrected
from telesales.domain.calls import Call, Disposition
from telesales.domain.compliance import DncSource
from telesales.domain.corrections import corrected, correction_problems
from telesales.domain.figures import DailyFigures, contribution
from telesales.service_layer import commands
from telesales.service_layer.compliance import comparable_number
from telesales.service_layer.unit_of_work import TelesalesBus

# Besides the agent: those who lead the people whose calls they see. HR and finance read, not correct.
CORRECTORS = (Role.GROUP_LEADER, Role.SUPERVISOR, Role.DEPARTMENT_MANAGER, Role.REGIONAL_MANAGER,
              Role.SALES_DIRECTOR, Role.ADMIN)


def _may_correct(actor: Principal, call: Call, bus: TelesalesBus) -> None:
    if call.agent_id == actor.employee_id:
        if not bus.policy.correction_window.open_for_agent(call, bus.clock.now()):
            raise Forbidden(f"an agent corrects their call within {bus.policy.correction_window.agent_hours} "
                            "hours of it; ask your group leader", call_id=call.call_id)
        return
    if not actor.has_any(*CORRECTORS):
        raise Forbidden("only the call's agent or their leader corrects a call", call_id=call.call_id)


async def correct_call(command: commands.CorrectCall, bus: TelesalesBus) -> Call:
    """The call as corrected; unchanged (no new version, no event) when it already reads so."""
    reason = command.correction.reason.strip()
    if not reason:
        raise InvalidInput("reason", "say why the call is corrected")
    async with bus.uow() as uow:
        call = await uow.calls.get_for_update(command.call_id)
        if call is None or not scope_of(command.actor).sees(
                employee_id=call.agent_id, group_id=call.placement.group_id,
                department_id=call.placement.department_id):
            raise NotFound(f"call {command.call_id} not found", call_id=command.call_id)
        _may_correct(command.actor, call, bus)
        if command.expected_version is not None and command.expected_version != call.version:
            raise Conflict(f"the call is at version {call.version}, not {command.expected_version}; read it again",
                           field="expected_version", version=call.version)
        problems = correction_problems(call, command.correction)
        if problems:
            raise InvalidInput(*problems[0])
        after = corrected(call, command.correction, bus.policy.effective_rule)
        if (after.disposition, after.stage_reached, after.notes) == (call.disposition, call.stage_reached, call.notes):
            return call
        now = bus.clock.now()
        await uow.calls.save_version(call, after, changed_by=command.actor.employee_id, reason=reason, at=now)
        delta = contribution(after) - contribution(call)
        if delta != DailyFigures():
            await uow.figures.add(call.agent_id, call.call_date, call.placement, delta)
        if after.disposition == Disposition.DO_NOT_CALL and call.disposition != Disposition.DO_NOT_CALL:
            await uow.dnc.add([comparable_number(call.number_dialled)], source=DncSource.OUTCOME,
                              actor_id=command.actor.employee_id, at=now, call_id=call.call_id, note=reason)
        uow.emit(CallCorrected(
            call_id=call.call_id, agent_id=call.agent_id, group_id=call.placement.group_id,
            department_id=call.placement.department_id, lead_id=call.lead_id, started_at=call.started_at,
            call_date=call.call_date, duration_seconds=call.duration_seconds, connected=call.connected,
            version=after.version, disposition=after.disposition.value, effective=after.effective,
            stage_reached=after.stage_reached.value if after.stage_reached else None,
            previous_version=call.version, previous_disposition=call.disposition.value,
            previous_effective=call.effective,
            previous_stage_reached=call.stage_reached.value if call.stage_reached else None,
            corrected_by=command.actor.employee_id, corrected_at=now,
        ))
        await uow.commit()
    return after
