"""The idempotent consumer runner: Kafka → handler → database, exactly-once in effect.

Each event's effect and its inbox row ``(consumer, event_id)`` commit in one transaction; a
redelivered event finds its inbox row and changes nothing. The events of one partition's batch
first go together, in one transaction, which spares a BEGIN and a COMMIT per event (a sixth of a
busy worker's CPU); if any of them fails, that transaction rolls back whole and the batch is
handled again one event per transaction, so a bad event never takes its neighbours with it.
The partitions of one poll go in one transaction too (per-batch work, a rescore per person, is
then done once per poll); if it fails, each partition is handled as above. The poll's offsets are
committed after the database commits. A failing event
is retried with backoff, then sent to the dead-letter topic with the error, so the partition
moves on without losing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError
from pydantic import ValidationError

from shared.bus import Bus
from shared.db import UnitOfWork
from shared.events.envelope import CloudEvent
from shared.logs import event_id_var
from shared.relay import OutboxListener

log = logging.getLogger(__name__)

# A consumer handler works in the runner's unit of work (beside the inbox row) and reads the
# service's clock and policy from its bus.
Handler = Callable[[CloudEvent, Any, Bus], Awaitable[None]]
# A batch handler takes a run of events of one type, already claimed in the inbox, in the order
# they came, and does their work set-wise (one lookup, one multi-row insert) in the same unit of
# work. It must have the same effect as the type's one-event handler applied to each in turn: the
# runner falls back to that handler, one event per transaction, when the batch fails.
BatchHandler = Callable[[list[CloudEvent], Any, Bus], Awaitable[None]]


@dataclass(frozen=True)
class ConsumerSpec:
    """What one consumer group listens to and how it handles each event type."""

    name: str
    topics: list[str]
    handlers: Mapping[str, Handler]
    # Optional set-wise handlers for busy types (each type also needs its one-event handler).
    batch_handlers: Mapping[str, BatchHandler] = field(default_factory=dict)
    # A PostgreSQL channel of the service's database on which the writer of these topics announces
    # new records (telesales' intake): the consumer then stops fetching while idle (IdlePause).
    wake_channel: str | None = None
    # Topics read by this consumer alone, where every type is ours (telesales' intake): a type without a
    # handler is then not skipped but dead-lettered, unclaimed, to be replayed once a worker knows it —
    # a worker of an older release must not drop what a newer intake sends.
    dead_letter_unknown_types: bool = False


class ConsumerRunner:
    def __init__(
        self,
        spec: ConsumerSpec,
        consumer: AIOKafkaConsumer,
        bus: Bus,
        dead_letters: AIOKafkaProducer,
        *,
        dead_letter_topic: str,
        max_records: int = 200,
        max_attempts: int = 5,
        backoff_seconds: float = 0.2,
        batch_transactions: bool = True,
        fetch_wait_busy_ms: int | None = None,
        fetch_wait_idle_ms: int | None = None,
        idle_after_seconds: float = 10.0,
        poll_timeout_ms: int = 1000,
        idle_pause: IdlePause | None = None,
    ) -> None:
        self.spec = spec
        self._consumer = consumer
        self._bus = bus
        self._uow_factory: Callable[[], UnitOfWork] = bus.uow
        self._dead_letters = dead_letters
        self._dead_letter_topic = dead_letter_topic
        self._max_records = max_records
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._batch_transactions = batch_transactions
        self._poll_timeout_ms = poll_timeout_ms
        self._fetch_wait = FetchWait(consumer, busy_ms=fetch_wait_busy_ms, idle_ms=fetch_wait_idle_ms,
                                     idle_after_seconds=idle_after_seconds)
        self._idle_pause = idle_pause
        self.handled = 0
        self.batches_together = 0
        self.batches_split = 0
        self.duplicates = 0
        self.dead_lettered = 0

    async def run(self, stop: asyncio.Event) -> None:
        # A long poll, given up the moment ``stop`` is set: an idle worker wakes once a second, not
        # five times, and still stops at once. Only the wait is given up, never a batch being handled.
        stopping = asyncio.ensure_future(stop.wait())
        try:
            while not stop.is_set():
                if self._idle_pause is not None:
                    await self._idle_pause.ensure()
                polling = asyncio.ensure_future(
                    self._consumer.getmany(timeout_ms=self._poll_timeout_ms, max_records=self._max_records))
                while not (polling.done() or stopping.done()):
                    waking = self._idle_pause.waiter() if self._idle_pause is not None else None
                    await asyncio.wait([polling, stopping, *([waking] if waking else [])],
                                       return_when=asyncio.FIRST_COMPLETED)
                    if waking is not None and waking.done() and not (polling.done() or stopping.done()):
                        # Announced records: fetch again at once, the poll under way gets them.
                        self._fetch_wait.after_poll(True)
                        self._idle_pause.wake()
                    elif waking is not None:
                        waking.cancel()
                if not polling.done():
                    polling.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await polling
                    return
                batches = polling.result()
                self._fetch_wait.after_poll(bool(batches))
                if self._idle_pause is not None:
                    self._idle_pause.after_poll(bool(batches))
                if batches:
                    await self._process_poll(batches)
        finally:
            stopping.cancel()

    async def close(self) -> None:
        if self._idle_pause is not None:
            await self._idle_pause.close()

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError) as error:
            # A partition moved to another member during the batch; it will redeliver from
            # the last committed offset and our inbox will drop what we already handled.
            log.warning("offset commit refused after rebalance; events will be redelivered",
                        extra={"partitions": [str(partition) for partition in offsets], "error": str(error)})

    async def _process_poll(self, batches: Mapping[TopicPartition, list[ConsumerRecord]]) -> None:
        """The events of every partition of a poll in one transaction (its per-batch work, such as a
        rescore per person, once rather than once per partition); if that fails, each partition's on
        its own, as ``_process_batch`` does. One offset commit for the poll, after the database."""
        parsed = {partition: await self._parse(records) for partition, records in batches.items()}
        if len(parsed) > 1 and self._batch_transactions:
            work = [item for items in parsed.values() for item in items]
            if not (len(work) > 1 and await self._handle_together(work)):
                for items in parsed.values():
                    await self._handle_work(items)
        else:
            for items in parsed.values():
                await self._handle_work(items)
        await self._commit({partition: records[-1].offset + 1 for partition, records in batches.items()})

    async def _process_batch(self, records: list[ConsumerRecord]) -> None:
        await self._handle_work(await self._parse(records))

    async def _parse(self, records: list[ConsumerRecord]) -> list[tuple[ConsumerRecord, CloudEvent, Handler]]:
        """The records' envelopes and handlers; what is no CloudEvent goes to the dead-letter topic."""
        work: list[tuple[ConsumerRecord, CloudEvent, Handler]] = []
        for record in records:
            try:
                envelope = CloudEvent.model_validate_json(record.value)
            except (ValidationError, ValueError, TypeError) as error:
                await self._dead_letter(record, f"not a CloudEvent: {error}")
                continue
            handler = self.spec.handlers.get(envelope.type)
            if handler is not None:
                work.append((record, envelope, handler))
            elif self.spec.dead_letter_unknown_types:
                # Kept, and not recorded in the inbox, so that a replay to an upgraded worker is handled.
                await self._dead_letter(record, f"unknown event type {envelope.type}: replay it to {record.topic} "
                                                f"once this consumer handles it")
            # Otherwise types we do not handle share our topics; they are not ours to record.
        return work

    async def _handle_work(self, work: list[tuple[ConsumerRecord, CloudEvent, Handler]]) -> None:
        # One event of a batch-handled type goes the batch way too: it may carry many records
        # (telesales' intake messages), which its batch handler stores set-wise.
        together = len(work) > 1 or (len(work) == 1 and work[0][1].type in self.spec.batch_handlers)
        if self._batch_transactions and together and await self._handle_together(work):
            return
        for record, envelope, handler in work:
            token = event_id_var.set(str(envelope.id))
            try:
                await self._handle_with_retries(record, envelope, handler)
            finally:
                event_id_var.reset(token)

    async def _handle_together(self, work: list[tuple[ConsumerRecord, CloudEvent, Handler]]) -> bool:
        """Handle every event of the batch in one transaction; False, with nothing written, if any failed.
        The inbox rows of the whole batch go in one statement; consecutive events of a type with a
        batch handler are handed to it together, the others to their handler one by one, in order."""
        try:
            async with self._uow_factory() as uow:
                fresh = await uow.claim_inbox_many(self.spec.name, [envelope for _, envelope, _ in work])
                todo: list[tuple[CloudEvent, Handler]] = []
                for _, envelope, handler in work:
                    if envelope.id in fresh:
                        fresh.discard(envelope.id)  # a second copy within the batch is a duplicate
                        todo.append((envelope, handler))
                for run in _runs(todo, self.spec.batch_handlers):
                    first, handler = run[0]
                    batch_handler = self.spec.batch_handlers.get(first.type)
                    if batch_handler is not None:
                        await batch_handler([envelope for envelope, _ in run], uow, self._bus)
                        continue
                    token = event_id_var.set(str(first.id))
                    try:
                        await handler(first, uow, self._bus)
                    finally:
                        event_id_var.reset(token)
                await uow.commit()
        except asyncio.CancelledError:
            raise
        except Exception:
            self.batches_split += 1
            log.info("a batch of %s events failed together; handling them one at a time", len(work), exc_info=True)
            return False
        self.batches_together += 1
        self.handled += len(todo)
        self.duplicates += len(work) - len(todo)
        return True

    async def _handle_with_retries(self, record: ConsumerRecord, envelope: CloudEvent, handler: Handler) -> None:
        for attempt in range(1, self._max_attempts + 1):
            try:
                async with self._uow_factory() as uow:
                    if not await uow.claim_inbox(self.spec.name, envelope):
                        self.duplicates += 1
                        return
                    await handler(envelope, uow, self._bus)
                    await uow.commit()
                self.handled += 1
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if attempt == self._max_attempts:
                    log.exception("event failed %s times; dead-lettering it", attempt)
                    await self._dead_letter(record, f"{type(error).__name__}: {error}", envelope)
                    return
                log.warning("event handler failed (attempt %s); retrying", attempt, exc_info=True)
                await asyncio.sleep(self._backoff * 2 ** (attempt - 1))

    async def _dead_letter(self, record: ConsumerRecord, reason: str, envelope: CloudEvent | None = None) -> None:
        headers = [*(record.headers or []),
            ("dlt_reason", reason.encode()[:2000]),
            ("dlt_consumer", self.spec.name.encode()),
            ("dlt_source", f"{record.topic}/{record.partition}/{record.offset}".encode()),
        ]
        await self._dead_letters.send_and_wait(self._dead_letter_topic, value=record.value, key=record.key,
                                               headers=headers)
        self.dead_lettered += 1
        if envelope is not None:
            # Remember the verdict so that a redelivery does not retry and dead-letter it again.
            async with self._uow_factory() as uow:
                await uow.claim_inbox(self.spec.name, envelope, status="dead_lettered", error=reason[:2000])
                await uow.commit()


