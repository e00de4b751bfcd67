"""FastAPI dependencies of the crm API, as ``Annotated`` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from crm.config import CrmSettings
from crm.service_layer.unit_of_work import CrmBus
from shared.deps import CurrentUser, current_bus, current_settings

BusDep = Annotated[CrmBus, Depends(current_bus)]
SettingsDep = Annotated[CrmSettings, Depends(current_settings)]

__all__ = ["BusDep", "CurrentUser", "SettingsDep"]
