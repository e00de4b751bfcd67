"""The outbox relay: publishes committed outbox rows to Kafka, at least once.

Rows are *claimed* (``published_at IS NULL … FOR UPDATE SKIP LOCKED``), never read past a
cursor: a transaction that commits late still has its rows picked up, and two relays never
publish the same batch at once. A relay killed between publishing and marking publishes the
batch again on restart; consumers deduplicate by event id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import timedelta

from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.db import outbox
from shared.events.envelope import kafka_headers

log = logging.getLogger(__name__)


class OutboxRelay:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        producer: AIOKafkaProducer,
        *,
        batch_size: int = 500,
        idle_poll_seconds: float = 0.05,
        max_backoff_seconds: float = 5.0,
    ) -> None:
        self._sessions = sessions
        self._producer = producer
        self._batch_size = batch_size
        self._idle_poll = idle_poll_seconds
        self._max_backoff = max_backoff_seconds
        self.published_total = 0

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
                    select(outbox.c.id, outbox.c.topic, outbox.c.message_key, outbox.c.event_type, outbox.c.envelope)
                    .where(outbox.c.published_at.is_(None))
                    .order_by(outbox.c.seq)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            await self._send(rows)
            await session.execute(
                update(outbox).where(outbox.c.id.in_([row.id for row in rows])).values(published_at=func.now())
            )
        self.published_total += len(rows)
        return len(rows)

    async def _send(self, rows) -> None:
        pending = []
        for row in rows:
            headers = kafka_headers(str(row.id), row.event_type, row.envelope.get("source", ""))
            value = json.dumps(row.envelope, ensure_ascii=False, separators=(",", ":")).encode()
            pending.append(
                await self._producer.send(row.topic, value=value, key=row.message_key.encode(), headers=headers)
            )
        # Every send must be acknowledged (acks=all) before the rows are marked published.
        await asyncio.gather(*pending)

    async def run(self, stop: asyncio.Event) -> None:
        backoff = self._idle_poll
        while not stop.is_set():
            try:
                published = await self.publish_batch()
                backoff = self._idle_poll
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; the batch stays unpublished and is retried")
                published = 0
                backoff = min(max(backoff * 2, 0.1), self._max_backoff)
            if published < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=backoff)
