"""The intake HTTP application (``python -m telesales intake``). It writes no database; it reads
telesales' own (a service account's scope, the stored calls a batch repeats), is ready when the
broker and that database are reachable, and scales by replicas alone (T7)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from shared.clock import Clock
from shared.kafka import ensure_topics, new_producer, topics_check
from shared.runtime import service_app
from shared.web import broker_check, database_check
from telesales.adapters.intake import IntakePublisher, announcer
from telesales.bootstrap import bootstrap
from telesales.config import TelesalesSettings, get_settings
from telesales.entrypoints.intake import calls


def create_app(settings: TelesalesSettings | None = None, producer: AIOKafkaProducer | None = None, *,
               clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    runtime = bootstrap(settings, clock=clock)

    @asynccontextmanager
    async def producing(app: FastAPI) -> AsyncIterator[None]:
        """The Kafka producer intake publishes through, started and stopped with the app."""
        await ensure_topics(settings.kafka_bootstrap_servers, [settings.intake_topic], settings.topic_partitions)
        kafka = producer or new_producer(settings, client_id="telesales-intake")
        await kafka.start()
        app.state.publisher = IntakePublisher(kafka, settings.intake_topic, source=f"/{settings.service_name}",
                                              timeout_seconds=settings.intake_publish_timeout_seconds,
                                              clock=runtime.clock, batch_messages=settings.intake_batch_messages,
                                              message_max_bytes=settings.intake_message_max_bytes,
                                              announce=announcer(runtime.engine))
        try:
            yield
        finally:
            await kafka.stop()

    return service_app(
        runtime,
        title="telesales intake",
        service="telesales-intake",
        description="Call records in, one at a time or in batches, onto the intake topic for the workers.",
        routers=[calls.router],
        # Not ready while the intake topic is missing (a broker that restarted empty): a 202 for a
        # call sent there would be a promise nobody keeps.
        readiness_checks={"broker": broker_check(settings.kafka_bootstrap_servers),
                          "database": database_check(runtime.engine),
                          "topics": topics_check(settings.kafka_bootstrap_servers, [settings.intake_topic])},
        lifespan=producing,
    )
