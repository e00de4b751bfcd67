"""Composition root of the telesales service: settings in, a runtime with engine, units of work and
consumers out."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from shared.runtime import ServiceRuntime, build_runtime
from telesales.config import TelesalesSettings, get_settings
from telesales.entrypoints.consumers import consumers
from telesales.service_layer.handlers import CallPolicy
from telesales.service_layer.unit_of_work import TelesalesUnitOfWork


def call_policy(settings: TelesalesSettings) -> CallPolicy:
    return CallPolicy(effective_rule=settings.effective_rule, company_timezone=settings.tz)


def bootstrap(settings: TelesalesSettings | None = None, engine: AsyncEngine | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return build_runtime(settings, TelesalesUnitOfWork, engine=engine, consumers=consumers(call_policy(settings)))
