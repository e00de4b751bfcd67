"""What-if (issue 9 item 10): finance recomputes a closed period under draft plans and sees, per
person and per line, what would change — with no effect on anything but the what-if itself.

No second copy of the pay rules: inside one transaction that is never committed, the real
:func:`payroll.service_layer.pay_runs.recompute` runs twice, each time in a SAVEPOINT rolled back
at once (``uow.rehearsal()``): first under the plans in force, then with the draft versions written
as the period's newest plans and overrides. The payslips each rehearsal wrote are read before the
rollback. Comparing two rehearsals rather than the stored run with one isolates the draft: facts
that changed since the run was computed (a late payment, a corrected attendance day) appear on
both sides. The run's stored gross is shown beside them as ``paid``. The what-if is then stored in
a transaction of its own; it records no event.

Draft shapes are those of ``PUT /plans/{role}`` and ``PUT /plans/people/{id}`` (the same commands,
:class:`commands.SetPlan` and :class:`commands.SetPlanOverride`), applied from the period recomputed.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from decimal import Decimal

from payroll.adapters.repositories import PayslipScope
from payroll.domain.overrides import PlanOverride
from payroll.domain.periods import ensure_period
from payroll.domain.plans import PARTS, CompensationPlan, ensure_parts
from payroll.domain.roster import Blocker
from payroll.domain.runs import PayRun, PayslipRecord, RunStatus
from payroll.domain.what_if import (
    WhatIf,
    compare,
    draft_people_unique,
    draft_roles_unique,
    ensure_draft_applies,
)
from payroll.service_layer import commands
from payroll.service_layer.pay_runs import recompute
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork
from shared.db import new_id
from shared.errors import InvalidInput, NotFound

EVERYTHING = PayslipScope(everything=True, locked_only=False)


@dataclass(frozen=True)
class RunWhatIf:
    period: str
    plans: tuple[commands.SetPlan, ...]
    overrides: tuple[commands.SetPlanOverride, ...]
    asked_by: uuid.UUID
    note: str | None = None


async def run_what_if(command: RunWhatIf, bus: PayrollBus) -> WhatIf:
    period = ensure_period(command.period)
    if not command.plans and not command.overrides:
        raise InvalidInput("plans", "a what-if states at least one draft role plan or person override")
    draft_roles_unique(plan.role for plan in command.plans)
    draft_people_unique(override.employee_id for override in command.overrides)
    for index, plan in enumerate(command.plans):
        ensure_draft_applies(plan.effective_from, period, field=f"plans[{index}].effective_from")
    for index, override in enumerate(command.overrides):
        ensure_draft_applies(override.effective_from, period, field=f"overrides[{index}].effective_from")

    async with bus.uow() as uow:
        # The pay-run lock, as every computation takes it: no fact lands between the two rehearsals,
        # and the rows a rehearsal touches are taken in the same order as a real run takes them.
        await uow.lock_pay_runs()
        run = await uow.runs.for_period(period)
        if run is None:
            raise NotFound(f"period {period} has no pay run; a what-if recomputes a period whose run exists "
                           "(draft or locked)", field="period")
        for index, override in enumerate(command.overrides):
            if not await uow.directory.known(override.employee_id):
                raise NotFound(f"employee {override.employee_id} is not in the directory",
                               field=f"overrides[{index}].employee_id")
        plans = [_draft_plan(plan, period, index) for index, plan in enumerate(command.plans)]
        overrides = [_draft_override(override, period, index) for index, override in enumerate(command.overrides)]
        paid = await uow.runs.payslips(EVERYTHING, run_id=run.id)
        before, blockers_before = await _rehearse(uow, bus, run, [], [])
        after, blockers_after = await _rehearse(uow, bus, run, plans, overrides)
        # Leaving without commit: the transaction's every write is gone with the rehearsals'.
    comparison = compare(before, after, paid, blockers_before=blockers_before, blockers_after=blockers_after)
    what_if = WhatIf(id=new_id(), period=period, run_id=run.id, run_status=run.status.value,
                     asked_by=command.asked_by, asked_at=bus.clock.now(), draft=_draft_json(command),
                     result=comparison.as_json(), note=command.note)
    async with bus.uow() as uow:
        await uow.what_ifs.add(what_if)
        await uow.commit()
    return what_if


async def _rehearse(uow: PayrollUnitOfWork, bus: PayrollBus, run: PayRun, plans: list[CompensationPlan],
                    overrides: list[PlanOverride]) -> tuple[list[PayslipRecord], tuple[Blocker, ...]]:
    """The run recomputed for real with the drafts as the period's newest versions, read, and rolled back."""
    async with uow.rehearsal():
        for plan in plans:
            # The newest version of the period wins (plan_in_force), over any version the role has there.
            await uow.plans.add(dataclasses.replace(plan, version=await uow.plans.next_version(plan.role)))
        for override in overrides:
            await uow.what_ifs.stage_override(dataclasses.replace(
                override, version=await uow.overrides.next_version(override.employee_id)))
        await uow.what_ifs.detach_disputes(run.id)
        # A locked run is recomputed as a draft here only: the rehearsal is rolled back.
        rehearsed = dataclasses.replace(run, status=RunStatus.COMPUTED)
        await recompute(uow, bus, rehearsed)
        return await uow.runs.payslips(EVERYTHING, run_id=run.id), rehearsed.blockers


