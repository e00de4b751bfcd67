"""Composition root of the org service: settings in, a runtime with its bus (units of work, the
company's clock, the org policy, the command handlers) out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from org.config import OrgSettings, get_settings
from org.entrypoints.consumers import CONSUMERS
from org.service_layer.attendance_commands import SweepAttendance
from org.service_layer.handlers import COMMAND_HANDLERS
from org.service_layer.unit_of_work import OrgUnitOfWork
from shared.clock import Clock
from shared.runtime import PeriodicTask, ServiceRuntime, build_runtime


def bootstrap(settings: OrgSettings | None = None, *, engine: AsyncEngine | None = None,
              clock: Clock | None = None, uow_factory: Callable[[], Any] | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return build_runtime(settings, OrgUnitOfWork, policy=settings.policy(), command_handlers=COMMAND_HANDLERS,
                         consumers=CONSUMERS, engine=engine, clock=clock, uow_factory=uow_factory,
                         periodic=[PeriodicTask("attendance-sweep", settings.attendance_sweep_interval_seconds,
                                                SweepAttendance)])
