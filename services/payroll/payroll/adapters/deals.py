"""Queries of deals, cancellations and refunds (payroll's copy of crm's facts). Never commits."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection as Many
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Row, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.tables import deal_cancellations, deal_costs, deals, refunds
from payroll.domain.deals import Deal, DealCancellation, DepartmentProfit, Refund
from shared.sql import among


class DealRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_won(self, deal: Deal) -> bool:
        """The first DealWon for a deal wins: a signed deal's figures are facts, a redelivery changes nothing."""
        inserted = await self._session.execute(pg_insert(deals).values(
            deal_id=deal.deal_id, rep_id=deal.rep_id, group_id=deal.group_id, department_id=deal.department_id,
            amount=deal.amount, cost=deal.cost, profit=deal.profit, units=deal.units, currency=deal.currency,
            signed_on=deal.signed_on, period=deal.period,
        ).on_conflict_do_nothing().returning(deals.c.deal_id))
        return inserted.first() is not None

    async def record_cost(self, deal_id: uuid.UUID, cost: Decimal, profit: Decimal, revision: int,
                          set_at: datetime) -> bool:
        """Keep the highest revision: an older correction arriving late changes nothing."""
        statement = pg_insert(deal_costs).values(deal_id=deal_id, cost=cost, profit=profit, revision=revision,
                                                 set_at=set_at)
        changed = await self._session.execute(statement.on_conflict_do_update(
            index_elements=[deal_costs.c.deal_id],
            set_={"cost": statement.excluded.cost, "profit": statement.excluded.profit,
                  "revision": statement.excluded.revision, "set_at": statement.excluded.set_at},
            where=deal_costs.c.revision < statement.excluded.revision,
        ).returning(deal_costs.c.deal_id))
        return changed.first() is not None

    async def record_cancellation(self, cancellation: DealCancellation) -> bool:
        inserted = await self._session.execute(pg_insert(deal_cancellations).values(
            deal_id=cancellation.deal_id, rep_id=cancellation.rep_id, group_id=cancellation.group_id,
            department_id=cancellation.department_id, amount=cancellation.amount, units=cancellation.units,
            cancelled_on=cancellation.cancelled_on, period=cancellation.period, reason=cancellation.reason,
            cancelled_by=cancellation.cancelled_by,
        ).on_conflict_do_nothing().returning(deal_cancellations.c.deal_id))
        return inserted.first() is not None

    async def record_refund(self, refund: Refund) -> bool:
        inserted = await self._session.execute(pg_insert(refunds).values(
            refund_id=refund.refund_id, payment_id=refund.payment_id, deal_id=refund.deal_id, rep_id=refund.rep_id,
            group_id=refund.group_id, department_id=refund.department_id, amount=refund.amount,
            currency=refund.currency, refunded_on=refund.refunded_on, period=refund.period, reason=refund.reason,
            recorded_by=refund.recorded_by,
        ).on_conflict_do_nothing().returning(refunds.c.refund_id))
        return inserted.first() is not None

    async def get(self, deal_id: uuid.UUID) -> Deal | None:
        row = (await self._session.execute(_deal_query().where(deals.c.deal_id == deal_id))).first()
        return _deal(row) if row else None

    async def of(self, deal_ids: Many[uuid.UUID]) -> dict[uuid.UUID, Deal]:
        if not deal_ids:
            return {}
        rows = await self._session.execute(_deal_query().where(among(deals.c.deal_id, deal_ids)))
        return {row.deal_id: _deal(row) for row in rows}

    async def signed(self, *, period: str | None = None, periods: tuple[str, str] | None = None,
                     rep_ids: Many[uuid.UUID] | None = None, department_id: uuid.UUID | None = None,
                     include_cancelled: bool = False) -> list[Deal]:
        """Deals signed in ``period`` (or within ``periods``, both ends included), optionally of some reps
        or of a department; cancelled ones only when asked."""
        query = _deal_query().order_by(deals.c.signed_on, deals.c.deal_id)
        if period is not None:
            query = query.where(deals.c.period == period)
        if periods is not None:
            query = query.where(deals.c.period >= periods[0], deals.c.period <= periods[1])
        if rep_ids is not None:
            query = query.where(among(deals.c.rep_id, rep_ids))
        if department_id is not None:
            query = query.where(deals.c.department_id == department_id)
        if not include_cancelled:
            query = query.where(deal_cancellations.c.deal_id.is_(None))
        return [_deal(row) for row in await self._session.execute(query)]

    async def department_profit(self, department_id: uuid.UUID, period: str) -> DepartmentProfit:
        """The profit of the department's deals signed in the period and not cancelled (as payroll knows now)."""
        signed = await self.signed(period=period, department_id=department_id)
        counted = tuple(deal for deal in signed if deal.profit is not None)
        return DepartmentProfit(department_id=department_id, period=period,
                                profit=sum((deal.profit for deal in counted if deal.profit is not None), Decimal(0)),
                                deals=counted, without_profit=tuple(deal for deal in signed if deal.profit is None))

    async def cancelled_in(self, period: str, department_id: uuid.UUID) -> list[tuple[DealCancellation, Deal | None]]:
        """The department's cancellations of the period, each with its deal (None while the deal's own
        event has not reached payroll)."""
        rows = await self._session.execute(
            select(deal_cancellations.c.deal_id).where(deal_cancellations.c.period == period,
                                                       deal_cancellations.c.department_id == department_id))
        ids = [row.deal_id for row in rows]
        found = await self.of(ids)
        return [(cancellation, found.get(cancellation.deal_id)) for cancellation in await self.cancellations(ids)]

    async def cancellations(self, deal_ids: Many[uuid.UUID] | None = None) -> list[DealCancellation]:
        query = select(deal_cancellations).order_by(deal_cancellations.c.cancelled_on, deal_cancellations.c.deal_id)
        if deal_ids is not None:
            query = query.where(among(deal_cancellations.c.deal_id, deal_ids))
        return [_cancellation(row) for row in await self._session.execute(query)]

    async def refunds(self, *, payment_ids: Many[uuid.UUID] | None = None, rep_ids: Many[uuid.UUID] | None = None,
                      deal_ids: Many[uuid.UUID] | None = None) -> list[Refund]:
        query = select(refunds).order_by(refunds.c.refunded_on, refunds.c.refund_id)
        if deal_ids is not None:
            query = query.where(among(refunds.c.deal_id, deal_ids))
        if payment_ids is not None:
            query = query.where(among(refunds.c.payment_id, payment_ids))
        if rep_ids is not None:
            query = query.where(among(refunds.c.rep_id, rep_ids))
        return [_refund(row) for row in await self._session.execute(query)]

    async def refunded(self, payment_ids: Many[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
        """Money given back so far on each payment (only payments with a refund appear)."""
        if not payment_ids:
            return {}
        rows = await self._session.execute(
            select(refunds.c.payment_id, func.sum(refunds.c.amount).label("total"))
            .where(among(refunds.c.payment_id, payment_ids)).group_by(refunds.c.payment_id))
        totals: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
        for row in rows:
            totals[row.payment_id] = row.total
        return dict(totals)


def _deal_query():
    # A corrected cost replaces the one signed with, and the profit with it.
    signed = [column for column in deals.c if column.name not in ("cost", "profit")]
    return (select(*signed, func.coalesce(deal_costs.c.cost, deals.c.cost).label("cost"),
                   func.coalesce(deal_costs.c.profit, deals.c.profit).label("profit"),
                   deal_cancellations.c.cancelled_on, deal_cancellations.c.reason.label("cancel_reason"))
            .outerjoin(deal_cancellations, deal_cancellations.c.deal_id == deals.c.deal_id)
            .outerjoin(deal_costs, deal_costs.c.deal_id == deals.c.deal_id))


def _deal(row: Row) -> Deal:
    return Deal(deal_id=row.deal_id, rep_id=row.rep_id, group_id=row.group_id, department_id=row.department_id,
                amount=row.amount, cost=row.cost, profit=row.profit, units=row.units, signed_on=row.signed_on,
                period=row.period, currency=row.currency, cancelled_on=row.cancelled_on,
                cancel_reason=row.cancel_reason)


def _cancellation(row: Row) -> DealCancellation:
    return DealCancellation(deal_id=row.deal_id, rep_id=row.rep_id, amount=row.amount, units=row.units,
                            cancelled_on=row.cancelled_on, period=row.period, reason=row.reason,
                            cancelled_by=row.cancelled_by, group_id=row.group_id, department_id=row.department_id)


def _refund(row: Row) -> Refund:
    return Refund(refund_id=row.refund_id, payment_id=row.payment_id, deal_id=row.deal_id, rep_id=row.rep_id,
                  amount=row.amount, refunded_on=row.refunded_on, period=row.period, reason=row.reason,
                  recorded_by=row.recorded_by, currency=row.currency, group_id=row.group_id,
                  department_id=row.department_id)
