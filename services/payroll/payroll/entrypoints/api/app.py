"""The payroll HTTP application (``uvicorn --factory payroll.entrypoints.api.app:create_app``)."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from payroll.bootstrap import bootstrap
from payroll.config import PayrollSettings
from payroll.entrypoints.api import (
    annual,
    commission_plans,
    deals,
    disputes,
    expenses,
    exports,
    incentives,
    payslips,
    plans,
    runs,
    unpaid,
    what_if,
)
from shared.clock import Clock
from shared.runtime import service_app


def create_app(settings: PayrollSettings | None = None, *, engine: AsyncEngine | None = None,
               clock: Clock | None = None) -> FastAPI:
    return service_app(
        bootstrap(settings, engine=engine, clock=clock),
        title="payroll",
        description="Compensation plans, pay runs computed when appraisal closes a period, and payslips "
                    "whose every line names its rule and inputs.",
        routers=[plans.router, deals.router, runs.router, payslips.router, incentives.router, expenses.router,
                 disputes.router, unpaid.router, what_if.router, exports.router, commission_plans.router,
                 annual.router],
    )
