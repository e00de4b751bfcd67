"""Building a telesales world for the integration tests: directory entries as org would announce
them, calls as the intake would hand them to the worker, and tokens as the gateway signs them.
Dates are the test's: every call and hire is given its instant or day, taken from the clock."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from shared.auth import Principal
from shared.clock import Clock
from shared.directory import DIRECTORY_HANDLERS
from shared.events import CloudEvent
from shared.events.org import EmployeeHired, GroupCreated
from shared.runtime import ServiceRuntime
from shared.testing import auth_headers, principal
from telesales.adapters.intake import CallSubmitted
from telesales.config import TelesalesSettings

_numbers = itertools.count(1)


class Tokens:
    """Tokens signed with the service's settings, as the gateway signs them."""

    def __init__(self, settings: TelesalesSettings) -> None:
        self._secret, self._issuer = settings.jwt_secret, settings.jwt_issuer

    def principal(self, *roles: str, employee_id: uuid.UUID | None = None, group_id: uuid.UUID | None = None,
                  department_id: uuid.UUID | None = None) -> Principal:
        return principal(*roles, employee_id=employee_id, group_id=group_id, department_id=department_id)

    def headers(self, *roles: str, **placement: Any) -> dict[str, str]:
        return self.of(self.principal(*roles, **placement))

    def of(self, who: Principal) -> dict[str, str]:
        return auth_headers(who, secret=self._secret, issuer=self._issuer)


async def announce(runtime: ServiceRuntime, *events) -> None:
    """Feed org events to the directory replica, as the telesales-directory consumer would."""
    for event in events:
        async with runtime.uow_factory() as uow:
            await DIRECTORY_HANDLERS[event.event_type](CloudEvent.wrap(event, source="/org"), uow, runtime.bus)
            await uow.commit()


async def deliver(runtime: ServiceRuntime, envelope: CloudEvent) -> None:
    """As the telesales-crm consumer's runner does: the inbox row and the handler in one transaction."""
    spec = next(spec for spec in runtime.consumers if spec.name == "telesales-crm")
    async with runtime.uow_factory() as uow:
        if await uow.claim_inbox(spec.name, envelope):
            await spec.handlers[envelope.type](envelope, uow, runtime.bus)
        await uow.commit()


def at(clock: Clock, day: date, hour: int, minute: int = 0) -> datetime:
    """``hour:minute`` on ``day`` on the company's wall clock."""
    return datetime.combine(day, time(hour, minute), tzinfo=clock.timezone)


def hired(name: str, role: str, department_id: uuid.UUID, group_id: uuid.UUID | None = None, *,
          on: date) -> EmployeeHired:
    return EmployeeHired(employee_id=uuid.uuid4(), name=name, role=role, department_id=department_id,
                         group_id=group_id, hired_on=on)


def group_created(group_id: uuid.UUID, department_id: uuid.UUID, leader_id: uuid.UUID) -> GroupCreated:
    return GroupCreated(group_id=group_id, name=f"group {group_id.hex[:4]}", department_id=department_id,
                        leader_id=leader_id)


def submitted(agent_id: uuid.UUID, *, started_at: datetime, **overrides: Any) -> CallSubmitted:
    """A call as intake hands it on, received two minutes after it started."""
    values: dict[str, Any] = {
        "call_id": f"call-{next(_numbers)}-{uuid.uuid4().hex[:6]}", "agent_id": agent_id,
        "number_dialled": "+8613800138000", "started_at": started_at,
        "duration_seconds": 90, "connected": True, "disposition": "effective_conversation",
        "submitted_by": agent_id, "received_at": started_at + timedelta(minutes=2),
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
