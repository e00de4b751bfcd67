"""The appraisal HTTP application (``uvicorn --factory appraisal.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from appraisal.bootstrap import bootstrap
from appraisal.config import AppraisalSettings
from appraisal.entrypoints.api import cases, periods, reports, templates, weeks, years
from shared.clock import Clock
from shared.runtime import service_app


def create_app(settings: AppraisalSettings | None = None, *, engine: AsyncEngine | None = None,
               clock: Clock | None = None) -> FastAPI:
    return service_app(
        bootstrap(settings, engine=engine, clock=clock),
        title="appraisal",
        description="Monthly appraisal: templates per role, live scores, reviews, period close and bonus "
                    "coefficients.",
        routers=[templates.router, periods.router, years.router, weeks.router, reports.router, cases.router],
    )
