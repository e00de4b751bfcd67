"""A polled batch of intake records stored as a batch (T7 at volume): the same effect as
``handlers.record_call`` applied to each record in turn, in a handful of statements for the whole
batch instead of a handful per call. The consumer runner falls back to ``record_call``, one record
per transaction, if anything here fails (a concurrent writer took a call_id in between, say), so
this path may refuse to guess and raise."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from shared.events.telesales import CallLogged
from telesales.adapters.call_batches import NewCall, in_window
from telesales.domain.calls import Call, Disposition, Placement
from telesales.domain.compliance import NumberHistory, violations
from telesales.domain.corrections import content_fingerprint
from telesales.domain.figures import DailyFigures, contribution
from telesales.service_layer import commands, handlers
from telesales.service_layer.compliance import calling_rules, comparable_number, number_checks, number_digest
from telesales.service_layer.unit_of_work import TelesalesBus, TelesalesUnitOfWork


class BatchConflict(RuntimeError):
    """The store changed under the batch; the runner handles its records one at a time instead."""


async def record_calls(uow: TelesalesUnitOfWork, bus: TelesalesBus, batch: Sequence[commands.RecordCall]) -> None:
    """Store the batch's calls, count them, flag what they broke and announce them, once per
    call_id. Records sent through a service account are checked against it one by one (rare, and
    their refusals are per record); the rest go set-wise. The caller commits."""
    plain = [command for command in batch if command.service_account_id is None]
    if plain:
        await _record_plain(uow, bus, plain)
    for command in batch:
        if command.service_account_id is not None:
            await handlers.record_call(uow, bus, command)


async def _record_plain(uow: TelesalesUnitOfWork, bus: TelesalesBus, batch: Sequence[commands.RecordCall]) -> None:
    directory = await uow.directory.employees({command.call.agent_id for command in batch})
    rules = await calling_rules(uow, bus)
    candidates: list[tuple[commands.RecordCall, NewCall]] = []
    for command in batch:
        call = _call(bus, command, _placement(directory.get(command.call.agent_id), command))
        candidates.append((command, NewCall(call=call, number=comparable_number(call.number_dialled),
                                            fingerprint=_fingerprint(call))))
    stored = await uow.call_batches.stored_fingerprints([new.call.call_id for _, new in candidates])
    fresh: list[tuple[commands.RecordCall, NewCall]] = []
    repeated: list[tuple[commands.RecordCall, NewCall, str | None]] = []
    first_fingerprint: dict[str, str] = {}
    for command, new in candidates:
        call_id = new.call.call_id
        if call_id in stored:
            repeated.append((command, new, stored[call_id]))
        elif call_id in first_fingerprint:  # the same call_id twice in one batch: the first one counts
            repeated.append((command, new, first_fingerprint[call_id]))
        else:
            first_fingerprint[call_id] = new.fingerprint
            fresh.append((command, new))

    checks = [number_checks(bus, rules, new.call.started_at) for _, new in fresh]
    histories = await uow.call_batches.histories(
        [(new.number, number_digest(bus, new.number), check) for (_, new), check in zip(fresh, checks, strict=True)])
    judged: list[NewCall] = []
    listed_here: set[str] = set()
    # The batch's earlier calls by number: a batch of many messages has thousands of calls, and
    # scanning every earlier one for each was quadratic.
    earlier_by_number: dict[str, list[datetime]] = {}
    for (_, new), check, history in zip(fresh, checks, histories, strict=True):
        # Earlier calls of this batch count as stored before this one, as they would one at a time;
        # a do-not-call outcome earlier in the batch lists the number for the calls after it.
        earlier = earlier_by_number.setdefault(new.number, [])
        seen = NumberHistory(
            listed=history.listed or new.number in listed_here,
            earlier_today=history.earlier_today + sum(
                in_window(started_at, check.day_start, check.day_end) for started_at in earlier),
            earlier_this_week=history.earlier_this_week + sum(
                in_window(started_at, check.week_start, check.week_end) for started_at in earlier),
        )
        earlier.append(new.call.started_at)
        found = violations(rules, new.call.started_at.astimezone(bus.clock.timezone), seen)
        judged.append(replace(new, call=replace(new.call, violations=tuple(v.value for v in found))))
        if new.call.disposition == Disposition.DO_NOT_CALL:
            listed_here.add(new.number)

    added = await uow.call_batches.add_all(judged)
    if added != {new.call.call_id for new in judged}:
        raise BatchConflict("a call_id of the batch was stored by someone else meanwhile")

    days: dict[tuple[uuid.UUID, date], tuple[Placement, DailyFigures]] = {}
    for new in judged:
        call = new.call
        key = (call.agent_id, call.call_date)
        placement, figures = days.get(key, (call.placement, DailyFigures()))
        # As one upsert per call would leave it: the latest known group and department win.
        placement = Placement(group_id=call.placement.group_id or placement.group_id,
                              department_id=call.placement.department_id or placement.department_id)
        days[key] = (placement, figures + contribution(call))
    await uow.call_batches.add_figures(days)

    await uow.dnc.add_outcomes([(new.number, new.call.agent_id, new.call.call_id) for new in judged
                                if new.call.disposition == Disposition.DO_NOT_CALL], at=bus.clock.now())
    for new in judged:
        uow.emit(_logged(new.call))

    for command, new, fingerprint in repeated:
        if fingerprint is not None and fingerprint != new.fingerprint:
            await handlers.refuse_conflict(uow, bus, command)


def _placement(agent, command: commands.RecordCall) -> Placement:
    """As handlers._placement: the replica's group, else the submitter's claim."""
    if agent is not None and (agent.group_id or agent.department_id):
        return Placement(group_id=agent.group_id, department_id=agent.department_id)
    return Placement(group_id=command.claimed_group_id, department_id=command.claimed_department_id)


def _call(bus: TelesalesBus, command: commands.RecordCall, placement: Placement) -> Call:
    submitted = command.call
    return Call(
        call_id=submitted.call_id, agent_id=submitted.agent_id, number_dialled=submitted.number_dialled,
        started_at=submitted.started_at, call_date=bus.clock.date_of(submitted.started_at),
        duration_seconds=submitted.duration_seconds, connected=submitted.connected,
        disposition=submitted.disposition,
        effective=bus.policy.effective_rule.is_effective(connected=submitted.connected,
                                                         duration_seconds=submitted.duration_seconds,
                                                         disposition=submitted.disposition),
        placement=placement, lead_id=submitted.lead_id, stage_reached=submitted.stage_reached,
        notes=submitted.notes, next_step=submitted.next_step, submitted_by=command.submitted_by,
        received_at=command.received_at, service_account_id=command.service_account_id,
    )


def _fingerprint(call: Call) -> str:
    return content_fingerprint(
        agent_id=call.agent_id, number_dialled=call.number_dialled, started_at=call.started_at,
        duration_seconds=call.duration_seconds, connected=call.connected, disposition=call.disposition.value,
        lead_id=call.lead_id, stage_reached=call.stage_reached.value if call.stage_reached else None,
        notes=call.notes, next_step=call.next_step)


def _logged(call: Call) -> CallLogged:
    return CallLogged(
        call_id=call.call_id, agent_id=call.agent_id, group_id=call.placement.group_id,
        department_id=call.placement.department_id, lead_id=call.lead_id, started_at=call.started_at,
        call_date=call.call_date, duration_seconds=call.duration_seconds, connected=call.connected,
        disposition=call.disposition.value, effective=call.effective,
        stage_reached=call.stage_reached.value if call.stage_reached else None,
        violations=list(call.violations), version=call.version,
    )
