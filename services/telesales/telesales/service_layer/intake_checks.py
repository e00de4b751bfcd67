"""Intake's synchronous checks against the telesales database (T7), before anything is published:
a service account's standing and the scope of the agents it sends for, through a short-lived
per-process cache of the directory replica (a batch costs at most one directory query); and the
stored calls a batch's call_ids repeat (one query per batch). What only the worker can see (a
race between two intakes, a revocation inside the cache's lifetime) it still refuses, in the log
``GET /intake/refusals`` reads."""

from __future__ import annotations

import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.auth import Principal, token_scope
from shared.errors import Forbidden, InvalidInput
from telesales.adapters.intake import CallSubmitted
from telesales.domain.calls import Placement
from telesales.domain.corrections import content_fingerprint
from telesales.domain.intake import CallContent, OutOfScope, RecordAgent, ScopeProblem, differing_fields, scope_problems
from telesales.domain.service_accounts import INTAKE_SCOPE, ServiceAccount
from telesales.service_layer.unit_of_work import TelesalesBus, TelesalesUnitOfWork

# Bounds what a stream of made-up agent ids can make one intake process hold.
MAX_CACHED_AGENTS = 50_000
DATABASE_DOWN = "intake cannot read the telesales database to check the records; retry the same request"


@dataclass
class _Entry:
    value: object
    read_at: datetime


@dataclass
class _Cache:
    placements: dict[uuid.UUID, _Entry]
    accounts: dict[uuid.UUID, _Entry]


_caches: weakref.WeakKeyDictionary[TelesalesBus, _Cache] = weakref.WeakKeyDictionary()


def _cache(bus: TelesalesBus) -> _Cache:
    cache = _caches.get(bus)
    if cache is None:
        cache = _caches[bus] = _Cache({}, {})
    return cache


def _fresh(entry: _Entry | None, bus: TelesalesBus, now: datetime) -> bool:
    return entry is not None and now - entry.read_at < timedelta(seconds=bus.policy.intake_cache_seconds)


async def _account(uow: TelesalesUnitOfWork, bus: TelesalesBus, account_id: uuid.UUID,
                   now: datetime) -> ServiceAccount | None:
    accounts = _cache(bus).accounts
    entry = accounts.get(account_id)
    if not _fresh(entry, bus, now):
        entry = accounts[account_id] = _Entry(await uow.service_accounts.get(account_id), now)
    assert entry is not None
    return entry.value  # type: ignore[return-value]


async def _placements(uow: TelesalesUnitOfWork, bus: TelesalesBus, agent_ids: set[uuid.UUID],
                      now: datetime) -> dict[uuid.UUID, Placement | None]:
    """Each agent's group and department; None for an agent the replica does not know (kept, too,
    for the cache's lifetime, so a dialler retrying at once does not cost a query per retry)."""
    placements = _cache(bus).placements
    missing = {agent_id for agent_id in agent_ids if not _fresh(placements.get(agent_id), bus, now)}
    if missing:
        if len(placements) + len(missing) > MAX_CACHED_AGENTS:
            placements.clear()
        found = await uow.directory.employees(missing)
        for agent_id in missing:
            person = found.get(agent_id)
            placements[agent_id] = _Entry(
                Placement(group_id=person.group_id, department_id=person.department_id) if person else None, now)
    return {agent_id: placements[agent_id].value for agent_id in agent_ids}  # type: ignore[misc]


def forget_account(bus: TelesalesBus, account_id: uuid.UUID) -> None:
    """A revocation in this process is seen by its intake at once."""
    _cache(bus).accounts.pop(account_id, None)


async def check_account_batch(uow: TelesalesUnitOfWork, bus: TelesalesBus, account_id: uuid.UUID,
                              records: Sequence[tuple[int, CallSubmitted]]) -> None:
    """Refuse the whole request, before anything is published, when the account is revoked or any
    record is for an agent it may not send for: 403 when one is out of its scope, 422 when the
    only trouble is agents telesales does not know yet. Every such record is named."""
    now = bus.clock.now()
    account = await _account(uow, bus, account_id, now)
    if account is None or not account.active:
        raise Forbidden("the service account was revoked; nothing of this request was accepted",
                        service_account_id=str(account_id))
    if not records:
        return
    agents = [RecordAgent(index, record.call_id, record.agent_id) for index, record in records]
    found = scope_problems(account, agents, await _placements(uow, bus, {a.agent_id for a in agents}, now))
    if not found:
        return
    listed = [_named(problem) for problem in found]
    errors = [{"field": f"calls[{problem.record.index}].agent_id", "reason": problem.reason} for problem in found]
    if any(problem.problem == ScopeProblem.OUT_OF_SCOPE for problem in found):
        raise Forbidden(f"{len(found)} record(s) are for agents this service account may not send for; "
                        "nothing of this request was accepted", errors=errors, records=listed)
    refusal = InvalidInput(errors[0]["field"], found[0].reason)
    refusal.detail = (f"{len(found)} record(s) are for agents unknown to telesales; nothing of this request "
                      "was accepted; send it again once they are known")
    refusal.extra.update(errors=errors, records=listed)
    raise refusal


def _named(problem: OutOfScope) -> dict:
    return {"index": problem.record.index, "call_id": problem.record.call_id,
            "agent_id": str(problem.record.agent_id), "problem": problem.problem.value, "reason": problem.reason}


@dataclass(frozen=True)
class Conflicting:
    index: int
    call_id: str
    fields: tuple[str, ...]


async def conflicts(uow: TelesalesUnitOfWork, records: Sequence[tuple[int, CallSubmitted]]) -> list[Conflicting]:
    """The records whose call_id is stored with other content, and in which fields they differ.
    An identical resubmission is no conflict: it is published again, and stored once."""
    stored = await uow.intake.stored([record.call_id for _, record in records])
    found: list[Conflicting] = []
    for index, record in records:
        call = stored.get(record.call_id)
        if call is None or call.content_hash is None:
            continue
        sent = _content(record)
        if call.content_hash != _fingerprint(sent):
            found.append(Conflicting(index, record.call_id,
                                     differing_fields(call.content, sent) or ("call_id",)))
    return found


def _content(record: CallSubmitted) -> CallContent:
    return CallContent(agent_id=record.agent_id, number_dialled=record.number_dialled, started_at=record.started_at,
                       duration_seconds=record.duration_seconds, connected=record.connected,
                       disposition=record.disposition, lead_id=record.lead_id, stage_reached=record.stage_reached,
                       notes=record.notes, next_step=record.next_step)


def _fingerprint(content: CallContent) -> str:
    return content_fingerprint(**content.__dict__)


def is_service_account(principal: Principal) -> bool:
    return token_scope(principal) == INTAKE_SCOPE
