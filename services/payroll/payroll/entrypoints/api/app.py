"""The payroll HTTP application (``uvicorn --factory payroll.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from payroll.bootstrap import bootstrap
from payroll.config import PayrollSettings, get_settings
from payroll.entrypoints.api import payslips, plans, runs
from shared.web import create_app as create_service_app


def create_app(settings: PayrollSettings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
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
        title="payroll",
        service="payroll",
        description="Compensation plans, pay runs computed when appraisal closes a period, and payslips "
                    "whose every line names its rule and inputs.",
        routers=[plans.router, runs.router, payslips.router],
        readiness_checks=runtime.readiness_checks(),
        lifespan=lifespan,
    )
