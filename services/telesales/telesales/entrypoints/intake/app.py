"""The intake HTTP application (``python -m telesales intake``). It owns no database: it is ready
when the broker is reachable, and scales by replicas alone (T7)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from shared.auth import TokenCodec
from shared.kafka import ensure_topics, new_producer
from shared.web import broker_check
from shared.web import create_app as create_service_app
from telesales.adapters.intake import IntakePublisher
from telesales.config import TelesalesSettings, get_settings
from telesales.entrypoints.intake import calls


def create_app(settings: TelesalesSettings | None = None, producer: AIOKafkaProducer | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await ensure_topics(settings.kafka_bootstrap_servers, [settings.intake_topic], settings.topic_partitions)
        kafka = producer or new_producer(settings, client_id="telesales-intake")
        await kafka.start()
        app.state.settings = settings
        app.state.token_codec = TokenCodec(settings.jwt_secret, settings.jwt_issuer, settings.jwt_ttl_seconds)
        app.state.publisher = IntakePublisher(kafka, settings.intake_topic,
                                              source=f"/{settings.service_name}",
                                              timeout_seconds=settings.intake_publish_timeout_seconds)
        try:
            yield
        finally:
            await kafka.stop()

    return create_service_app(
        title="telesales intake",
        service="telesales-intake",
        description="Call records in, one at a time or in batches, onto the intake topic for the workers.",
        routers=[calls.router],
        readiness_checks={"broker": broker_check(settings.kafka_bootstrap_servers)},
        lifespan=lifespan,
    )
