"""Stored what-ifs, the draft substitutions a what-if makes inside its rolled-back rehearsal, and
payroll-held bank accounts. Like every repository, it never commits."""

from __future__ import annotations

import uuid
from collections.abc import Collection as Many

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.tables import bank_accounts, payslip_disputes, payslips, plan_overrides, what_ifs
from payroll.domain.exports import BankAccount
from payroll.domain.overrides import AMOUNTS, COMMISSION_TERMS, PlanOverride
from payroll.domain.what_if import WhatIf


class WhatIfRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, what_if: WhatIf) -> None:
        await self._session.execute(insert(what_ifs).values(
            id=what_if.id, period=what_if.period, run_id=what_if.run_id, run_status=what_if.run_status,
            asked_by=what_if.asked_by, asked_at=what_if.asked_at, note=what_if.note, draft=what_if.draft,
            result=what_if.result))

    async def get(self, what_if_id: uuid.UUID) -> WhatIf | None:
        row = (await self._session.execute(select(what_ifs).where(what_ifs.c.id == what_if_id))).first()
        return _what_if(row) if row else None

    async def list(self, period: str | None = None) -> list[WhatIf]:
        query = select(what_ifs).order_by(what_ifs.c.asked_at.desc(), what_ifs.c.id)
        if period is not None:
            query = query.where(what_ifs.c.period == period)
        return [_what_if(row) for row in await self._session.execute(query)]

    # --- only inside UnitOfWork.rehearsal(), which rolls all of it back -----------------------------

    async def stage_override(self, override: PlanOverride) -> None:
        """The draft in place of whatever override version starts in the same period (one per period)."""
        await self._session.execute(delete(plan_overrides).where(
            plan_overrides.c.employee_id == override.employee_id,
            plan_overrides.c.effective_from == override.effective_from))
        await self._session.execute(insert(plan_overrides).values(
            employee_id=override.employee_id, version=override.version, effective_from=override.effective_from,
            set_by=override.set_by, **{name: getattr(override, name) for name in AMOUNTS + COMMISSION_TERMS}))

    async def detach_disputes(self, run_id: uuid.UUID) -> None:
        """Recomputing replaces a run's payslips; disputes on a locked run's payslips point at them. A run's own
        disputes are never paid by that run (DisputeRepository.settle), so the rehearsal does not need them."""
        await self._session.execute(delete(payslip_disputes).where(payslip_disputes.c.payslip_id.in_(
            select(payslips.c.id).where(payslips.c.run_id == run_id))))


class BankAccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def put(self, account: BankAccount) -> None:
        values = {"account_holder": account.account_holder, "bank_name": account.bank_name,
                  "account_number": account.account_number, "updated_by": account.updated_by,
                  "updated_at": account.updated_at}
        await self._session.execute(pg_insert(bank_accounts).values(employee_id=account.employee_id, **values)
                                    .on_conflict_do_update(index_elements=[bank_accounts.c.employee_id], set_=values))

    async def of(self, employee_ids: Many[uuid.UUID]) -> dict[uuid.UUID, BankAccount]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(
            select(bank_accounts).where(bank_accounts.c.employee_id.in_(list(employee_ids))))
        return {row.employee_id: _account(row) for row in rows}


def _what_if(row: Row) -> WhatIf:
    return WhatIf(id=row.id, period=row.period, run_id=row.run_id, run_status=row.run_status, asked_by=row.asked_by,
                  asked_at=row.asked_at, draft=row.draft, result=row.result, note=row.note)


def _account(row: Row) -> BankAccount:
    return BankAccount(employee_id=row.employee_id, account_holder=row.account_holder, bank_name=row.bank_name,
                       account_number=row.account_number, updated_by=row.updated_by, updated_at=row.updated_at)
