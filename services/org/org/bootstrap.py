"""Composition root of the org service: settings in, a runtime with engine and units of work out."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from org.config import OrgSettings, get_settings
from org.service_layer.unit_of_work import OrgUnitOfWork
from shared.runtime import ServiceRuntime, build_runtime


def bootstrap(settings: OrgSettings | None = None, engine: AsyncEngine | None = None) -> ServiceRuntime:
    # org consumes no events yet: it is the source of the organisation, not a follower of it.
    return build_runtime(settings or get_settings(), OrgUnitOfWork, engine=engine, consumers=())
