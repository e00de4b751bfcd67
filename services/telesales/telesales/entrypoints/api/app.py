"""The telesales HTTP application (``uvicorn --factory telesales.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.clock import Clock
from shared.runtime import service_app
from telesales.bootstrap import bootstrap
from telesales.config import TelesalesSettings
from telesales.entrypoints.api import calls, compliance, corrections, figures, reports, service_accounts


def create_app(settings: TelesalesSettings | None = None, *, engine: AsyncEngine | None = None,
               clock: Clock | None = None) -> FastAPI:
    return service_app(
        bootstrap(settings, engine=engine, clock=clock),
        title="telesales",
        description="Stored calls and their corrections, daily and monthly figures per agent, group and "
                    "department against dial targets, the do-not-call list and calling rules, and the "
                    "telephony systems' service accounts. Calls come in through the separate intake service.",
        routers=[calls.router, corrections.router, figures.router, reports.router, compliance.router,
                 service_accounts.router],
    )
