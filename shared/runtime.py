"""Composition shared by every service's ``bootstrap()``: engine, sessions, unit of work,
token codec, and the long-running relay and consumer loops."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.auth import TokenCodec
from shared.config import ServiceSettings
from shared.consumer import ConsumerRunner, ConsumerSpec, dead_letter_topic
from shared.db import UnitOfWork, create_engine, session_factory
from shared.events import REGISTRY
from shared.kafka import ensure_topics, new_consumer, new_producer
from shared.relay import OutboxRelay
from shared.web import ReadinessCheck, broker_check, database_check

log = logging.getLogger(__name__)


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    uow_factory: Callable[[], UnitOfWork]
    token_codec: TokenCodec
    consumers: Sequence[ConsumerSpec] = field(default_factory=tuple)

    def readiness_checks(self) -> dict[str, ReadinessCheck]:
        return {
            "database": database_check(self.engine),
            "broker": broker_check(self.settings.kafka_bootstrap_servers),
        }

    async def dispose(self) -> None:
        await self.engine.dispose()


def build_runtime(
    settings: ServiceSettings,
    uow_class: type[UnitOfWork] = UnitOfWork,
    *,
    engine: AsyncEngine | None = None,
    consumers: Sequence[ConsumerSpec] = (),
) -> ServiceRuntime:
    engine = engine or create_engine(settings.database_url)
    sessions = session_factory(engine)
    uow_factory = partial(uow_class, sessions, source=f"/{settings.service_name}",
                          topic_prefix=settings.topic_prefix)
    return ServiceRuntime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        uow_factory=uow_factory,
        token_codec=TokenCodec(settings.jwt_secret, settings.jwt_issuer, settings.jwt_ttl_seconds),
        consumers=consumers,
    )


def producing_topics(settings: ServiceSettings) -> list[str]:
    """Topics of the events this service produces (the type prefix names the producer)."""
    own = f"{settings.service_name}."
    return sorted({settings.topic(m.topic) for m in REGISTRY.all() if m.event_type.startswith(own)})


async def run_relay(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
    settings = runtime.settings
    topics = producing_topics(settings)
    if topics:
        await ensure_topics(settings.kafka_bootstrap_servers, topics, settings.topic_partitions)
    producer = new_producer(settings)
    await producer.start()
    try:
        relay = OutboxRelay(runtime.sessions, producer, batch_size=settings.relay_batch_size,
                            idle_poll_seconds=settings.relay_idle_poll_seconds)
        await relay.replay_recent(settings.relay_replay_window_seconds)
        await relay.run(stop)
    finally:
        await producer.stop()


async def run_consumers(runtime: ServiceRuntime, stop: asyncio.Event, names: Sequence[str] = ()) -> None:
    settings = runtime.settings
    specs = [spec for spec in runtime.consumers if not names or spec.name in names]
    if not specs:
        log.info("no consumers to run")
        await stop.wait()
        return
    topics = {settings.topic(t) for spec in specs for t in spec.topics}
    dead_letter_topics = {dead_letter_topic(settings.topic_prefix, spec.name) for spec in specs}
    await ensure_topics(settings.kafka_bootstrap_servers, sorted(topics | dead_letter_topics),
                        settings.topic_partitions)
    dead_letters = new_producer(settings)
    await dead_letters.start()
    consumers = []
    try:
        runners = []
        for spec in specs:
            consumer = new_consumer(settings, f"{settings.topic_prefix}{spec.name}",
                                    [settings.topic(t) for t in spec.topics])
            await consumer.start()
            consumers.append(consumer)
            runners.append(ConsumerRunner(
                spec, consumer, runtime.uow_factory, dead_letters,
                dead_letter_topic=dead_letter_topic(settings.topic_prefix, spec.name),
                max_records=settings.consumer_max_records, max_attempts=settings.consumer_max_attempts,
                backoff_seconds=settings.consumer_backoff_seconds,
                batch_transactions=settings.consumer_batch_transactions,
            ))
        await asyncio.gather(*(runner.run(stop) for runner in runners))
    finally:
        for consumer in consumers:
            await consumer.stop()
        await dead_letters.stop()


def run_until_signalled(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run ``main(stop)``; SIGINT or SIGTERM sets ``stop`` so it can finish its batch and exit."""

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    asyncio.run(runner())
