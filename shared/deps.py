"""FastAPI dependencies every service shares, as ``Annotated`` aliases. :func:`shared.runtime.service_app`
puts the runtime, bus, clock and settings on ``app.state``; a service narrows the types in its own
``deps.py`` (``BusDep = Annotated[CrmBus, Depends(current_bus)]``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request

from shared.auth import CurrentUser, Principal, require_roles
from shared.bus import Bus
from shared.clock import Clock
from shared.config import ServiceSettings

if TYPE_CHECKING:
    from shared.runtime import ServiceRuntime


def current_runtime(request: Request) -> ServiceRuntime:
    return request.app.state.runtime


def current_bus(request: Request) -> Bus[Any, Any]:
    return request.app.state.bus


def current_clock(request: Request) -> Clock:
    return request.app.state.clock


def current_settings(request: Request) -> ServiceSettings:
    return request.app.state.settings


RuntimeDep = Annotated["ServiceRuntime", Depends(current_runtime)]
ClockDep = Annotated[Clock, Depends(current_clock)]

__all__ = ["ClockDep", "CurrentUser", "Principal", "RuntimeDep", "current_bus", "current_clock", "current_runtime",
           "current_settings", "require_roles"]
