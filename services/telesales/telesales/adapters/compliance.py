"""Queries of the do-not-call list, the calling rules, intake refusals and service accounts.
Repositories never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row, bindparam, delete, exists, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY, TIMESTAMP
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.types import UUID, String

from telesales.adapters.repositories import NumberChecks, listed
from telesales.adapters.tables import (
    calls,
    compliance_rules,
    do_not_call,
    do_not_call_log,
    do_not_call_requests,
    intake_refusals,
    service_accounts,
)
from telesales.domain.compliance import DncSource
from telesales.domain.service_accounts import ServiceAccount


@dataclass(frozen=True)
class Listing:
    number: str
    source: DncSource
    added_by: uuid.UUID | None
    added_at: datetime
    call_id: str | None
    note: str | None


@dataclass(frozen=True)
class Refusal:
    id: int
    call_id: str
    agent_id: uuid.UUID
    submitted_by: uuid.UUID
    service_account_id: uuid.UUID | None
    received_at: datetime
    kind: str
    detail: str
    recorded_at: datetime


# A batch's do-not-call outcomes, listed and logged in one round trip (each call's own two inserts,
# compiled afresh each time, were a twentieth of a busy worker).
_ADD_OUTCOMES = text("""
    WITH added AS (
        INSERT INTO do_not_call (number, source, added_by, added_at, call_id)
        SELECT q.number, :source, q.actor, :at, q.call_id
          FROM unnest(:numbers, :actors, :call_ids) WITH ORDINALITY AS q(number, actor, call_id, n)
         ORDER BY q.n
        ON CONFLICT (number) DO NOTHING
        RETURNING number, added_by
    )
    INSERT INTO do_not_call_log (number, action, source, actor_id, at)
    SELECT number, 'added', :source, added_by, :at FROM added
