"""The org HTTP application (``uvicorn --factory org.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from org.bootstrap import bootstrap
from org.config import OrgSettings
from org.entrypoints.api import attendance, departments, employees, groups, internal, training
from org.service_layer.access import OrgPrincipalSource
from shared.clock import Clock
from shared.runtime import service_app


def create_app(settings: OrgSettings | None = None, *, engine: AsyncEngine | None = None,
               clock: Clock | None = None) -> FastAPI:
    runtime = bootstrap(settings, engine=engine, clock=clock)
    return service_app(
        runtime,
        title="org",
        description="Departments, regions, sales groups, employees, headcount plans, attendance and training.",
        routers=[departments.router, groups.router, employees.router, training.router, attendance.router,
                 internal.router],
        principal_source=OrgPrincipalSource(runtime.bus),
    )
