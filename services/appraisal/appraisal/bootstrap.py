"""Composition root of the appraisal service: settings in, a runtime out, whose bus carries the
units of work, the company's clock, the appraisal policy and the command handlers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from appraisal.config import AppraisalSettings, get_settings
from appraisal.entrypoints.consumers import CONSUMERS
from appraisal.service_layer import plan_execution_sweep, reports
from appraisal.service_layer.commands import SweepPlanExecution
from appraisal.service_layer.handlers import COMMAND_HANDLERS
from appraisal.service_layer.unit_of_work import AppraisalUnitOfWork
from shared.clock import Clock
from shared.runtime import PeriodicTask, ServiceRuntime, build_runtime


def bootstrap(settings: AppraisalSettings | None = None, *, engine: AsyncEngine | None = None,
              clock: Clock | None = None, uow_factory: Callable[[], Any] | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return build_runtime(settings, AppraisalUnitOfWork, policy=settings.policy(),
                         command_handlers={**COMMAND_HANDLERS, **reports.COMMAND_HANDLERS,
                                           **plan_execution_sweep.COMMAND_HANDLERS},
                         consumers=CONSUMERS, engine=engine, clock=clock, uow_factory=uow_factory,
                         periodic=[PeriodicTask("plan-execution-sweep", settings.plan_execution_sweep_seconds,
                                                SweepPlanExecution)])
