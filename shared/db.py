"""Database plumbing: engines built on demand, the outbox and inbox tables every service
carries, and the unit of work that commits state and outbox rows in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Self

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Identity,
    Index,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from shared.clock import WALL_CLOCK, Clock
from shared.events.envelope import CloudEvent, Event
from shared.logs import request_id_var

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


messaging_metadata = new_metadata()

outbox = Table(
    "outbox",
    messaging_metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    # Only for publishing in commit order; never used as a cursor (a late commit would be skipped).
    Column("seq", BigInteger, Identity(always=True), nullable=False),
    Column("topic", String(200), nullable=False),
    Column("message_key", String(200), nullable=False),
    Column("event_type", String(200), nullable=False),
    Column("envelope", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Index("ix_outbox_unpublished", "seq", postgresql_where=text("published_at IS NULL")),
    Index("ix_outbox_published_at", "published_at"),
)

inbox = Table(
    "inbox",
    messaging_metadata,
    Column("consumer", String(200), primary_key=True),
    Column("event_id", UUID(as_uuid=True), primary_key=True),
    Column("event_type", String(200), nullable=False),
    Column("status", String(20), nullable=False, server_default="handled"),
    Column("error", Text),
    Column("handled_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)


# The channel a committed outbox row is announced on (one database per service, so one name for all).
OUTBOX_CHANNEL = "outbox_written"


def create_engine(database_url: str, **kwargs) -> AsyncEngine:
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_async_engine(database_url, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


class UnitOfWork:
    """One business transaction. Only :meth:`commit` commits; leaving the block without it
    rolls back. Events recorded with :meth:`emit` are written to the outbox in the same
    transaction as the state change, so neither exists without the other.

    Services subclass it to attach their repositories in :meth:`_open`.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, source: str, topic_prefix: str = "",
                 clock: Clock | None = None) -> None:
        self._sessions = sessions
        self.source = source
        self.topic_prefix = topic_prefix
        # Stamps the events' time; the service's clock, so that a test clock reaches the events too.
        self.clock = clock or WALL_CLOCK
        self._pending: list[CloudEvent] = []
        self._pending_topics: list[str] = []
        self._before_commit: dict[str, Callable[[], Awaitable[object]]] = {}
        self.session: AsyncSession

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        await self.session.begin()
        self._pending.clear()
        self._pending_topics.clear()
        self._before_commit.clear()
        self._open()
        return self

    def _open(self) -> None:
        """Hook for subclasses: build repositories over ``self.session``."""

    async def __aexit__(self, *exc_info) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()

    def emit(self, event: Event, **extensions) -> CloudEvent:
        envelope = CloudEvent.wrap(event, source=self.source, time=self.clock.now(), requestid=request_id_var.get(),
                                   **extensions)
        self._pending.append(envelope)
        self._pending_topics.append(f"{self.topic_prefix}{event.topic}")
        return envelope

    @property
    def emitted(self) -> list[CloudEvent]:
        return list(self._pending)

    async def claim_inbox(self, consumer: str, envelope: CloudEvent, status: str = "handled",
                          error: str | None = None) -> bool:
        """Record that ``consumer`` handled this event; False if it already had."""
        result = await self.session.execute(
            pg_insert(inbox)
            .values(consumer=consumer, event_id=envelope.id, event_type=envelope.type, status=status, error=error)
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )
        return result.first() is not None

    async def claim_inbox_many(self, consumer: str, envelopes: Sequence[CloudEvent]) -> set[uuid.UUID]:
        """Record that ``consumer`` handled these events, in one statement; the ids it had not yet."""
        if not envelopes:
            return set()
        types = {envelope.id: envelope.type for envelope in envelopes}
        # One array per column, as the outbox: asyncpg encodes them in C, where executemany has
        # SQLAlchemy build the multi-row VALUES parameter by parameter (appraisal claims one row per call).
        result = await self.session.execute(_CLAIM_INBOX, {
            "consumer": consumer, "ids": list(types), "types": list(types.values())})
        return {row.event_id for row in result}

    def before_commit(self, key: str, action: Callable[[], Awaitable[object]]) -> None:
        """Run ``action`` once, just before this unit commits, however often it is asked for under
        ``key``. For work that follows from everything the transaction changed: a consumer batch
        handled in one transaction then recomputes an employee's score once, not once per event.
        Actions run in key order, so that concurrent units take their row locks in one order."""
        self._before_commit.setdefault(key, action)

    async def commit(self) -> None:
        while self._before_commit:
            key = min(self._before_commit)
            await self._before_commit.pop(key)()
        if self._pending:
            # One array per column, the envelopes as JSON text serialised by pydantic (in Rust): a
            # busy worker spent a tenth of its CPU dumping each envelope to a dict, then the JSON
            # column's json.dumps of it, and SQLAlchemy's per-row parameter handling.
            pending = self._pending
            await self.session.execute(_INSERT_OUTBOX, {
                "ids": [envelope.id for envelope in pending],
                "topics": list(self._pending_topics),
                "keys": [envelope.subject or str(envelope.id) for envelope in pending],
                "types": [envelope.type for envelope in pending],
                "envelopes": [envelope.model_dump_json(exclude_none=True) for envelope in pending],
            })
            # Wakes the relay (shared.relay) the moment this transaction commits: PostgreSQL delivers
            # a notification only on commit, and never for a rolled-back one.
            await self.session.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))
        await self.session.commit()
        self._pending.clear()
        self._pending_topics.clear()


# In the order given (WITH ORDINALITY): seq is the publishing order, the order the events were emitted.
_INSERT_OUTBOX = text("""
    INSERT INTO outbox (id, topic, message_key, event_type, envelope)
    SELECT q.id, q.topic, q.message_key, q.event_type, q.envelope::jsonb
      FROM unnest(:ids, :topics, :keys, :types, :envelopes) WITH ORDINALITY
           AS q(id, topic, message_key, event_type, envelope, n)
     ORDER BY q.n
""").bindparams(
    bindparam("ids", type_=ARRAY(UUID(as_uuid=True))),
    bindparam("topics", type_=ARRAY(String)),
    bindparam("keys", type_=ARRAY(String)),
    bindparam("types", type_=ARRAY(String)),
    bindparam("envelopes", type_=ARRAY(Text)),
)

_CLAIM_INBOX = text("""
    INSERT INTO inbox (consumer, event_id, event_type)
    SELECT :consumer, q.event_id, q.event_type FROM unnest(:ids, :types) AS q(event_id, event_type)
    ON CONFLICT DO NOTHING
    RETURNING event_id
""").bindparams(
    bindparam("consumer", type_=String),
    bindparam("ids", type_=ARRAY(UUID(as_uuid=True))),
    bindparam("types", type_=ARRAY(String)),
)

UnitOfWorkFactory = Callable[[], UnitOfWork]


def new_id() -> uuid.UUID:
    return uuid.uuid4()
