"""FastAPI dependencies every service shares. :func:`shared.runtime.service_app` puts the service's
bus on ``app.state``; a service narrows the type in its own ``deps.py``
(``BusDep = Annotated[CrmBus, Depends(current_bus)]``) and reads its clock, policy and settings
from the bus."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from shared.auth import CurrentUser
from shared.bus import Bus
from shared.config import ServiceSettings


def current_bus(request: Request) -> Bus[Any, Any]:
    return request.app.state.bus


def current_settings(request: Request) -> ServiceSettings:
    return request.app.state.bus.settings


__all__ = ["CurrentUser", "current_bus", "current_settings"]
