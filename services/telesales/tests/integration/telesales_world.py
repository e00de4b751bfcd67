"""Building a telesales world for the integration tests: directory entries as org would announce
them, calls as the intake would hand them to the worker, and tokens as the gateway signs them."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import UTC, date, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from shared.auth import Principal, TokenCodec
from shared.directory import DIRECTORY_HANDLERS
from shared.events import CloudEvent
from shared.events.org import EmployeeHired, GroupCreated
from shared.runtime import ServiceRuntime
from telesales.adapters.intake import CallSubmitted
from telesales.config import TelesalesSettings

_numbers = itertools.count(1)


class Tokens:
    def __init__(self, settings: TelesalesSettings) -> None:
        self._codec = TokenCodec(settings.jwt_secret, settings.jwt_issuer)

    def principal(self, *roles: str, employee_id: uuid.UUID | None = None, group_id: uuid.UUID | None = None,
                  department_id: uuid.UUID | None = None) -> Principal:
        return Principal(employee_id=employee_id or uuid.uuid4(), roles=frozenset(roles), group_id=group_id,
                         department_id=department_id)

    def headers(self, *roles: str, **placement: Any) -> dict[str, str]:
        return self.of(self.principal(*roles, **placement))

    def of(self, principal: Principal) -> dict[str, str]:
        token, _ = self._codec.issue(principal)
        return {"Authorization": f"Bearer {token}"}


async def announce(runtime: ServiceRuntime, *events) -> None:
    """Feed org events to the directory replica, as the telesales-directory consumer would."""
    for event in events:
        async with runtime.uow_factory() as uow:
            await DIRECTORY_HANDLERS[event.event_type](CloudEvent.wrap(event, source="/org"), uow)
            await uow.commit()


def hired(name: str, role: str, department_id: uuid.UUID, group_id: uuid.UUID | None = None) -> EmployeeHired:
    return EmployeeHired(employee_id=uuid.uuid4(), name=name, role=role, department_id=department_id,
                         group_id=group_id, hired_on=date(2026, 1, 5))


def group_created(group_id: uuid.UUID, department_id: uuid.UUID, leader_id: uuid.UUID) -> GroupCreated:
    return GroupCreated(group_id=group_id, name=f"group {group_id.hex[:4]}", department_id=department_id,
                        leader_id=leader_id)


def submitted(agent_id: uuid.UUID, **overrides: Any) -> CallSubmitted:
    values: dict[str, Any] = {
        "call_id": f"call-{next(_numbers)}-{uuid.uuid4().hex[:6]}", "agent_id": agent_id,
        "number_dialled": "+8613800138000", "started_at": datetime(2026, 5, 4, 2, 0, tzinfo=UTC),
        "duration_seconds": 90, "connected": True, "disposition": "effective_conversation",
        "submitted_by": agent_id, "received_at": datetime(2026, 5, 4, 2, 2, tzinfo=UTC),
    }
    return CallSubmitted(**{**values, **overrides})


async def read_topic(bootstrap_servers: str, topic: str, expected: int, wait_seconds: float = 20
                     ) -> list[ConsumerRecord]:
    """Read a topic from the start without a consumer group (joining one costs seconds)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False,
                                auto_offset_reset="earliest")
    await consumer.start()
    records: list[ConsumerRecord] = []
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in partitions])
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        while len(records) < expected and loop.time() < deadline:
            for batch in (await consumer.getmany(timeout_ms=200)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records
