"""FastAPI dependencies of the crm API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request

from crm.config import CrmSettings
from crm.service_layer.handlers import Bus
from shared.auth import CurrentUser


def _bus(request: Request) -> Bus:
    return cast(Bus, request.app.state.bus)


def _settings(request: Request) -> CrmSettings:
    return cast(CrmSettings, request.app.state.runtime.settings)


BusDep = Annotated[Bus, Depends(_bus)]
SettingsDep = Annotated[CrmSettings, Depends(_settings)]

__all__ = ["BusDep", "CurrentUser", "SettingsDep"]
