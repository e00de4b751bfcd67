"""Call intake (T7): screen each record on its own, hand the sound ones to the workers through the
intake topic, and report every refused one by its place in the batch. Intake writes no database;
it reads telesales' own (a service account's scope through a short-lived cache, the stored calls a
batch repeats: service_layer.intake_checks) and answers only after the broker acknowledged what it
accepted. The instant a record is judged
against and stamped with is the bus's clock; the allowed clock skew is the company's policy."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.exc import DBAPIError

from shared.auth import Principal, token_scope
from shared.errors import UpstreamUnavailable
from telesales.adapters.intake import CallSubmitted
from telesales.domain.calls import call_problems
from telesales.domain.policy import TelesalesPolicy
from telesales.domain.service_accounts import INTAKE_SCOPE
from telesales.service_layer.access import may_submit_for
from telesales.service_layer.commands import SubmitCall
from telesales.service_layer.intake_checks import DATABASE_DOWN, check_account_batch, conflicts, is_service_account
from telesales.service_layer.unit_of_work import TelesalesBus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


@dataclass(frozen=True)
class Rejection:
    """One refused record: ``status`` is what it would have got alone (422 invalid, 403 not the
    caller's to submit, 409 its call_id repeats an earlier record of the same batch or a stored
    call with other content)."""

    index: int
    call_id: str | None
    status: int
    errors: tuple[FieldError, ...]


@dataclass(frozen=True)
class IntakeResult:
    accepted: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


class Publisher(Protocol):
    async def publish(self, records: Sequence[CallSubmitted]) -> None: ...


def screen(records: Sequence[tuple[int, SubmitCall]], *, submitter: Principal, policy: TelesalesPolicy,
           now: datetime) -> tuple[list[CallSubmitted], list[Rejection]]:
    """Split parsed records into messages to publish and refusals; no I/O."""
    accepted: list[CallSubmitted] = []
    rejected: list[Rejection] = []
    first_index: dict[str, int] = {}
    for index, record in records:
        if record.call_id in first_index:
            rejected.append(Rejection(index, record.call_id, 409, (FieldError(
                "call_id", f"repeats record {first_index[record.call_id]} of this batch"),)))
            continue
        first_index[record.call_id] = index
        if not may_submit_for(submitter, record.agent_id):
            rejected.append(Rejection(index, record.call_id, 403, (FieldError(
                "agent_id", "you may submit only your own calls"),)))
            continue
        problems = call_problems(connected=record.connected, disposition=record.disposition,
                                 started_at=record.started_at, now=now, max_future_skew=policy.max_future_skew)
        if problems:
            rejected.append(Rejection(index, record.call_id, 422,
                                      tuple(FieldError(name, reason) for name, reason in problems)))
            continue
        accepted.append(_message(record, submitter, now))
    return accepted, rejected


async def submit_calls(bus: TelesalesBus, records: Sequence[tuple[int, SubmitCall]], *, submitter: Principal,
                       publisher: Publisher, unparsed: Sequence[Rejection] = ()) -> IntakeResult:
    """Screen, check against the stored state, then publish the accepted records; raises (nothing
    published) when a service account is revoked or sends for an agent outside its scope, and if
    the broker did not take them all."""
    accepted, rejected = screen(records, submitter=submitter, policy=bus.policy, now=bus.clock.now())
    accepted, conflicting = await _checked(bus, submitter, records, accepted)
    rejected.extend(conflicting)
    if accepted:
        await publisher.publish(accepted)
    # The audit of who sent what: each stored call also keeps submitted_by and its service account.
    log.info("call records received", extra={
        "submitted_by": str(submitter.employee_id), "submitter_name": submitter.name,
        "service_account": token_scope(submitter) == INTAKE_SCOPE, "accepted": len(accepted),
        "rejected": len(rejected) + len(unparsed)})
    return IntakeResult(accepted=[message.call_id for message in accepted],
                        rejected=sorted([*unparsed, *rejected], key=lambda rejection: rejection.index))


async def _checked(bus: TelesalesBus, submitter: Principal, records: Sequence[tuple[int, SubmitCall]],
                   accepted: list[CallSubmitted]) -> tuple[list[CallSubmitted], list[Rejection]]:
    """The accepted records less those whose call_id is stored with other content (409 each); the
    whole request refused for a service account that may not send them. One read transaction."""
    account = is_service_account(submitter)
    if not accepted and not account:
        return accepted, []
    # Accepted call_ids are unique within the batch: screen accepted a repeated one's first record only.
    index_of: dict[str, int] = {}
    for index, record in records:
        index_of.setdefault(record.call_id, index)
    indexed = [(index_of[message.call_id], message) for message in accepted]
    try:
        async with bus.uow() as uow:
            if account:
                await check_account_batch(uow, bus, submitter.employee_id, indexed)
            found = await conflicts(uow, indexed) if indexed else []
    except (DBAPIError, OSError) as error:
        raise UpstreamUnavailable(DATABASE_DOWN, retry_safe=True) from error
    if not found:
        return accepted, []
    taken = {conflict.call_id for conflict in found}
    return [message for message in accepted if message.call_id not in taken], [
        Rejection(conflict.index, conflict.call_id, 409, (
            FieldError("call_id", "a call is stored under this call_id with different content; correct the stored "
                                  "call (POST /calls/{call_id}/corrections) or send this one under a new call_id"),
            *(FieldError(name, "differs from the call stored under this call_id")
              for name in conflict.fields if name != "call_id")))
        for conflict in found]


def _message(record: SubmitCall, submitter: Principal, now: datetime) -> CallSubmitted:
    own = record.agent_id == submitter.employee_id
    # Every value was validated as it was parsed: validating them again was a tenth of intake's CPU.
    return CallSubmitted.model_construct(
        call_id=record.call_id, agent_id=record.agent_id, lead_id=record.lead_id,
        number_dialled=record.number_dialled, started_at=record.started_at,
        duration_seconds=record.duration_seconds, connected=record.connected,
        disposition=record.disposition.value,
        stage_reached=record.stage_reached.value if record.stage_reached else None,
        notes=record.notes, next_step=record.next_step, submitted_by=submitter.employee_id, received_at=now,
        claimed_group_id=submitter.group_id if own else None,
        claimed_department_id=submitter.department_id if own else None,
        service_account_id=submitter.employee_id if token_scope(submitter) == INTAKE_SCOPE else None,
    )
