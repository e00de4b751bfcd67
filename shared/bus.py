"""The service context: what every use case, consumer handler and route of a service is given.

Each service builds one in its ``bootstrap()`` (through :func:`shared.runtime.build_runtime`):
a factory of fresh units of work, the company's clock, the company's policy as the domain reads
it, the settings, and the table of command handlers. A route asks for it as ``BusDep`` and calls
``await bus.handle(command)``; a command handler is ``async def handler(command, bus)`` and opens
``async with bus.uow() as uow``; a consumer handler is ``async def on_x(envelope, uow, bus)`` and
works inside the runner's unit of work, beside the inbox row. Tests build the same bus with a fake
unit of work and a fixed clock.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy.exc import IntegrityError

from shared.clock import Clock
from shared.errors import Conflict

if TYPE_CHECKING:
    from shared.config import ServiceSettings

UowT = TypeVar("UowT")
PolicyT = TypeVar("PolicyT")
CommandT = TypeVar("CommandT")
ResultT = TypeVar("ResultT")

CommandHandler = Callable[[Any, "Bus[Any, Any]"], Awaitable[Any]]
CommandFn = Callable[[CommandT, Any], Awaitable[ResultT]]


@dataclass(frozen=True, eq=False)
class Bus(Generic[UowT, PolicyT]):
    uow: Callable[[], UowT]
    clock: Clock
    policy: PolicyT
    settings: ServiceSettings
    command_handlers: Mapping[type, CommandHandler] = field(default_factory=dict)

    async def handle(self, command: Any) -> Any:
        handler = self.command_handlers.get(type(command))
        if handler is None:
            raise LookupError(f"no handler is registered for {type(command).__name__}")
        return await handler(command, self)


# -- a concurrent duplicate is the client's conflict ------------------------------------------------

UNIQUE_VIOLATION = "23505"
_COLLIDED = "the change collided with a concurrent change; read again and retry"


def violated_constraint(error: IntegrityError) -> str | None:
    """The unique constraint ``error`` broke, or None when it is not a unique violation."""
    if getattr(error.orig, "sqlstate", None) != UNIQUE_VIOLATION:
        return None
    driver_error = getattr(error.orig, "driver_exception", None) or getattr(error.orig, "__cause__", None)
    return getattr(driver_error, "constraint_name", None) or ""


def duplicate_conflict(error: IntegrityError, constraints: Mapping[str, tuple[str, str]] = {}) -> Conflict | None:
    """409 for a unique violation, naming the field when the constraint is known; None otherwise.
    The constraint's name stays inside: it describes the schema, not the client's mistake."""
    constraint = violated_constraint(error)
    if constraint is None:
        return None
    field_name, detail = constraints.get(constraint, ("", _COLLIDED))
    return Conflict(detail, field=field_name) if field_name else Conflict(detail)


def refuses_duplicates(constraints: Mapping[str, tuple[str, str]] = {}):
    """Decorator for a command handler: a unique key hit by a concurrent request (checked first,
    then committed by someone else in between) becomes a 409 naming the field from ``constraints``
    (constraint name → (field, detail)), never a 500. Any other integrity error is a bug and
    stays one."""

    def decorate(handler: CommandFn[CommandT, ResultT]) -> CommandFn[CommandT, ResultT]:
        @functools.wraps(handler)
        async def guarded(command: CommandT, bus: Any) -> ResultT:
            try:
                return await handler(command, bus)
            except IntegrityError as error:
                conflict = duplicate_conflict(error, constraints)
                if conflict is None:
                    raise
                raise conflict from error

        return guarded

    return decorate
