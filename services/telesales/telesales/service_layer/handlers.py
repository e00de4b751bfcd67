"""Use cases that change state. ``record_call`` runs inside the consumer runner's unit of work,
which also holds the inbox row and commits once: the call, its figures and its event are stored
together or not at all. Calls come in only through intake and its topic; the commands at the
bottom (the do-not-call list, calling rules, corrections, service accounts, month-end summaries)
live in their own modules."""

from __future__ import annotations

from dataclasses import replace

from shared.bus import CommandHandler
from shared.events.telesales import CallLogged
from telesales.domain.calls import Call, Disposition, Placement
from telesales.domain.compliance import DncSource
from telesales.domain.corrections import content_fingerprint
from telesales.domain.figures import contribution
from telesales.service_layer import commands, compliance, corrections, reports, service_accounts
from telesales.service_layer.compliance import (
    calling_rules,
    comparable_number,
    number_checks,
    number_digest,
    service_account,
)
from telesales.service_layer.unit_of_work import TelesalesBus, TelesalesUnitOfWork


async def record_call(uow: TelesalesUnitOfWork, bus: TelesalesBus, command: commands.RecordCall) -> bool:
    """Store the call and count it, once per call_id; True when it was new. The caller commits.
    The call is judged against the do-not-call list, the calling hours and the per-number caps
    (T6) in the statement that stores it; what it broke is flagged and counted, never refused:
    the call happened. A call_id taken by different content is a refusal the sender can read."""
    submitted = command.call
    placement = await _placement(uow, command)
    if command.service_account_id is not None and not await _within_account(uow, bus, command, placement):
        return False
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
        service_account_id=command.service_account_id,
    )
    number = comparable_number(submitted.number_dialled)
    fingerprint = content_fingerprint(
        agent_id=call.agent_id, number_dialled=call.number_dialled, started_at=call.started_at,
        duration_seconds=call.duration_seconds, connected=call.connected, disposition=call.disposition.value,
        lead_id=call.lead_id, stage_reached=call.stage_reached.value if call.stage_reached else None,
        notes=call.notes, next_step=call.next_step)
    rules = await calling_rules(uow, bus)
    # The call_id key decides: a resubmitted call (new message, same id) counts nothing twice.
    flagged = await uow.calls.add(call, number=number, fingerprint=fingerprint,
                                  checks=number_checks(bus, rules, call.started_at),
                                  digest=number_digest(bus, number))
    if flagged is None:
        stored = await uow.calls.fingerprint(call.call_id)
        if stored is not None and stored != fingerprint:
            await refuse_conflict(uow, bus, command)
        return False
    call = replace(call, violations=flagged)
    await uow.figures.add(call.agent_id, call.call_date, placement, contribution(call))
    if call.disposition == Disposition.DO_NOT_CALL:
        await uow.dnc.add([number], source=DncSource.OUTCOME, actor_id=call.agent_id, at=bus.clock.now(),
                          call_id=call.call_id)
    uow.emit(CallLogged(
        call_id=call.call_id, agent_id=call.agent_id, group_id=placement.group_id,
        department_id=placement.department_id, lead_id=call.lead_id, started_at=call.started_at,
        call_date=call.call_date, duration_seconds=call.duration_seconds, connected=call.connected,
        disposition=call.disposition.value, effective=call.effective,
        stage_reached=call.stage_reached.value if call.stage_reached else None,
        violations=list(call.violations), version=call.version,
    ))
    return True


async def refuse_conflict(uow: TelesalesUnitOfWork, bus: TelesalesBus, command: commands.RecordCall) -> None:
    await _refuse(uow, bus, command, "conflict",
                  "call_id is taken by a record with different content; correct the stored call "
                  "(POST /calls/{call_id}/corrections) or send the new one under a new call_id")


async def _within_account(uow: TelesalesUnitOfWork, bus: TelesalesBus, command: commands.RecordCall,
                          placement: Placement) -> bool:
    """A service account sends for the agents of its scope only, and nothing once revoked; what it
    may not send is refused in the log it reads back, never stored."""
    account = await service_account(uow, bus, command.service_account_id)
    if account is None or (account.revoked_at is not None and account.revoked_at <= command.received_at):
        await _refuse(uow, bus, command, "revoked", "the service account was revoked before the record came in")
        return False
    if not account.covers(group_id=placement.group_id, department_id=placement.department_id):
        await _refuse(uow, bus, command, "out_of_scope",
                      f"agent {command.call.agent_id} is not in a department or group of this service account")
        return False
    return True


async def _refuse(uow: TelesalesUnitOfWork, bus: TelesalesBus, command: commands.RecordCall, kind: str,
                  detail: str) -> None:
    await uow.refusals.add(call_id=command.call.call_id, agent_id=command.call.agent_id,
                           submitted_by=command.submitted_by, service_account_id=command.service_account_id,
                           received_at=command.received_at, kind=kind, detail=detail, at=bus.clock.now())


async def _placement(uow: TelesalesUnitOfWork, command: commands.RecordCall) -> Placement:
    """The agent's current group from the directory replica; the submitter's own claim when the
    replica has not heard of the agent yet (their hire event may still be on its way)."""
    agent = await uow.directory.employee(command.call.agent_id)
    if agent is not None and (agent.group_id or agent.department_id):
        return Placement(group_id=agent.group_id, department_id=agent.department_id)
    return Placement(group_id=command.claimed_group_id, department_id=command.claimed_department_id)


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    commands.ListNumbers: compliance.list_numbers,
    commands.UnlistNumber: compliance.unlist_number,
    commands.SetCallingRules: compliance.set_calling_rules,
    commands.CorrectCall: corrections.correct_call,
    commands.CreateServiceAccount: service_accounts.create,
    commands.RotateServiceAccountSecret: service_accounts.rotate,
    commands.RevokeServiceAccount: service_accounts.revoke,
    commands.VerifyServiceAccount: service_accounts.verify,
    commands.SubmitMonthlySummary: reports.submit_summary,
}
