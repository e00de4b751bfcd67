"""Annual appraisal results and what each run did about the annual bonus (payroll.domain.annual)."""

from __future__ import annotations

import uuid
from collections.abc import Collection as Many
from datetime import datetime

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.tables import annual_bonus_settlements, annual_results, pay_runs
from payroll.domain.annual import AnnualResult, Owed, Paid
from shared.directory import directory_employees
from shared.scope import DataScope

PAID, OWED = "paid", "owed"


class AnnualResultRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, result: AnnualResult, event_id: uuid.UUID) -> bool:
        """Keep the highest revision: a lower or equal one arriving late (redelivered, reordered) changes
        nothing. True if stored."""
        values = dict(year=result.year, employee_id=result.employee_id, score=result.score,
                      coefficient=result.coefficient, months_scored=list(result.months_scored),
                      months_missing=list(result.months_missing), missing_months_rule=result.missing_months_rule,
                      revision=result.revision, computed_at=result.computed_at, event_id=event_id)
        upsert = pg_insert(annual_results).values(**values)
        stored = await self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=[annual_results.c.year, annual_results.c.employee_id],
                set_={key: upsert.excluded[key] for key in values if key not in ("year", "employee_id")},
                where=upsert.excluded.revision > annual_results.c.revision,
            ).returning(annual_results.c.employee_id))
        return stored.first() is not None

    async def of(self, employee_ids: Many[uuid.UUID]) -> dict[tuple[int, uuid.UUID], AnnualResult]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(
            select(annual_results).where(annual_results.c.employee_id.in_(list(employee_ids))))
        return {(row.year, row.employee_id): _result(row) for row in rows}

    async def of_year(self, year: int, scope: DataScope) -> list[AnnualResult]:
        """The year's results the scope sees, with where the directory places each person now."""
        query = (select(annual_results, directory_employees.c.name, directory_employees.c.department_id,
                        directory_employees.c.group_id)
                 .outerjoin(directory_employees, directory_employees.c.employee_id == annual_results.c.employee_id)
                 .where(annual_results.c.year == year)
                 .order_by(directory_employees.c.name, annual_results.c.employee_id))
        if not scope.everything:
            query = query.where(annual_results.c.employee_id.in_(list(scope.employee_ids))
                                | directory_employees.c.group_id.in_(list(scope.group_ids))
                                | directory_employees.c.department_id.in_(list(scope.department_ids)))
        return [_result(row, name=row.name, department_id=row.department_id)
                for row in await self._session.execute(query)]


class AnnualBonusLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def paid(self, employee_ids: Many[uuid.UUID], *, excluding_run: uuid.UUID
                   ) -> dict[tuple[int, uuid.UUID], Paid]:
        """Per year and person, what other runs paid: the sum, and the base and revision of the latest."""
        if not employee_ids:
            return {}
        rows = await self._session.execute(
            select(annual_bonus_settlements).where(
                annual_bonus_settlements.c.employee_id.in_(list(employee_ids)),
                annual_bonus_settlements.c.status == PAID, annual_bonus_settlements.c.run_id != excluding_run)
            .order_by(annual_bonus_settlements.c.revision, annual_bonus_settlements.c.created_at))
        paid: dict[tuple[int, uuid.UUID], Paid] = {}
        for row in rows:
            key = (row.year, row.employee_id)
            before = paid.get(key)
            paid[key] = Paid(year=row.year, employee_id=row.employee_id, annual_bonus_base=row.annual_bonus_base,
                             plan_version=row.plan_version, revision=row.revision,
                             amount=row.amount + (before.amount if before else 0))
        return paid

    async def owed(self, employee_ids: Many[uuid.UUID] | None = None, *, excluding_run: uuid.UUID | None = None
                   ) -> list[Owed]:
        """Annual bonuses a run owed and no run has paid since, oldest year first."""
        settled = annual_bonus_settlements.alias("settled")
        query = (select(annual_bonus_settlements, pay_runs.c.period)
                 .join(pay_runs, pay_runs.c.id == annual_bonus_settlements.c.run_id)
                 .where(annual_bonus_settlements.c.status == OWED,
                        ~select(settled.c.run_id).where(
                            settled.c.year == annual_bonus_settlements.c.year,
                            settled.c.employee_id == annual_bonus_settlements.c.employee_id,
                            settled.c.status == PAID,
                            *([settled.c.run_id != excluding_run] if excluding_run else [])).exists())
                 .order_by(annual_bonus_settlements.c.year, annual_bonus_settlements.c.employee_id))
        if employee_ids is not None:
            query = query.where(annual_bonus_settlements.c.employee_id.in_(list(employee_ids)))
        if excluding_run is not None:
            query = query.where(annual_bonus_settlements.c.run_id != excluding_run)
        return [_owed(row) for row in await self._session.execute(query)]

    async def of_run(self, run_id: uuid.UUID) -> list[Row]:
        rows = await self._session.execute(
            select(annual_bonus_settlements, pay_runs.c.period)
            .join(pay_runs, pay_runs.c.id == annual_bonus_settlements.c.run_id)
            .where(annual_bonus_settlements.c.run_id == run_id)
            .order_by(annual_bonus_settlements.c.year, annual_bonus_settlements.c.employee_id))
        return list(rows)

    async def add_paid(self, run_id: uuid.UUID, paid: list[Paid], at: datetime) -> None:
        if paid:
            await self._session.execute(insert(annual_bonus_settlements), [
                dict(year=each.year, employee_id=each.employee_id, run_id=run_id, status=PAID,
                     annual_bonus_base=each.annual_bonus_base, plan_version=each.plan_version,
                     revision=each.revision, amount=each.amount, created_at=at) for each in paid])

    async def add_owed(self, owed: list[Owed], at: datetime) -> None:
        if owed:
            await self._session.execute(insert(annual_bonus_settlements), [
                dict(year=each.year, employee_id=each.employee_id, run_id=each.run_id, status=OWED,
                     annual_bonus_base=each.annual_bonus_base, plan_version=each.plan_version, reason=each.reason,
                     created_at=at) for each in owed])

    async def release(self, run_id: uuid.UUID) -> None:
        """A draft run recomputed: it decides afresh what it pays and owes."""
        await self._session.execute(delete(annual_bonus_settlements).where(
            annual_bonus_settlements.c.run_id == run_id))


def _result(row: Row, *, name: str | None = None, department_id: uuid.UUID | None = None) -> AnnualResult:
    return AnnualResult(year=row.year, employee_id=row.employee_id, score=row.score, coefficient=row.coefficient,
                        months_scored=tuple(row.months_scored), months_missing=tuple(row.months_missing),
                        missing_months_rule=row.missing_months_rule, revision=row.revision,
                        computed_at=row.computed_at, employee_name=name, department_id=department_id)


def _owed(row: Row) -> Owed:
    return Owed(year=row.year, employee_id=row.employee_id, run_id=row.run_id, period=row.period,
                annual_bonus_base=row.annual_bonus_base, plan_version=row.plan_version, reason=row.reason or "")
