"""Composition root of the telesales service: settings in, a runtime with engine, units of work,
the clock, the company's policy, and consumers out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import Clock
from shared.runtime import ServiceRuntime, build_runtime
from telesales.config import TelesalesSettings, get_settings
from telesales.entrypoints.consumers import CONSUMERS
from telesales.service_layer.handlers import COMMAND_HANDLERS
from telesales.service_layer.unit_of_work import TelesalesUnitOfWork


def bootstrap(settings: TelesalesSettings | None = None, *, engine: AsyncEngine | None = None,
              clock: Clock | None = None, uow_factory: Callable[[], Any] | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return build_runtime(settings, TelesalesUnitOfWork, policy=settings.policy(), command_handlers=COMMAND_HANDLERS,
                         consumers=CONSUMERS, engine=engine, clock=clock, uow_factory=uow_factory)
