"""Commission plans as data (P4): setting a new version of a named plan, and reading them. The
command and its handler live here and are registered in ``handlers.COMMAND_HANDLERS``."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from payroll.domain.commission_plans import (
    CommissionPlan,
    ensure_new_version_period,
    from_definition,
    version_in_force,
)
from payroll.domain.periods import ensure_period
from payroll.domain.plans import ensure_change_applies_to_open_periods
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.bus import refuses_duplicates
from shared.errors import InvalidInput, NotFound

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,59}$"
_KEY = re.compile(KEY_PATTERN)


@dataclass(frozen=True)
class SetCommissionPlan:
    """A new version of a named commission plan, in force from ``effective_from`` on."""

    key: str
    effective_from: str
    definition: dict[str, Any]  # basis, settlement, rates, annual_bonus, pool, expense_allowance_per_unit
    description: str
    set_by: uuid.UUID


@refuses_duplicates({
    "uq_commission_plans_key_effective_from": ("effective_from", "another version of this plan starts in this period"),
    "pk_commission_plans": ("key", "another version of this plan was set at the same time; try again"),
})
async def set_commission_plan(command: SetCommissionPlan, bus: PayrollBus) -> CommissionPlan:
    ensure_period(command.effective_from, field="effective_from")
    if not _KEY.match(command.key):
        raise InvalidInput("key", "lower-case letters, digits, '-' and '_', at most 60, "
                                  "starting with a letter or a digit")
    async with bus.uow() as uow:
        # Under the pay-run lock: no run is computed half with the old version and half with the new.
        await uow.lock_pay_runs()
        ensure_change_applies_to_open_periods(command.effective_from, await uow.runs.latest_locked_period())
        ensure_new_version_period(await uow.commission_plans.all(command.key), command.effective_from)
        # Constructing the plan validates it (InvalidInput naming the field): nothing is written before.
        plan = from_definition(command.key, await uow.commission_plans.next_version(command.key),
                               command.effective_from, command.definition, description=command.description,
                               set_by=command.set_by)
        stored = await uow.commission_plans.add(plan)
        await uow.commit()
    return stored


async def ensure_commission_plan_exists(uow: PayrollUnitOfWork, key: str | None, *, field: str = "commission_plan"
                                        ) -> None:
    """A role plan or override may only name a commission plan that has at least one version."""
    if key is not None and not await uow.commission_plans.all(key):
        raise InvalidInput(field, f"no commission plan named {key!r}; define it with PUT /commission-plans/{key}")


async def commission_plans(bus: PayrollBus, key: str | None = None, period: str | None = None
                           ) -> list[CommissionPlan]:
    """Every version, or with ``period`` the version of each plan in force then."""
    async with bus.uow() as uow:
        versions = await uow.commission_plans.all(key)
    if period is None:
        return versions
    in_force = (version_in_force(versions, each, period) for each in sorted({plan.key for plan in versions}))
    return [plan for plan in in_force if plan is not None]


async def commission_plan_history(bus: PayrollBus, key: str) -> list[CommissionPlan]:
    async with bus.uow() as uow:
        versions = await uow.commission_plans.all(key)
    if not versions:
        raise NotFound(f"no commission plan named {key!r}")
    return versions
