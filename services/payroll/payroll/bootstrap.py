"""Composition root of the payroll service: settings in, a runtime with engine, units of work and
consumers out."""

from __future__ import annotations

from functools import partial
from typing import cast

from sqlalchemy.ext.asyncio import AsyncEngine

from payroll.config import PayrollSettings, get_settings
from payroll.entrypoints.consumers import CONSUMERS
from payroll.service_layer.unit_of_work import PayrollUnitOfWork
from shared.db import UnitOfWork
from shared.runtime import ServiceRuntime, build_runtime


def bootstrap(settings: PayrollSettings | None = None, engine: AsyncEngine | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    # Every unit of work carries the company's pay settings, so consumer handlers (which receive
    # only the envelope and the unit of work) compute with them.
    uow_class = partial(PayrollUnitOfWork, policy=settings.pay_policy(), company_timezone=settings.timezone)
    return build_runtime(settings, cast(type[UnitOfWork], uow_class), engine=engine, consumers=CONSUMERS)
