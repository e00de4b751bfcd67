"""The org HTTP application (``uvicorn --factory org.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from org.bootstrap import bootstrap
from org.config import OrgSettings
from org.entrypoints.api import attendance, departments, employees, groups, internal
from shared.clock import Clock
from shared.runtime import service_app


def create_app(settings: OrgSettings | None = None, *, engine: AsyncEngine | None = None,
               clock: Clock | None = None) -> FastAPI:
    return service_app(
        bootstrap(settings, engine=engine, clock=clock),
        title="org",
        description="Departments, regions, sales groups, employees, headcount plans and attendance.",
        routers=[departments.router, groups.router, employees.router, internal.router, attendance.router],
    )