def _draft_plan(command: commands.SetPlan, period: str, index: int) -> CompensationPlan:
    """As set_plan builds a version (handlers.py), from the period recomputed."""
    try:
        parts = ensure_parts(command.parts if command.parts is not None else PARTS)
    except InvalidInput as error:
        raise _within(error, f"plans[{index}]") from error
    return CompensationPlan(role=command.role, version=0, effective_from=period, monthly_base=command.monthly_base,
                            performance_standard=command.performance_standard, bonus_base=command.bonus_base,
                            commission_rate=command.commission_rate, set_by=command.set_by, parts=parts,
                            performance_fixed=command.performance_fixed, commission_plan=command.commission_plan,
                            annual_bonus_base=command.annual_bonus_base,
                            base_follows_plan_execution=command.base_follows_plan_execution)


def _draft_override(command: commands.SetPlanOverride, period: str, index: int) -> PlanOverride:
    try:
        return PlanOverride(employee_id=command.employee_id, version=0, effective_from=period,
                            set_by=command.set_by, **command.amounts)
    except InvalidInput as error:
        raise _within(error, f"overrides[{index}]") from error


def _within(error: InvalidInput, prefix: str) -> InvalidInput:
    """The domain's error, naming the field where it sits in the what-if's body."""
    (problem,) = error.extra["errors"]
    return InvalidInput(f"{prefix}.{problem['field']}", problem["reason"])


def _draft_json(command: RunWhatIf) -> dict:
    def plain(value: object) -> object:
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, uuid.UUID):
            return str(value)
        if isinstance(value, frozenset):
            return [part for part in PARTS if part in value]
        if isinstance(value, dict):
            return {key: plain(each) for key, each in value.items()}
        return value

    def fields(draft: object, *leave_out: str) -> dict:
        return {name: plain(value) for name, value in dataclasses.asdict(draft).items()  # type: ignore[call-overload]
                if name not in leave_out and value is not None}

    return {"plans": [fields(plan, "set_by", "effective_from") for plan in command.plans],
            "overrides": [fields(override, "set_by", "effective_from") for override in command.overrides]}


# --- reads ------------------------------------------------------------------------------------------


async def what_if(bus: PayrollBus, what_if_id: uuid.UUID) -> WhatIf:
    async with bus.uow() as uow:
        found = await uow.what_ifs.get(what_if_id)
    if found is None:
        raise NotFound(f"what-if {what_if_id} does not exist")
    return found


async def what_ifs(bus: PayrollBus, period: str | None = None) -> list[WhatIf]:
    async with bus.uow() as uow:
        return await uow.what_ifs.list(period)
