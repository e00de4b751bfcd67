"""Composition root of the appraisal service: settings in, a runtime with engine, units of work
(carrying the appraisal policy) and consumers out."""

from __future__ import annotations

from functools import partial

from sqlalchemy.ext.asyncio import AsyncEngine

from appraisal.config import AppraisalSettings, get_settings
from appraisal.entrypoints.consumers import CONSUMERS
from appraisal.service_layer.unit_of_work import AppraisalUnitOfWork
from shared.runtime import ServiceRuntime, build_runtime


def bootstrap(settings: AppraisalSettings | None = None, engine: AsyncEngine | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    uow_class = partial(AppraisalUnitOfWork, policy=settings.policy())
    return build_runtime(settings, uow_class, engine=engine, consumers=CONSUMERS)  # type: ignore[arg-type]
