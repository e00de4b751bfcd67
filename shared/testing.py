"""Test fakes every service's unit tests share: an in-memory unit of work that behaves like the real
one (state and events only on commit, rollback otherwise), a bus around it, and tokens.

A service's fake subclasses :class:`FakeUnitOfWork`, giving its store (a dataclass of dicts) and
its fake repositories in ``_open``; the rest is here.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Generic, Self, TypeVar

from shared.auth import Principal, TokenCodec
from shared.bus import Bus, CommandHandler
from shared.clock import Clock, FixedClock
from shared.config import DEVELOPMENT_JWT_SECRET, ServiceSettings
from shared.events import CloudEvent, Event

StoreT = TypeVar("StoreT")

# A Monday, mid-month, in office hours: far from any month end, for tests that do not care.
QUIET_INSTANT = datetime(2026, 3, 11, 2, 0, tzinfo=UTC)


class FakeUnitOfWork(Generic[StoreT]):
    """The store is copied when a unit opens and put back when it closes without a commit, so a
    test can check that a refused command left nothing behind; events reach ``published`` only on
    commit, as rows reach the outbox only with the state. Nested ``async with`` of the same unit
    (a handler calling a helper that opens it again) is not supported, as with the real one."""

    source = "/fake"

    def __init__(self, store: StoreT, *, clock: Clock | None = None) -> None:
        self.store = store
        self.clock = clock or FixedClock(QUIET_INSTANT)
        self.published: list[CloudEvent] = []
        self.commits = 0
        self._pending: list[CloudEvent] = []
        self._before_commit: dict[str, Callable[[], Awaitable[object]]] = {}
        self._snapshot: StoreT | None = None
        self._inbox: set[tuple[str, uuid.UUID]] = set()
        self._open()

    def _open(self) -> None:
        """Hook for subclasses: attach the fake repositories (they read ``self.store``)."""

    async def __aenter__(self) -> Self:
        self._snapshot = copy.deepcopy(self.store)
        self._pending, self._before_commit = [], {}
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._snapshot is not None:  # left without commit: roll back
            self.store = self._snapshot
        self._snapshot, self._pending = None, []

    def emit(self, event: Event, **extensions: Any) -> CloudEvent:
        envelope = CloudEvent.wrap(event, source=self.source, time=self.clock.now(), **extensions)
        self._pending.append(envelope)
        return envelope

    @property
    def emitted(self) -> list[CloudEvent]:
        return list(self._pending)

    def before_commit(self, key: str, action: Callable[[], Awaitable[object]]) -> None:
        self._before_commit.setdefault(key, action)

    async def claim_inbox(self, consumer: str, envelope: CloudEvent, status: str = "handled",
                          error: str | None = None) -> bool:
        key = (consumer, envelope.id)
        if key in self._inbox:
            return False
        self._inbox.add(key)
        return True

    async def claim_inbox_many(self, consumer: str, envelopes: Any) -> set[Any]:
        return {envelope.id for envelope in envelopes if await self.claim_inbox(consumer, envelope)}

    async def commit(self) -> None:
        while self._before_commit:  # as shared.db.UnitOfWork: once per key, in key order
            await self._before_commit.pop(min(self._before_commit))()
        self.published.extend(self._pending)
        self._pending, self._snapshot = [], None
        self.commits += 1

    def published_types(self) -> list[str]:
        return [envelope.type for envelope in self.published]


def fake_bus(uow: Any, *, settings: ServiceSettings, policy: Any = None, clock: Clock | None = None,
             command_handlers: Mapping[type, CommandHandler] | None = None) -> Bus[Any, Any]:
    """A bus whose every unit of work is ``uow``, sharing its clock."""
    clock = clock or getattr(uow, "clock", None) or FixedClock(QUIET_INSTANT)
    if hasattr(uow, "clock"):
        uow.clock = clock
    return Bus(uow=lambda: uow, clock=clock, policy=policy, settings=settings,
               command_handlers=dict(command_handlers or {}))


def principal(*roles: str, employee_id: uuid.UUID | None = None, group_id: uuid.UUID | None = None,
              department_id: uuid.UUID | None = None, name: str = "") -> Principal:
    return Principal(employee_id=employee_id or uuid.uuid4(), roles=frozenset(roles), group_id=group_id,
                     department_id=department_id, name=name)


def token_for(who: Principal, *, secret: str = DEVELOPMENT_JWT_SECRET, issuer: str = "salesteam-gateway") -> str:
    return TokenCodec(secret, issuer).issue(who)[0]


def auth_headers(who: Principal, *, secret: str = DEVELOPMENT_JWT_SECRET,
                 issuer: str = "salesteam-gateway") -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(who, secret=secret, issuer=issuer)}"}
