"""The crm HTTP application (``uvicorn --factory crm.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from crm.bootstrap import bootstrap
from crm.config import CrmSettings
from crm.entrypoints.api import (
    complaints,
    credit,
    deals,
    do_not_call,
    exports,
    followups,
    groups,
    leads,
    pool,
    projects,
    receivables,
    visits,
)
from shared.clock import Clock
from shared.runtime import service_app


def create_app(settings: CrmSettings | None = None, *, engine: AsyncEngine | None = None,
               clock: Clock | None = None) -> FastAPI:
    return service_app(
        bootstrap(settings, engine=engine, clock=clock),
        title="crm",
        description="Customers and leads: sources, duplicate checks, two-level distribution, deals and "
                    "payments, masked contact details.",
        # exports first: /leads/export must not be read as /leads/{lead_id}.
        routers=[exports.router, leads.router, groups.router, deals.router, receivables.router, pool.router,
                 followups.router, complaints.router, credit.router, projects.router, visits.router,
                 do_not_call.router],
    )