class FetchWait:
    """How long the broker may hold an empty fetch: short while events flow, long once the consumer
    has been idle for ``idle_after_seconds``. The dev broker (tansu) answers a fetch only when its
    wait is over, never early when a record arrives, so the wait is both the consumer's latency and
    (one fetch per wait per consumer) an idle stack's main cost. The first event after a quiet spell
    waits up to the idle wait; a steady stream gets the busy one. Set both equal on Apache Kafka,
    which answers a waiting fetch as soon as records arrive. None leaves the client's setting."""

    def __init__(self, consumer: AIOKafkaConsumer, *, busy_ms: int | None, idle_ms: int | None,
                 idle_after_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._consumer = consumer
        self._busy, self._idle = busy_ms, idle_ms
        self._idle_after = idle_after_seconds
        self._clock = clock
        self._last_records = clock()
        self.current: int | None = None

    def after_poll(self, got_records: bool) -> None:
        now = self._clock()
        if got_records:
            self._last_records = now
            self._set(self._busy)
        elif now - self._last_records >= self._idle_after:
            self._set(self._idle)
        elif self.current is None:
            self._set(self._busy)

    def _set(self, wait_ms: int | None) -> None:
        if wait_ms is None or wait_ms == self.current:
            return
        # aiokafka reads the wait from its fetcher (made by start()) for every request it builds;
        # there is no public setter. Another client version without it keeps its configured wait.
        fetcher = getattr(self._consumer, "_fetcher", None)
        if fetcher is not None and hasattr(fetcher, "_fetch_max_wait_ms"):
            fetcher._fetch_max_wait_ms = wait_ms
            self.current = wait_ms


class IdlePause:
    """Stops fetching once the consumer has been idle for ``idle_after_seconds``, until whoever writes
    its topics announces new records on a PostgreSQL channel (telesales' intake, which shares the
    service's database). A paused consumer sends the broker no fetch at all, only its heartbeats;
    an announcement resumes it at once, where a long empty fetch would keep the first records
    waiting for the fetch's end (the dev broker answers only then). As with the relay's listener, a
    lost announcement is covered by a check every ``check_seconds``, and a consumer that cannot
    listen never pauses. Partitions assigned by a rebalance start unpaused and pause again once idle."""

    def __init__(self, consumer: AIOKafkaConsumer, listener: OutboxListener, *, idle_after_seconds: float,
                 check_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._consumer = consumer
        self._listener = listener
        self._idle_after = idle_after_seconds
        self._check = check_seconds
        self._clock = clock
        self._active_since = clock()
        self._paused_at: float | None = None
        self.pauses = 0
        self.wakes = 0

    async def ensure(self) -> None:
        if not await self._listener.ensure() and self._paused_at is not None:
            self._resume()  # deaf: no announcement would wake it

    @property
    def paused(self) -> bool:
        return self._paused_at is not None and bool(self._consumer.paused())

    def waiter(self) -> asyncio.Future | None:
        """A future done at the next announcement, while paused; else None."""
        return asyncio.ensure_future(self._listener.woken.wait()) if self._paused_at is not None else None

    def wake(self) -> None:
        self.wakes += 1
        self._listener.woken.clear()
        self._resume()

    def after_poll(self, got_records: bool) -> None:
        now = self._clock()
        if got_records:
            # What was announced until now is fetched or being fetched by an active consumer. An
            # announcement is never cleared at the pause: it may be for records the last empty fetch
            # was sent too early to see (aiokafka fetches ahead), and must then wake it at once.
            self._listener.woken.clear()
            self._active_since = now
        if self._paused_at is not None:
            if not self._consumer.paused():  # a rebalance took the paused partitions
                self._paused_at = None
                self._active_since = now
            elif now - self._paused_at >= self._check:
                self._resume()  # to look: it fetches as an idle consumer until idle again
        elif (not got_records and now - self._active_since >= self._idle_after and self._listener.listening
              and self._consumer.assignment()):
            self._consumer.pause(*self._consumer.assignment())
            self._paused_at = now
            self.pauses += 1

    def _resume(self) -> None:
        paused = self._consumer.paused()
        if paused:
            self._consumer.resume(*paused)
        self._paused_at = None
        self._active_since = self._clock()

    async def close(self) -> None:
        await self._listener.close()


def _runs(todo: list[tuple[CloudEvent, Handler]], batch_types: Mapping[str, BatchHandler]
          ) -> list[list[tuple[CloudEvent, Handler]]]:
    """Consecutive events of one batch-handled type form a run; any other event is a run of its own."""
    runs: list[list[tuple[CloudEvent, Handler]]] = []
    for item in todo:
        kind = item[0].type
        if runs and kind in batch_types and runs[-1][0][0].type == kind:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def dead_letter_topic(topic_prefix: str, consumer_name: str) -> str:
    return f"{topic_prefix}deadletter.{consumer_name}"

