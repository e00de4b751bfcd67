"""The telesales HTTP application (``uvicorn --factory telesales.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.web import create_app as create_service_app
from telesales.bootstrap import bootstrap
from telesales.config import TelesalesSettings, get_settings
from telesales.entrypoints.api import calls, figures


def create_app(settings: TelesalesSettings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
    runtime = bootstrap(settings or get_settings(), engine)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.runtime = runtime
        app.state.token_codec = runtime.token_codec
        try:
            yield
        finally:
            await runtime.dispose()

    return create_service_app(
        title="telesales",
        service="telesales",
        description="Stored calls and daily figures per agent, group and department against dial targets. "
                    "Calls come in through the separate intake service.",
        routers=[calls.router, figures.router],
        readiness_checks=runtime.readiness_checks(),
        lifespan=lifespan,
    )
