"""Composition shared by every service's ``bootstrap()``: engine, sessions, the bus (units of
work, clock, policy, command handlers), token codec, the HTTP app around them, and the
long-running relay and consumer loops."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import uvloop
from fastapi import APIRouter, FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared import faults
from shared.auth import PrincipalSource, TokenCodec
from shared.bus import Bus, CommandHandler
from shared.clock import Clock
from shared.config import ServiceSettings
from shared.consumer import ConsumerRunner, ConsumerSpec, IdlePause, dead_letter_topic
from shared.db import UnitOfWork, create_engine, session_factory
from shared.directory import DirectoryPrincipalSource
from shared.events import REGISTRY
from shared.kafka import OffsetProbe, ensure_topics, new_consumer, new_producer, topics_check
from shared.relay import OutboxListener, OutboxRelay
from shared.web import ReadinessCheck, broker_check, create_app, database_check

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    """A command the worker dispatches through the bus every ``interval_seconds`` (0: never), for work
    that follows from time passing rather than from a request or an event (org's attendance sweep)."""

    name: str
    interval_seconds: float
    command: Callable[[], Any]


@dataclass
class ServiceRuntime:
    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    bus: Bus[Any, Any]
    token_codec: TokenCodec
    consumers: Sequence[ConsumerSpec] = field(default_factory=tuple)
    periodic: Sequence[PeriodicTask] = field(default_factory=tuple)

    @property
    def uow_factory(self) -> Callable[[], Any]:
        return self.bus.uow

    @property
    def clock(self) -> Clock:
        return self.bus.clock

    def readiness_checks(self) -> dict[str, ReadinessCheck]:
        return {
            "database": database_check(self.engine),
            "broker": broker_check(self.settings.kafka_bootstrap_servers),
            "topics": self.topics_check(),
        }

    def topics_check(self) -> ReadinessCheck:
        """Ready only while the broker has the topics this service writes and reads: a broker
        that restarted empty answers connections but would lose or refuse what is sent."""
        settings = self.settings
        topics = sorted({*producing_topics(settings),
                         *(settings.topic(topic) for spec in self.consumers for topic in spec.topics)})
        return topics_check(settings.kafka_bootstrap_servers, topics)

    async def dispose(self) -> None:
        await self.engine.dispose()


def build_runtime(
    settings: ServiceSettings,
    uow_class: Callable[..., UnitOfWork] = UnitOfWork,
    *,
    policy: Any = None,
    command_handlers: Mapping[type, CommandHandler] | None = None,
    consumers: Sequence[ConsumerSpec] = (),
    engine: AsyncEngine | None = None,
    clock: Clock | None = None,
    uow_factory: Callable[[], Any] | None = None,
    periodic: Sequence[PeriodicTask] = (),
) -> ServiceRuntime:
    """The one way a service is put together. ``clock`` defaults to the settings' company clock;
    ``uow_factory`` replaces the database's units of work (unit tests pass a fake; the engine is
    then built but never connects)."""
    engine = engine or create_engine(settings.database_url)
    sessions = session_factory(engine)
    clock = clock or settings.clock()
    if uow_factory is None:
        uow_factory = partial(uow_class, sessions, source=f"/{settings.service_name}",
                              topic_prefix=settings.topic_prefix, clock=clock)
    bus = Bus(uow=uow_factory, clock=clock, policy=policy, settings=settings,
              command_handlers=dict(command_handlers or {}))
    return ServiceRuntime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        bus=bus,
        token_codec=TokenCodec.for_settings(settings),
        consumers=consumers,
        periodic=periodic,
    )


