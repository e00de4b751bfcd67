"""The crm HTTP application (``uvicorn --factory crm.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from crm.bootstrap import bootstrap, message_bus
from crm.config import CrmSettings, get_settings
from crm.entrypoints.api import deals, groups, leads
from crm.service_layer.handlers import utcnow
from shared.web import create_app as create_service_app


def create_app(settings: CrmSettings | None = None, engine: AsyncEngine | None = None,
               clock: Callable[[], datetime] = utcnow) -> FastAPI:
    runtime = bootstrap(settings or get_settings(), engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = runtime
        app.state.bus = message_bus(runtime, clock)
        app.state.token_codec = runtime.token_codec
        try:
            yield
        finally:
            await runtime.dispose()

    return create_service_app(
        title="crm",
        service="crm",
        description="Customers and leads: sources, duplicate checks, two-level distribution, deals and "
                    "payments, masked contact details.",
        routers=[leads.router, groups.router, deals.router],
        readiness_checks=runtime.readiness_checks(),
        lifespan=lifespan,
    )
