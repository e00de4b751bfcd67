"""The org HTTP application (``uvicorn --factory org.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from org.bootstrap import bootstrap
from org.config import OrgSettings, get_settings
from org.entrypoints.api import departments, employees, groups, internal
from shared.web import create_app as create_service_app


def create_app(settings: OrgSettings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
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
        title="org",
        service="org",
        description="Departments, regions, sales groups, employees and headcount plans.",
        routers=[departments.router, groups.router, employees.router, internal.router],
        readiness_checks=runtime.readiness_checks(),
        lifespan=lifespan,
    )
