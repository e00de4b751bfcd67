"""aiokafka clients with this system's settings (its defaults are wrong for us)."""

from __future__ import annotations

import contextlib
import functools
import logging

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import DefaultPartitioner, murmur2

from shared.config import ServiceSettings

log = logging.getLogger(__name__)


class CachedPartitioner:
    """aiokafka's default partitioner (murmur2 of the key, as the Java clients hash it), with each
    key's hash remembered: the hash is pure Python, and a relay sends thousands of events a second
    for a few hundred keys (the agents of CallLogged) — 1–4 % of a busy telesales worker's CPU, measured."""

    def __init__(self, keys: int = 65_536) -> None:
        self._hash = functools.lru_cache(maxsize=keys)(murmur2)

    def __call__(self, key: bytes | None, all_partitions: list[int], available: list[int]) -> int:
        if key is None:
            return DefaultPartitioner()(key, all_partitions, available)
        return all_partitions[(self._hash(key) & 0x7FFFFFFF) % len(all_partitions)]


def new_producer(settings: ServiceSettings, **overrides) -> AIOKafkaProducer:
    options = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "acks": "all",
        "enable_idempotence": settings.kafka_enable_idempotence,
        "linger_ms": 5,
        "request_timeout_ms": 15000,
        "client_id": f"{settings.service_name}-producer",
        "partitioner": CachedPartitioner(),
    }
    options.update(overrides)
    return AIOKafkaProducer(**options)


def new_consumer(settings: ServiceSettings, group_id: str, topics: list[str], **overrides) -> AIOKafkaConsumer:
    options = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "group_id": group_id,
        # Offsets are committed by us, after the database transaction, per partition and batch.
        "enable_auto_commit": False,
        # "latest" would make a new consumer group skip everything produced before it joined.
        "auto_offset_reset": "earliest",
        "client_id": f"{settings.service_name}-{group_id}",
        "session_timeout_ms": settings.consumer_session_timeout_ms,
        "heartbeat_interval_ms": settings.consumer_heartbeat_interval_ms,
        "max_poll_interval_ms": 300000,
    }
    options.update(overrides)
    return AIOKafkaConsumer(*topics, **options)


async def ensure_topics(bootstrap_servers: str, topics: list[str], partitions: int, replication: int = 1) -> None:
    """Create missing topics; existing ones are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="topic-admin")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [NewTopic(t, partitions, replication) for t in topics if t not in existing]
        if missing:
            # Another process may create the same topics at the same moment.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
            log.info("created topics", extra={"topics": [t.name for t in missing]})
    finally:
        await admin.close()


class OffsetProbe:
    """End offsets of partitions, asked of the broker by a consumer that joins no group."""

    def __init__(self, bootstrap_servers: str) -> None:
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False,
                                          client_id="offset-probe")

    async def start(self) -> None:
        await self._consumer.start()

    async def stop(self) -> None:
        await self._consumer.stop()

    async def __call__(self, partitions: list[tuple[str, int]]) -> dict[tuple[str, int], int]:
        await self._consumer._client.force_metadata_update()
        known = {(topic, partition) for topic, partition in partitions
                 if partition in (self._consumer.partitions_for_topic(topic) or set())}
        if not known:
            return {}
        ends = await self._consumer.end_offsets([TopicPartition(topic, partition) for topic, partition in known])
        return {(tp.topic, tp.partition): offset for tp, offset in ends.items()}


async def missing_topics(bootstrap_servers: str, topics: list[str]) -> list[str]:
    """Those of ``topics`` the broker does not have (a broker that restarted empty has none)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="readiness")
    await admin.start()
    try:
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    return sorted(set(topics) - existing)


def topics_check(bootstrap_servers: str, topics: list[str]):
    """A readiness check: ready only while the broker has all of ``topics``."""

    async def check() -> None:
        missing = await missing_topics(bootstrap_servers, topics) if topics else []
        if missing:
            raise LookupError(f"the broker lacks the topics {', '.join(missing)}")

    return check
