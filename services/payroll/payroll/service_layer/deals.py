"""Facts from crm that commission plans, clawbacks and the profit share read (P4, P5): deals signed,
deals cancelled, money refunded. Recorded inside the consumer runner's unit of work, keyed by their
own ids (a repeat changes nothing) and each in its own table (any order of arrival gives the same
state). Nothing is paid here: the next run computed reads them."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from payroll.domain.deals import Deal, DealCancellation, Refund
from payroll.service_layer.unit_of_work import PayrollBus, PayrollUnitOfWork


async def record_deal_won(uow: PayrollUnitOfWork, bus: PayrollBus, deal: Deal) -> bool:
    # Under the pay-run lock: a run being computed either sees the deal whole or leaves it to the next run.
    await uow.lock_pay_runs()
    return await uow.deals.record_won(deal)


async def record_deal_cost(uow: PayrollUnitOfWork, bus: PayrollBus, deal_id: uuid.UUID, cost: Decimal,
                           profit: Decimal, revision: int, set_at: datetime) -> bool:
    """A cost corrected after signing changes the deal's profit for the runs computed from now on (a
    draft recomputed, the next period's profit share); a locked run keeps what it paid (P8)."""
    await uow.lock_pay_runs()
    return await uow.deals.record_cost(deal_id, cost, profit, revision, set_at)


async def record_deal_cancelled(uow: PayrollUnitOfWork, bus: PayrollBus, cancellation: DealCancellation) -> bool:
    await uow.lock_pay_runs()
    return await uow.deals.record_cancellation(cancellation)


async def record_refund(uow: PayrollUnitOfWork, bus: PayrollBus, refund: Refund) -> bool:
    await uow.lock_pay_runs()
    return await uow.deals.record_refund(refund)
