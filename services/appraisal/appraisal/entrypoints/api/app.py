"""The appraisal HTTP application (``uvicorn --factory appraisal.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from appraisal.bootstrap import bootstrap
from appraisal.config import AppraisalSettings, get_settings
from appraisal.entrypoints.api import periods, templates
from shared.web import create_app as create_service_app


def create_app(settings: AppraisalSettings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
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
        title="appraisal",
        service="appraisal",
        description="Monthly appraisal: templates per role, live scores, reviews, period close and bonus "
                    "coefficients.",
        routers=[templates.router, periods.router],
        readiness_checks=runtime.readiness_checks(),
        lifespan=lifespan,
    )
