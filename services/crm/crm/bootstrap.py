"""Composition root of the crm service: settings in, a runtime with engine, units of work and
consumers out, and the bus the use cases run on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from sqlalchemy.ext.asyncio import AsyncEngine

from crm.config import CrmSettings, get_settings
from crm.entrypoints.consumers import CONSUMERS
from crm.service_layer.handlers import Bus, utcnow
from crm.service_layer.unit_of_work import CrmUnitOfWork
from shared.runtime import ServiceRuntime, build_runtime


def bootstrap(settings: CrmSettings | None = None, engine: AsyncEngine | None = None) -> ServiceRuntime:
    return build_runtime(settings or get_settings(), CrmUnitOfWork, engine=engine, consumers=CONSUMERS)


def message_bus(runtime: ServiceRuntime, clock: Callable[[], datetime] = utcnow) -> Bus:
    settings = cast(CrmSettings, runtime.settings)
    return Bus(cast(Callable[[], CrmUnitOfWork], runtime.uow_factory), settings.policy(), clock)
