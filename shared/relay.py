"""The outbox relay: publishes committed outbox rows to Kafka, at least once.

Rows are *claimed* (``published_at IS NULL … FOR UPDATE SKIP LOCKED``), never read past a
cursor: a transaction that commits late still has its rows picked up, and two relays never
publish the same batch at once. A relay killed between publishing and marking publishes the
batch again on restart; consumers deduplicate by event id.

A broker that comes back without the events it acknowledged (the dev broker keeps nothing; a
production cluster that lost its disks) is noticed without a restart: the relay remembers the
highest offset each partition acknowledged, and every ``broker_check_seconds`` asks the broker for
its end offsets. An end at or below an acknowledged offset means the broker lost data: the relay
recreates its topics and replays its recent outbox window (consumers drop what they have handled).

An idle relay sleeps: the unit of work NOTIFYs on commit when it wrote outbox rows, and the relay
LISTENs on its own connection (:class:`OutboxListener`), so a committed event is claimed at once
rather than at the next poll. While it listens, the poll stays only as the safety net for a lost
notification (``safety_poll_seconds``, slow: each round is a transaction, and five idle workers
polling every 2 s were a fifth of an idle stack's CPU); a listening connection that breaks wakes
the relay, which polls every ``idle_poll_seconds`` until it can listen again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import timedelta
from typing import Protocol

import asyncpg
from aiokafka import AIOKafkaProducer
from sqlalchemy import Text, cast, func, make_url, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db import OUTBOX_CHANNEL, outbox
from shared.events.envelope import kafka_headers
from shared.sql import among

log = logging.getLogger(__name__)

Partition = tuple[str, int]


class EndOffsets(Protocol):
    async def __call__(self, partitions: Sequence[Partition]) -> Mapping[Partition, int]:
        """The next offset each partition will write (0 for a partition or topic that is gone)."""
        ...


class OutboxListener:
    """LISTEN for committed outbox rows on a connection of its own; :attr:`woken` is set by each
    notification (and on every new connection, since rows may have come while nobody listened)."""

    def __init__(self, database_url: str, *, channel: str = OUTBOX_CHANNEL, connect_timeout: float = 5.0) -> None:
        self._dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        self._channel = channel
        self._timeout = connect_timeout
        self._connection: asyncpg.Connection | None = None
        self.woken = asyncio.Event()
        self.connects = 0

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    async def ensure(self) -> bool:
        """Listen if not yet (or no longer); False while the database cannot be reached."""
        if self.listening:
            return True
        await self.close()
        try:
            connection = await asyncpg.connect(self._dsn, timeout=self._timeout)
            await connection.add_listener(self._channel, self._notified)
            # A broken connection wakes the relay too: its next round reopens it and claims what the
            # notifications it missed would have announced.
            connection.add_termination_listener(self._notified)
        except (OSError, TimeoutError, asyncpg.PostgresError) as error:
            log.warning("cannot listen for outbox rows; polling until it can", extra={"error": str(error)})
            return False
        self._connection = connection
        self.connects += 1
        self.woken.set()
        return True

    def _notified(self, *_: object) -> None:
        self.woken.set()

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.close(timeout=2)


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        producer: AIOKafkaProducer,
        *,
        batch_size: int = 500,
        idle_poll_seconds: float = 0.05,
        safety_poll_seconds: float | None = None,
        max_backoff_seconds: float = 5.0,
        end_offsets: EndOffsets | None = None,
        broker_check_seconds: float = 0,
        replay_window_seconds: int = 0,
        on_broker_loss: Callable[[], Awaitable[None]] | None = None,
        after_publish: Callable[[str], None] | None = None,
        listener: OutboxListener | None = None,
    ) -> None:
        self._sessions = sessions
        self._producer = producer
        self._batch_size = batch_size
        self._idle_poll = idle_poll_seconds
        self._safety_poll = idle_poll_seconds if safety_poll_seconds is None else safety_poll_seconds
        self._max_backoff = max_backoff_seconds
        self._end_offsets = end_offsets
        self._broker_check_seconds = broker_check_seconds
        self._replay_window = replay_window_seconds
        self._on_broker_loss = on_broker_loss
        # Test-only (shared.faults): called once the broker acknowledged a batch, before it is marked.
        self._after_publish = after_publish
        self._listener = listener
        # The highest offset the broker acknowledged per partition since the last check found a loss.
        self._acknowledged: dict[Partition, int] = {}
        self.published_total = 0
        self.broker_losses = 0
        self.rounds = 0

    async def replay_recent(self, window_seconds: int) -> int:
        """Mark rows published within the window as unpublished again, so that they are sent
        once more. Used on start against a broker that keeps nothing across restarts."""
        if window_seconds <= 0:
            return 0
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                update(outbox)
                .where(outbox.c.published_at >= func.now() - timedelta(seconds=window_seconds))
                .values(published_at=None)
            )
        count = result.rowcount or 0
        if count:
            log.info("replaying recent outbox events", extra={"count": count, "window_seconds": window_seconds})
        return count

    async def publish_batch(self) -> int:
        """Claim, publish and mark one batch; returns how many rows it published."""
        async with self._sessions() as session, session.begin():
            rows = (
                await session.execute(
                    # The envelope as PostgreSQL's JSON text and its source alone: decoding the JSONB into
                    # Python and encoding it again was a tenth of a busy worker's CPU, for the same JSON.
                    select(outbox.c.id, outbox.c.topic, outbox.c.message_key, outbox.c.event_type,
                           cast(outbox.c.envelope, Text).label("value"),
                           outbox.c.envelope["source"].astext.label("source"))
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            await self._send(rows)
            if self._after_publish is not None:
                self._after_publish(f"{len(rows)} rows published, not marked")
            await session.execute(
                update(outbox).where(among(outbox.c.id, [row.id for row in rows])).values(published_at=func.now())
            )
        self.published_total += len(rows)
        return len(rows)

    async def _send(self, rows) -> None:
        pending = []
        for row in rows:
            headers = kafka_headers(str(row.id), row.event_type, row.source or "")
            value = row.value.encode()
            pending.append(
                await self._producer.send(row.topic, value=value, key=row.message_key.encode(), headers=headers)
            )
        # Every send must be acknowledged (acks=all) before the rows are marked published.
        # Remember, per partition, the lowest offset this round acknowledged: it lies in the first
        # batch the broker wrote, whose start offset every broker keeps below its end offset (tansu
        # numbers its end offsets by batch, not by record, so a record's own offset can lie past it).
        lowest: dict[Partition, int] = {}
        for sent in await asyncio.gather(*pending):
            where = (sent.topic, sent.partition)
            lowest[where] = min(sent.offset, lowest.get(where, sent.offset))
        for where, offset in lowest.items():
            self._acknowledged[where] = max(offset, self._acknowledged.get(where, -1))

    async def check_broker(self) -> bool:
        """Whether the broker lost acknowledged events; if so, recreate the topics and replay."""
        if self._end_offsets is None or not self._acknowledged:
            return False
        ends = await self._end_offsets(list(self._acknowledged))
        lost = sorted(where for where, offset in self._acknowledged.items() if ends.get(where, 0) <= offset)
        if not lost:
            return False
        self.broker_losses += 1
        log.warning("the broker lost acknowledged events; recreating topics and replaying the outbox",
                    extra={"partitions": [f"{topic}/{partition}" for topic, partition in lost],
                           "window_seconds": self._replay_window})
        self._acknowledged.clear()
        if self._on_broker_loss is not None:
            await self._on_broker_loss()
        await self.replay_recent(self._replay_window)
        return True

    async def run(self, stop: asyncio.Event) -> None:
        try:
            await self._run(stop)
        finally:
            if self._listener is not None:
                await self._listener.close()

    async def _run(self, stop: asyncio.Event) -> None:
        backoff = self._idle_poll
        next_check = time.monotonic() + self._broker_check_seconds
        while not stop.is_set():
            if self._listener is not None:
                await self._listener.ensure()
                # Cleared before claiming: a row committed while this batch is out wakes the next round.
                self._listener.woken.clear()
            self.rounds += 1
            try:
                if self._broker_check_seconds and time.monotonic() >= next_check:
                    next_check = time.monotonic() + self._broker_check_seconds
                    await self.check_broker()
                published = await self.publish_batch()
                backoff = self._idle_poll
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; the batch stays unpublished and is retried")
                published = 0
                backoff = min(max(backoff * 2, 0.1), self._max_backoff)
            if published < self._batch_size:
                # A relay that hears every commit polls only for a notification that went missing.
                hears = self._listener is not None and self._listener.listening and backoff == self._idle_poll
                await self._sleep(stop, self._safety_poll if hears else backoff)

    async def _sleep(self, stop: asyncio.Event, seconds: float) -> None:
        """Until ``stop``, a notification, the next broker check or ``seconds``, whichever is first."""
        if self._broker_check_seconds:
            seconds = min(seconds, self._broker_check_seconds)
        waits = [asyncio.ensure_future(stop.wait())]
        if self._listener is not None and self._listener.listening:
            waits.append(asyncio.ensure_future(self._listener.woken.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()
