"""Composition root of the crm service: settings in, a runtime out, with the bus the use cases run
on (units of work, the company's clock and policy, the command handlers) and the consumers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from crm.config import CrmSettings, get_settings
from crm.entrypoints.consumers import CONSUMERS
from crm.service_layer.complaint_commands import EscalateOverdueComplaints
from crm.service_layer.handlers import COMMAND_HANDLERS
from crm.service_layer.pool_commands import ReclaimIdleLeads
from crm.service_layer.unit_of_work import CrmUnitOfWork
from shared.clock import Clock
from shared.runtime import PeriodicTask, ServiceRuntime, build_runtime


def bootstrap(settings: CrmSettings | None = None, *, engine: AsyncEngine | None = None,
              clock: Clock | None = None, uow_factory: Callable[[], Any] | None = None) -> ServiceRuntime:
    settings = settings or get_settings()
    return build_runtime(settings, CrmUnitOfWork, policy=settings.policy(), command_handlers=COMMAND_HANDLERS,
                         consumers=CONSUMERS, engine=engine, clock=clock, uow_factory=uow_factory,
                         periodic=[PeriodicTask("pool-reclaim", settings.pool_reclaim_interval_seconds,
                                                ReclaimIdleLeads),
                                   PeriodicTask("complaint-escalation", settings.complaint_sweep_interval_seconds,
                                                EscalateOverdueComplaints)])