""").bindparams(
    bindparam("numbers", type_=ARRAY(String)), bindparam("actors", type_=ARRAY(UUID)),
    bindparam("call_ids", type_=ARRAY(String)), bindparam("at", type_=TIMESTAMP(timezone=True)),
    bindparam("source", type_=String),
)


class DncRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, numbers: Sequence[str], *, source: DncSource, actor_id: uuid.UUID | None, at: datetime,
                  call_id: str | None = None, note: str | None = None) -> list[str]:
        """List the numbers not listed yet; the ones that were new (a listed number keeps its first entry)."""
        if not numbers:
            return []
        added = (await self._session.execute(
            pg_insert(do_not_call).values([
                {"number": number, "source": source.value, "added_by": actor_id, "added_at": at,
                 "call_id": call_id, "note": note} for number in dict.fromkeys(numbers)])
            .on_conflict_do_nothing(index_elements=["number"]).returning(do_not_call.c.number))).scalars().all()
        if added:
            await self._session.execute(pg_insert(do_not_call_log).values([
                {"number": number, "action": "added", "source": source.value, "actor_id": actor_id,
                 "reason": note, "at": at} for number in added]))
        return list(added)

    async def add_outcomes(self, listings: Sequence[tuple[str, uuid.UUID, str]], *, at: datetime) -> None:
        """``add`` for a batch of calls that ended with the do_not_call disposition, as (number,
        agent, call_id) in call order, in one statement: the first call of a number lists it."""
        first: dict[str, tuple[uuid.UUID, str]] = {}
        for number, agent_id, call_id in listings:
            first.setdefault(number, (agent_id, call_id))
        if first:
            await self._session.execute(_ADD_OUTCOMES, {
                "numbers": list(first), "actors": [agent for agent, _ in first.values()],
                "call_ids": [call_id for _, call_id in first.values()], "at": at,
                "source": DncSource.OUTCOME.value})

    async def add_request(self, *, digest: str, customer_id: uuid.UUID, lead_id: uuid.UUID | None,
                          requested_by: uuid.UUID, requested_at: datetime, at: datetime,
                          replaces: str | None = None) -> bool:
        """A customer's request (the number by its digest); False when the digest was listed already,
        or when it renames a digest (``replaces``, after a key rotation) that is no longer listed: a
        request taken off before its new name arrived stays off."""
        if replaces is not None and not await self._session.scalar(
                select(exists().where(do_not_call_requests.c.digest == replaces))):
            return False
        added = (await self._session.execute(
            pg_insert(do_not_call_requests).values(
                digest=digest, customer_id=customer_id, lead_id=lead_id, requested_by=requested_by,
                requested_at=requested_at, added_at=at, replaces=replaces)
            .on_conflict_do_nothing(index_elements=["digest"]).returning(do_not_call_requests.c.digest))).first()
        return added is not None

    async def _names_of(self, digest: str) -> set[str]:
        """Every digest naming the same request as ``digest``: those it renames and those renaming it,
        over however many key rotations."""
        names, found = {digest}, set()
        while names != found:
            found = set(names)
            rows = await self._session.execute(select(do_not_call_requests.c.digest, do_not_call_requests.c.replaces)
                                               .where(or_(do_not_call_requests.c.digest.in_(found),
                                                          do_not_call_requests.c.replaces.in_(found))))
            for row in rows:
                names.update(name for name in (row.digest, row.replaces) if name is not None)
        return names

    async def remove(self, number: str, *, digest: str | None = None, actor_id: uuid.UUID, reason: str,
                     at: datetime) -> bool:
        """Off the list, whether it was listed by the number, by a customer's request, or both."""
        removed = (await self._session.execute(
            delete(do_not_call).where(do_not_call.c.number == number).returning(do_not_call.c.source))).first()
        # Between crm's re-announcement and telesales' switch of key, the number's request has two names;
        # lifting it by the one telesales can compute must lift the other, or the switch would restore it.
        requested = None if digest is None else (await self._session.execute(
            delete(do_not_call_requests).where(do_not_call_requests.c.digest.in_(await self._names_of(digest)))
            .returning(do_not_call_requests.c.digest))).first()
        if removed is None and requested is None:
            return False
        await self._session.execute(pg_insert(do_not_call_log).values(
            number=number, action="removed",
            source=removed.source if removed is not None else DncSource.CUSTOMER_REQUEST.value,
            actor_id=actor_id, reason=reason, at=at))
        return True

    async def get(self, number: str, digest: str | None = None) -> Listing | None:
        row = (await self._session.execute(select(do_not_call).where(do_not_call.c.number == number))).first()
        if row is not None:
            return _listing(row)
        if digest is None:
            return None
        request = (await self._session.execute(
            select(do_not_call_requests).where(do_not_call_requests.c.digest == digest))).first()
        return None if request is None else Listing(
            number=number, source=DncSource.CUSTOMER_REQUEST, added_by=request.requested_by,
            added_at=request.added_at, call_id=None, note=f"customer {request.customer_id} asked not to be called "
                                                        f"(recorded in crm at {request.requested_at.isoformat()})")

    async def requests(self, *, limit: int, offset: int) -> tuple[list[dict], int]:
        """Customers' requests, which the list page cannot show by number (telesales never had it)."""
        # A request renamed under a rotated key is one request: shown once, by its newest name.
        renamed = aliased(do_not_call_requests)
        standing = ~exists().where(renamed.c.replaces == do_not_call_requests.c.digest)
        count = (await self._session.execute(
            select(func.count()).select_from(do_not_call_requests).where(standing))).scalar_one()
        rows = await self._session.execute(
            select(do_not_call_requests).where(standing).order_by(
                do_not_call_requests.c.added_at.desc(), do_not_call_requests.c.digest).limit(limit).offset(offset))
        return [dict(row._mapping) for row in rows], count

    async def page(self, *, limit: int, offset: int) -> tuple[list[Listing], int]:
        count = (await self._session.execute(select(func.count()).select_from(do_not_call))).scalar_one()
        rows = await self._session.execute(
            select(do_not_call).order_by(do_not_call.c.added_at.desc(), do_not_call.c.number)
            .limit(limit).offset(offset))
        return [_listing(row) for row in rows], count

    async def history(self, number: str) -> list[dict]:
        rows = await self._session.execute(
            select(do_not_call_log).where(do_not_call_log.c.number == number).order_by(do_not_call_log.c.id))
        return [dict(row._mapping) for row in rows]

    async def number_state(self, number: str, checks: NumberChecks, digest: str | None = None
                           ) -> tuple[bool, int, int]:
        """Listed?, and the calls to the number stored in its day and week, in one query."""
        same = calls.c.number_normalised == number
        row = (await self._session.execute(select(
            listed(number, digest).label("listed"),
            select(func.count()).where(same, calls.c.started_at.between(checks.day_start, checks.day_end))
            .scalar_subquery().label("today"),
            select(func.count()).where(same, calls.c.started_at.between(checks.week_start, checks.week_end))
            .scalar_subquery().label("week"),
        ))).one()
        return bool(row.listed), int(row.today), int(row.week)


class RulesRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self) -> dict | None:
        return (await self._session.execute(
            select(compliance_rules.c.rules).where(compliance_rules.c.id == 1))).scalar_one_or_none()

    async def put(self, rules: dict, *, actor_id: uuid.UUID, at: datetime) -> None:
        insert = pg_insert(compliance_rules).values(id=1, rules=rules, updated_by=actor_id, updated_at=at)
        await self._session.execute(insert.on_conflict_do_update(
            index_elements=["id"], set_={"rules": insert.excluded.rules, "updated_by": actor_id, "updated_at": at}))


class RefusalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, *, call_id: str, agent_id: uuid.UUID, submitted_by: uuid.UUID,
                  service_account_id: uuid.UUID | None, received_at: datetime, kind: str, detail: str,
                  at: datetime) -> None:
        await self._session.execute(pg_insert(intake_refusals).values(
            call_id=call_id, agent_id=agent_id, submitted_by=submitted_by, service_account_id=service_account_id,
            received_at=received_at, kind=kind, detail=detail, recorded_at=at))

    async def page(self, *, submitted_by: uuid.UUID | None, agent_id: uuid.UUID | None, call_id: str | None,
                   after_id: int, limit: int) -> list[Refusal]:
        conditions = [intake_refusals.c.id > after_id]
        if submitted_by is not None:
            conditions.append(intake_refusals.c.submitted_by == submitted_by)
        if agent_id is not None:
            conditions.append(intake_refusals.c.agent_id == agent_id)
        if call_id is not None:
            conditions.append(intake_refusals.c.call_id == call_id)
        rows = await self._session.execute(
            select(intake_refusals).where(*conditions).order_by(intake_refusals.c.id).limit(limit))
        return [Refusal(**row._mapping) for row in rows]


class ServiceAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, account: ServiceAccount) -> None:
        await self._session.execute(pg_insert(service_accounts).values(
            id=account.id, name=account.name, client_id=account.client_id, secret_hash=account.secret_hash,
            department_ids=sorted(account.department_ids), group_ids=sorted(account.group_ids),
            created_by=account.created_by, created_at=account.created_at))

    async def get(self, account_id: uuid.UUID, *, for_update: bool = False) -> ServiceAccount | None:
        query = select(service_accounts).where(service_accounts.c.id == account_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return _account(row) if row else None

    async def by_client_id(self, client_id: str) -> ServiceAccount | None:
        row = (await self._session.execute(
            select(service_accounts).where(service_accounts.c.client_id == client_id))).first()
        return _account(row) if row else None

    async def all(self) -> list[ServiceAccount]:
        rows = await self._session.execute(select(service_accounts).order_by(service_accounts.c.created_at,
                                                                             service_accounts.c.id))
        return [_account(row) for row in rows]

    async def rotate(self, account_id: uuid.UUID, secret_hash: str, at: datetime) -> None:
        await self._session.execute(update(service_accounts).where(service_accounts.c.id == account_id)
                                    .values(secret_hash=secret_hash, rotated_at=at))

    async def revoke(self, account_id: uuid.UUID, *, actor_id: uuid.UUID, reason: str, at: datetime) -> None:
        await self._session.execute(update(service_accounts).where(service_accounts.c.id == account_id)
                                    .values(revoked_at=at, revoked_by=actor_id, revoke_reason=reason))


def _listing(row: Row) -> Listing:
    return Listing(number=row.number, source=DncSource(row.source), added_by=row.added_by, added_at=row.added_at,
                   call_id=row.call_id, note=row.note)


def _account(row: Row) -> ServiceAccount:
    return ServiceAccount(
        id=row.id, name=row.name, client_id=row.client_id, secret_hash=row.secret_hash,
        department_ids=frozenset(row.department_ids or ()), group_ids=frozenset(row.group_ids or ()),
        created_by=row.created_by, created_at=row.created_at, rotated_at=row.rotated_at,
        revoked_at=row.revoked_at, revoked_by=row.revoked_by, revoke_reason=row.revoke_reason)
