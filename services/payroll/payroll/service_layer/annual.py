"""The annual bonus of a pay run (:mod:`payroll.domain.annual`): read what it needs, record what it did.

Called by the run computation under the pay-run lock, like the other settlements: a draft run's
records go when it is recomputed (``uow.annual_bonus.release``), so recomputing never doubles a bonus.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from payroll.domain.annual import AnnualResult, settle
from payroll.domain.lines import PayslipLine
from payroll.domain.roster import Payable
from payroll.domain.runs import PayRun
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork


async def settle_annual_bonus(uow: PayrollUnitOfWork, bus: PayrollBus, run: PayRun, payable: Sequence[Payable]
                              ) -> dict[uuid.UUID, list[PayslipLine]]:
    on_run = {each.employee_id: each.plan for each in payable}
    results = await uow.annual_results.of(on_run)
    settlement = settle(run.id, run.period, bus.policy.annual, on_run, results,
                        await uow.annual_bonus.paid(on_run, excluding_run=run.id),
                        await uow.annual_bonus.owed(on_run, excluding_run=run.id))
    now = bus.clock.now()
    await uow.annual_bonus.add_paid(run.id, settlement.paid, now)
    await uow.annual_bonus.add_owed(settlement.owed, now)
    return settlement.lines


async def record_annual_result(uow: PayrollUnitOfWork, result: AnnualResult, event_id: uuid.UUID) -> bool:
    """Stored for the run that pays it (the payout month's, or the first after an owed one); under the
    pay-run lock, so a run being computed either sees it or records the bonus as owed."""
    await uow.lock_pay_runs()
    return await uow.annual_results.record(result, event_id)