def service_app(runtime: ServiceRuntime, *, title: str, description: str, routers: Sequence[APIRouter],
                service: str | None = None, readiness_checks: dict[str, ReadinessCheck] | None = None,
                lifespan: Callable[[FastAPI], Any] | None = None,
                principal_source: PrincipalSource | None = None) -> FastAPI:
    """The HTTP app of a service around its runtime: routes find the bus and the token codec on
    ``app.state`` (through :mod:`shared.deps`); the engine is disposed at shutdown.
    ``lifespan`` adds a service's own start and stop (the intake's producer). Callers are re-read
    from ``principal_source``, by default the service's directory replica (org passes its own)."""

    @asynccontextmanager
    async def disposing(app: FastAPI) -> AsyncIterator[None]:
        try:
            if lifespan is None:
                yield
            else:
                async with lifespan(app):
                    yield
        finally:
            await runtime.dispose()

    app = create_app(
        title=title, service=service or runtime.settings.service_name, description=description, routers=routers,
        readiness_checks=runtime.readiness_checks() if readiness_checks is None else readiness_checks,
        lifespan=disposing, problem_type_base=runtime.settings.problem_type_base,
    )
    app.state.bus = runtime.bus
    app.state.token_codec = runtime.token_codec
    app.state.principal_source = principal_source or DirectoryPrincipalSource(
        runtime.sessions, runtime.settings.principal_refresh_seconds)
    return app


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
    probe = OffsetProbe(settings.kafka_bootstrap_servers)
    await producer.start()
    await probe.start()

    async def recreate_topics() -> None:
        if topics:
            await ensure_topics(settings.kafka_bootstrap_servers, topics, settings.topic_partitions)

    try:
        relay = OutboxRelay(runtime.sessions, producer, batch_size=settings.relay_batch_size,
                            idle_poll_seconds=settings.relay_idle_poll_seconds,
                            safety_poll_seconds=settings.relay_safety_poll_seconds, end_offsets=probe,
                            broker_check_seconds=settings.relay_broker_check_seconds,
                            replay_window_seconds=settings.relay_replay_window_seconds,
                            on_broker_loss=recreate_topics,
                            after_publish=faults.armed("relay-after-publish", settings.service_name),
                            listener=OutboxListener(settings.database_url) if settings.relay_listen else None)
        await relay.replay_recent(settings.relay_replay_window_seconds)
        await relay.run(stop)
    finally:
        await probe.stop()
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
    runners: list[ConsumerRunner] = []
    try:
        for spec in specs:
            consumer = new_consumer(settings, f"{settings.topic_prefix}{spec.name}",
                                    [settings.topic(t) for t in spec.topics])
            await consumer.start()
            consumers.append(consumer)
            runners.append(ConsumerRunner(
                spec, consumer, runtime.bus, dead_letters,
                dead_letter_topic=dead_letter_topic(settings.topic_prefix, spec.name),
                max_records=settings.consumer_max_records, max_attempts=settings.consumer_max_attempts,
                backoff_seconds=settings.consumer_backoff_seconds,
                batch_transactions=settings.consumer_batch_transactions,
                fetch_wait_busy_ms=settings.consumer_fetch_wait_busy_ms,
                fetch_wait_idle_ms=settings.consumer_fetch_wait_idle_ms,
                idle_after_seconds=settings.consumer_idle_after_seconds,
                idle_pause=IdlePause(consumer, OutboxListener(settings.database_url, channel=spec.wake_channel),
                                     idle_after_seconds=settings.consumer_idle_after_seconds,
                                     check_seconds=settings.consumer_paused_check_seconds)
                if spec.wake_channel and settings.consumer_pause_when_idle else None,
            ))
        await asyncio.gather(*(runner.run(stop) for runner in runners))
    finally:
        for runner in runners:
            await runner.close()
        for consumer in consumers:
            await consumer.stop()
        await dead_letters.stop()


async def run_periodic(runtime: ServiceRuntime, stop: asyncio.Event) -> None:
    """Dispatch each periodic task's command on its interval until ``stop``. A failed run is logged
    and tried again at the next interval: a passing database outage must not end the worker."""

    async def every(task: PeriodicTask) -> None:
        while not stop.is_set():
            try:
                await runtime.bus.handle(task.command())
            except Exception:
                log.exception("periodic task %s failed", task.name)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=task.interval_seconds)

    tasks = [task for task in runtime.periodic if task.interval_seconds > 0]
    if not tasks:
        await stop.wait()
        return
    await asyncio.gather(*(every(task) for task in tasks))


def run_until_signalled(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run ``main(stop)``; SIGINT or SIGTERM sets ``stop`` so it can finish its batch and exit."""

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    # The event loop the HTTP processes already run on (uvicorn picks uvloop): a busy worker spent
    # about a fifth of its time in the standard loop's selector and socket transports.
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as loop_runner:
        loop_runner.run(runner())
