"""Expense claims and payslip disputes as stored; repositories never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from collections.abc import Collection as Many
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Row, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.tables import expense_claims, payslip_disputes
from payroll.domain.disputes import Dispute, DisputeStatus, Entry
from payroll.domain.expenses import ClaimStatus, ExpenseClaim, Receipt
from payroll.domain.money import text as money_text
from shared.scope import DataScope
from shared.sql import among


@dataclass(frozen=True)
class ClaimFilter:
    status: ClaimStatus | None = None
    employee_id: uuid.UUID | None = None


class ExpenseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_employee(self, employee_id: uuid.UUID) -> None:
        """Serialise approvals of one employee's claims: each reads what the others approved."""
        await self._session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
                                    {"key": f"payroll.expenses:{employee_id}"})

    async def add(self, claim: ExpenseClaim) -> None:
        await self._session.execute(insert(expense_claims).values(**_claim_values(claim)))

    async def save(self, claim: ExpenseClaim) -> None:
        values = _claim_values(claim)
        del values["id"]
        await self._session.execute(update(expense_claims).where(expense_claims.c.id == claim.id).values(**values))

    async def get(self, claim_id: uuid.UUID, *, for_update: bool = False) -> ExpenseClaim | None:
        query = select(expense_claims).where(expense_claims.c.id == claim_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _claim(row) if row else None

    async def list(self, scope: DataScope, where: ClaimFilter) -> list[ExpenseClaim]:
        query = select(expense_claims).order_by(expense_claims.c.incurred_on.desc(), expense_claims.c.submitted_at)
        if where.status is not None:
            query = query.where(expense_claims.c.status == where.status.value)
        if where.employee_id is not None:
            query = query.where(expense_claims.c.employee_id == where.employee_id)
        if not scope.everything:
            query = query.where(or_(expense_claims.c.employee_id.in_(list(scope.employee_ids)),
                                    expense_claims.c.department_id.in_(list(scope.department_ids))))
        return [_claim(row) for row in await self._session.execute(query)]

    async def approved_total(self, employee_id: uuid.UUID, category: str, start: date, end: date, *,
                             excluding: uuid.UUID) -> Decimal:
        """What is already approved for the employee in the category between two dates (inclusive)."""
        total = (await self._session.execute(
            select(func.coalesce(func.sum(expense_claims.c.approved_amount), 0)).where(
                expense_claims.c.employee_id == employee_id, expense_claims.c.category == category,
                expense_claims.c.status == ClaimStatus.APPROVED.value,
                expense_claims.c.incurred_on.between(start, end), expense_claims.c.id != excluding)
        )).scalar_one()
        return Decimal(total).quantize(Decimal("0.01"))

    async def settle(self, run_id: uuid.UUID, period: str, employee_ids: Many[uuid.UUID]) -> list[ExpenseClaim]:
        """Claim for ``run_id`` the approved, unpaid claims of its employees, and those it already
        holds (a recomputed draft). A row taken by a concurrent transaction is re-checked after it
        commits and skipped, so a claim is reimbursed once."""
        if not employee_ids:
            return []
        rows = await self._session.execute(
            update(expense_claims)
            .where(expense_claims.c.status == ClaimStatus.APPROVED.value, expense_claims.c.approved_amount > 0,
                   among(expense_claims.c.employee_id, employee_ids),
                   or_(expense_claims.c.paid_run_id.is_(None), expense_claims.c.paid_run_id == run_id))
            .values(paid_run_id=run_id, paid_period=period)
            .returning(expense_claims))
        return sorted((_claim(row) for row in rows), key=lambda c: (c.incurred_on, c.submitted_at, str(c.id)))

    async def release(self, run_id: uuid.UUID) -> None:
        """For a draft run thrown away rather than recomputed under its id: its claims wait again."""
        await self._session.execute(update(expense_claims).where(expense_claims.c.paid_run_id == run_id)
                                    .values(paid_run_id=None, paid_period=None))


class DisputeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, dispute: Dispute) -> None:
        await self._session.execute(insert(payslip_disputes).values(**_dispute_values(dispute)))

    async def save(self, dispute: Dispute) -> None:
        values = _dispute_values(dispute)
        del values["id"]
        await self._session.execute(
            update(payslip_disputes).where(payslip_disputes.c.id == dispute.id).values(**values))

    async def get(self, dispute_id: uuid.UUID, *, for_update: bool = False) -> Dispute | None:
        query = select(payslip_disputes).where(payslip_disputes.c.id == dispute_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _dispute(row) if row else None

    async def open_on_line(self, payslip_id: uuid.UUID, line_index: int) -> Dispute | None:
        row = (await self._session.execute(select(payslip_disputes).where(
            payslip_disputes.c.payslip_id == payslip_id, payslip_disputes.c.line_index == line_index,
            payslip_disputes.c.status.in_([DisputeStatus.OPEN.value, DisputeStatus.ANSWERED.value])))).first()
        return _dispute(row) if row else None

    async def of_payslip(self, payslip_id: uuid.UUID) -> list[Dispute]:
        rows = await self._session.execute(select(payslip_disputes).where(payslip_disputes.c.payslip_id == payslip_id)
                                           .order_by(payslip_disputes.c.line_index, payslip_disputes.c.opened_at))
        return [_dispute(row) for row in rows]

    async def list(self, status: DisputeStatus | None = None) -> list[Dispute]:
        query = select(payslip_disputes).order_by(payslip_disputes.c.opened_at)
        if status is not None:
            query = query.where(payslip_disputes.c.status == status.value)
        return [_dispute(row) for row in await self._session.execute(query)]

    async def settle(self, run_id: uuid.UUID, period: str, employee_ids: Many[uuid.UUID]) -> list[Dispute]:
        """Claim for ``run_id`` the accepted, unpaid disputes of its employees (as :meth:`ExpenseRepository.settle`)."""
        if not employee_ids:
            return []
        rows = await self._session.execute(
            update(payslip_disputes)
            .where(payslip_disputes.c.status == DisputeStatus.ACCEPTED.value,
                   among(payslip_disputes.c.employee_id, employee_ids), payslip_disputes.c.run_id != run_id,
                   or_(payslip_disputes.c.paid_run_id.is_(None), payslip_disputes.c.paid_run_id == run_id))
            .values(paid_run_id=run_id, paid_period=period)
            .returning(payslip_disputes))
        return sorted((_dispute(row) for row in rows), key=lambda d: (d.opened_at, str(d.id)))

    async def release(self, run_id: uuid.UUID) -> None:
        await self._session.execute(update(payslip_disputes).where(payslip_disputes.c.paid_run_id == run_id)
                                    .values(paid_run_id=None, paid_period=None))


def _claim_values(claim: ExpenseClaim) -> dict:
    return {
        "id": claim.id, "employee_id": claim.employee_id, "department_id": claim.department_id,
        "category": claim.category, "incurred_on": claim.incurred_on, "amount": claim.amount,
        "receipts": [{"amount": money_text(r.amount), "note": r.note} for r in claim.receipts],
        "description": claim.description, "status": claim.status.value, "submitted_at": claim.submitted_at,
        "approved_amount": claim.approved_amount, "refused_amount": claim.refused_amount, "reason": claim.reason,
        "decided_by": claim.decided_by, "decided_at": claim.decided_at, "paid_run_id": claim.paid_run_id,
        "paid_period": claim.paid_period,
    }


def _claim(row: Row) -> ExpenseClaim:
    return ExpenseClaim(
        id=row.id, employee_id=row.employee_id, department_id=row.department_id, category=row.category,
        incurred_on=row.incurred_on, amount=row.amount,
        receipts=tuple(Receipt(amount=Decimal(r["amount"]), note=r["note"]) for r in row.receipts),
        description=row.description, submitted_at=row.submitted_at, status=ClaimStatus(row.status),
        approved_amount=row.approved_amount, refused_amount=row.refused_amount, reason=row.reason,
        decided_by=row.decided_by, decided_at=row.decided_at, paid_run_id=row.paid_run_id,
        paid_period=row.paid_period)


def _dispute_values(dispute: Dispute) -> dict:
    return {
        "id": dispute.id, "payslip_id": dispute.payslip_id, "line_index": dispute.line_index,
        "employee_id": dispute.employee_id, "run_id": dispute.run_id, "period": dispute.period,
        "line_rule": dispute.line_rule, "line_amount": dispute.line_amount, "status": dispute.status.value,
        "opened_at": dispute.opened_at, "resolution_amount": dispute.resolution_amount,
        "paid_run_id": dispute.paid_run_id, "paid_period": dispute.paid_period,
        "history": [{"at": e.at.isoformat(), "by": str(e.by), "author": e.author, "kind": e.kind, "text": e.text,
                     "status": e.status.value, "amount": money_text(e.amount) if e.amount is not None else None}
                    for e in dispute.history],
    }


def _dispute(row: Row) -> Dispute:
    return Dispute(
        id=row.id, payslip_id=row.payslip_id, line_index=row.line_index, employee_id=row.employee_id,
        run_id=row.run_id, period=row.period, line_rule=row.line_rule, line_amount=row.line_amount,
        status=DisputeStatus(row.status), opened_at=row.opened_at, resolution_amount=row.resolution_amount,
        paid_run_id=row.paid_run_id, paid_period=row.paid_period,
        history=[Entry(at=datetime.fromisoformat(e["at"]), by=uuid.UUID(e["by"]), author=e["author"], kind=e["kind"],
                       text=e["text"], status=DisputeStatus(e["status"]),
                       amount=Decimal(e["amount"]) if e["amount"] is not None else None)
                 for e in row.history],
    )
