"""Queries of commission plans and of the commission ledger: accruals, clawbacks, carried balances,
deals claimed on signing, refunds and cancellations claimed by a run. Never commits."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection as Many
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.deals import _cancellation, _deal, _refund
from payroll.adapters.tables import (
    commission_accruals,
    commission_balances,
    commission_clawbacks,
    commission_plans,
    deal_cancellations,
    deals,
    expense_claims,
    pay_runs,
    payments,
    refunds,
)
from payroll.domain.clawbacks import Accrual, Reversal
from payroll.domain.commission_plans import CommissionPlan, definition_of, from_definition
from payroll.domain.deals import Deal, DealCancellation, Refund
from payroll.domain.expenses import ClaimStatus
from shared.sql import among, insert_all

ZERO = Decimal(0)
ACCRUAL_NAMESPACE = uuid.UUID("5b0c3f0e-4a5d-4c36-9a43-6d8e3c1a0c01")


def accrual_id(run_id: uuid.UUID, employee_id: uuid.UUID, source_id: uuid.UUID) -> uuid.UUID:
    """Derived, so that recomputing a draft run writes the same accrual ids (see the table's comment)."""
    return uuid.uuid5(ACCRUAL_NAMESPACE, f"{run_id}/{employee_id}/{source_id}")


class CommissionPlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def next_version(self, key: str) -> int:
        latest = (await self._session.execute(
            select(func.max(commission_plans.c.version)).where(commission_plans.c.key == key))).scalar()
        return (latest or 0) + 1

    async def add(self, plan: CommissionPlan) -> CommissionPlan:
        row = (await self._session.execute(insert(commission_plans).values(
            key=plan.key, version=plan.version, effective_from=plan.effective_from, definition=definition_of(plan),
            description=plan.description, set_by=plan.set_by,
        ).returning(commission_plans))).one()
        return _plan(row)

    async def all(self, key: str | None = None) -> list[CommissionPlan]:
        query = select(commission_plans).order_by(commission_plans.c.key, commission_plans.c.effective_from,
                                                  commission_plans.c.version)
        if key is not None:
            query = query.where(commission_plans.c.key == key)
        return [_plan(row) for row in await self._session.execute(query)]


class CommissionLedgerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def settle_signed_deals(self, run_id: uuid.UUID, period: str, since: Mapping[uuid.UUID, str]) -> list[Deal]:
        """Claim for the run the deals of each rep (``since``: rep → the first period of their signing plan)
        signed in its period, or in an earlier period from ``since`` on whose run was computed before payroll
        knew the deal (late); deals from before the plan applied are not its to pay. Cancelled deals are
        never claimed."""
        if not since:
            return []
        had_run = select(pay_runs.c.period).where(pay_runs.c.period == deals.c.period).exists()
        cancelled = select(deal_cancellations.c.deal_id).where(deal_cancellations.c.deal_id == deals.c.deal_id).exists()
        late = or_(*(and_(deals.c.rep_id == rep_id, deals.c.period >= first) for rep_id, first in since.items()))
        claimed = await self._session.execute(
            update(deals).where(deals.c.run_id.is_(None), among(deals.c.rep_id, since), ~cancelled,
                                or_(deals.c.period == period, and_(deals.c.period < period, had_run, late)))
            .values(run_id=run_id).returning(deals.c.deal_id))
        ids = [row.deal_id for row in claimed]
        if not ids:
            return []
        rows = await self._session.execute(
            select(deals, deal_cancellations.c.cancelled_on, deal_cancellations.c.reason.label("cancel_reason"))
            .outerjoin(deal_cancellations, deal_cancellations.c.deal_id == deals.c.deal_id)
            .where(among(deals.c.deal_id, ids)).order_by(deals.c.signed_on, deals.c.deal_id))
        return [_deal(row) for row in rows]

    async def unsettle_payments(self, run_id: uuid.UUID, payment_ids: Many[uuid.UUID]) -> None:
        """Give back payments the run claimed but cannot pay yet (their deal unknown to payroll)."""
        if payment_ids:
            await self._session.execute(update(payments).where(payments.c.run_id == run_id,
                                                               among(payments.c.payment_id, payment_ids))
                                        .values(run_id=None, settled_as=None))

    async def settle_refunds(self, run_id: uuid.UUID, rep_ids: Many[uuid.UUID]) -> list[Refund]:
        if not rep_ids:
            return []
        rows = await self._session.execute(
            update(refunds).where(refunds.c.settled_run_id.is_(None), among(refunds.c.rep_id, rep_ids))
            .values(settled_run_id=run_id).returning(refunds))
        return [_refund(row) for row in rows]

    async def settle_cancellations(self, run_id: uuid.UUID, rep_ids: Many[uuid.UUID]) -> list[DealCancellation]:
        if not rep_ids:
            return []
        rows = await self._session.execute(
            update(deal_cancellations)
            .where(deal_cancellations.c.settled_run_id.is_(None), among(deal_cancellations.c.rep_id, rep_ids))
            .values(settled_run_id=run_id).returning(deal_cancellations))
        return [_cancellation(row) for row in rows]

    async def accruals(self, *, payment_ids: Many[uuid.UUID], deal_ids: Many[uuid.UUID], other_than: uuid.UUID
                       ) -> list[Accrual]:
        """Accruals of other runs on these payments or deals, each with what other runs reversed of it."""
        if not payment_ids and not deal_ids:
            return []
        reversed_ = (select(commission_clawbacks.c.accrual_id, func.sum(commission_clawbacks.c.amount).label("total"))
                     .where(commission_clawbacks.c.run_id != other_than)
                     .group_by(commission_clawbacks.c.accrual_id).subquery())
        rows = await self._session.execute(
            select(commission_accruals, func.coalesce(reversed_.c.total, 0).label("reversed"))
            .outerjoin(reversed_, reversed_.c.accrual_id == commission_accruals.c.id)
            .where(commission_accruals.c.run_id != other_than,
                   or_(among(commission_accruals.c.source_id, payment_ids),
                       among(commission_accruals.c.deal_id, deal_ids)))
            .order_by(commission_accruals.c.period, commission_accruals.c.id))
        return [_accrual(row) for row in rows]

    async def refunded_unreversed(self, payment_ids: Many[uuid.UUID], run_id: uuid.UUID) -> dict[uuid.UUID, Decimal]:
        """Money refunded on each payment by refunds that reversed nothing on a run other than ``run_id``."""
        if not payment_ids:
            return {}
        reversed_elsewhere = (select(commission_clawbacks.c.id)
                              .where(commission_clawbacks.c.cause == "refund",
                                     commission_clawbacks.c.cause_id == refunds.c.refund_id,
                                     commission_clawbacks.c.run_id != run_id).exists())
        rows = await self._session.execute(
            select(refunds.c.payment_id, func.sum(refunds.c.amount).label("total"))
            .where(among(refunds.c.payment_id, payment_ids), ~reversed_elsewhere).group_by(refunds.c.payment_id))
        return {row.payment_id: row.total for row in rows}

    async def add_accruals(self, accruals: Sequence[Accrual]) -> None:
        if accruals:
            await self._session.execute(insert_all(commission_accruals, [
                {"id": a.id, "run_id": a.run_id, "employee_id": a.employee_id, "period": a.period, "kind": a.kind,
                 "source_id": a.source_id, "deal_id": a.deal_id, "money": a.money, "earned": a.earned, "plan": a.plan}
                for a in accruals]))

    async def add_clawbacks(self, run_id: uuid.UUID, reversals: Sequence[Reversal]) -> None:
        if reversals:
            await self._session.execute(insert(commission_clawbacks), [
                {"id": uuid.uuid4(), "run_id": run_id, "employee_id": r.accrual.employee_id,
                 "accrual_id": r.accrual.id, "cause": r.cause, "cause_id": r.cause_id, "amount": r.amount}
                for r in reversals])

    async def owed_before(self, run_id: uuid.UUID, employee_ids: Many[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(
            select(commission_balances.c.employee_id,
                   func.sum(commission_balances.c.carried - commission_balances.c.brought).label("owed"))
            .where(commission_balances.c.run_id != run_id, among(commission_balances.c.employee_id, employee_ids))
            .group_by(commission_balances.c.employee_id))
        return {row.employee_id: row.owed for row in rows if row.owed}

    async def add_balances(self, run_id: uuid.UUID, balances: Iterable[tuple[uuid.UUID, Decimal, Decimal]]) -> None:
        values = [{"run_id": run_id, "employee_id": employee_id, "brought": brought, "carried": carried}
                  for employee_id, brought, carried in balances if brought or carried]
        if values:
            await self._session.execute(insert(commission_balances), values)

    async def sales_expenses(self, employee_ids: Many[uuid.UUID], start: date, end: date, categories: Sequence[str]
                             ) -> dict[uuid.UUID, dict[uuid.UUID, Decimal]]:
        """Approved claims of the sales-expense categories incurred within [start, end], per employee."""
        if not employee_ids or not categories:
            return {}
        rows = await self._session.execute(
            select(expense_claims.c.id, expense_claims.c.employee_id, expense_claims.c.approved_amount)
            .where(among(expense_claims.c.employee_id, employee_ids),
                   expense_claims.c.status == ClaimStatus.APPROVED.value, expense_claims.c.approved_amount > 0,
                   expense_claims.c.category.in_(list(categories)),
                   expense_claims.c.incurred_on >= start, expense_claims.c.incurred_on <= end))
        out: dict[uuid.UUID, dict[uuid.UUID, Decimal]] = defaultdict(dict)
        for row in rows:
            out[row.employee_id][row.id] = row.approved_amount
        return dict(out)

    async def release(self, run_id: uuid.UUID) -> None:
        """A draft run being recomputed gives back its accruals, clawbacks, balances and claims."""
        for table in (commission_accruals, commission_clawbacks, commission_balances):
            await self._session.execute(delete(table).where(table.c.run_id == run_id))
        await self._session.execute(update(deals).where(deals.c.run_id == run_id).values(run_id=None))
        await self._session.execute(
            update(refunds).where(refunds.c.settled_run_id == run_id).values(settled_run_id=None))
        await self._session.execute(update(deal_cancellations).where(deal_cancellations.c.settled_run_id == run_id)
                                    .values(settled_run_id=None))


def _plan(row: Row) -> CommissionPlan:
    return from_definition(row.key, row.version, row.effective_from, row.definition, description=row.description,
                           set_by=row.set_by, set_at=row.set_at)


def _accrual(row: Row) -> Accrual:
    return Accrual(id=row.id, run_id=row.run_id, period=row.period, employee_id=row.employee_id, kind=row.kind,
                   source_id=row.source_id, deal_id=row.deal_id, money=row.money, earned=row.earned, plan=row.plan,
                   reversed=Decimal(row.reversed))

