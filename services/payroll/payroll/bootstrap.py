"""Composition root of the payroll service: settings in, a runtime with engine, units of work, the
company's clock and pay policy, command handlers and consumers out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from payroll.config import PayrollSettings, get_settings
from payroll.entrypoints.consumers import CONSUMERS
from payroll.service_layer.handlers import COMMAND_HANDLERS
from payroll.service_layer.unit_of_work import PayrollUnitOfWork
from shared.clock import Clock
from shared.runtime import ServiceRuntime, build_runtime


def bootstrap(settings: PayrollSettings | None = None, *, engine: AsyncEngine | None = None,
              clock: Clock | None = None, uow_factory: Callable[[], Any] | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return build_runtime(settings, PayrollUnitOfWork, policy=settings.policy(), command_handlers=COMMAND_HANDLERS,
                         consumers=CONSUMERS, engine=engine, clock=clock, uow_factory=uow_factory)
