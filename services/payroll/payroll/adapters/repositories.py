"""Every query of the payroll service. Repositories translate rows to domain objects and back;
they never commit (the unit of work does)."""

from __future__ import annotations

import uuid
from collections.abc import Collection as Many
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Row, and_, delete, exists, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from payroll.adapters.tables import appraisal_results, closed_periods, compensation_plans, pay_runs, payments, payslips
from payroll.domain.commission import Collection
from payroll.domain.completeness import ClosedPeriod
from payroll.domain.lines import PayslipLine
from payroll.domain.money import text as money_text
from payroll.domain.payslip import FinalResult, Payslip
from payroll.domain.plans import PARTS, CompensationPlan
from payroll.domain.roster import Blocker
from payroll.domain.runs import PayRun, PayslipRecord, PendingAdjustment, RunStatus
from shared.clock import first_day, last_day
from shared.directory import DirectoryReader, directory_employees
from shared.scope import DataScope
from shared.sql import among

# Every use case that may compute a run takes this transaction-scoped lock first. The facts a
# run needs (the close, the results, the directory, the plans) arrive in separate transactions;
# without it, the last two to arrive could each miss the other and leave the period waiting.
PAY_RUN_LOCK = 0x7061795F72756E  # "pay_run"


@dataclass(frozen=True)
class Placement:
    """Where the directory puts an employee now."""

    name: str
    role: str
    department_id: uuid.UUID | None
    group_id: uuid.UUID | None
    # First and last day employed, for a month worked in part (proration).
    hired_on: date | None = None
    left_on: date | None = None


@dataclass(frozen=True)
class PayslipScope(DataScope):
    """Which payslips a query may return: a data scope (all, or those of some employees, groups or
    departments), optionally only from locked runs."""

    locked_only: bool = True


async def lock_pay_runs(session: AsyncSession) -> None:
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PAY_RUN_LOCK})


class PlanRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def next_version(self, role: str) -> int:
        latest = (await self._session.execute(
            select(func.max(compensation_plans.c.version)).where(compensation_plans.c.role == role)
        )).scalar()
        return (latest or 0) + 1

    async def add(self, plan: CompensationPlan) -> CompensationPlan:
        row = (await self._session.execute(
            insert(compensation_plans).values(
                role=plan.role, version=plan.version, effective_from=plan.effective_from,
                monthly_base=plan.monthly_base, performance_standard=plan.performance_standard,
                bonus_base=plan.bonus_base, commission_rate=plan.commission_rate, set_by=plan.set_by,
                parts=[part for part in PARTS if part in plan.parts], performance_fixed=plan.performance_fixed,
                commission_plan=plan.commission_plan, annual_bonus_base=plan.annual_bonus_base,
                base_follows_plan_execution=plan.base_follows_plan_execution,
            ).returning(compensation_plans)
        )).one()
        return _plan(row)

    async def all(self, role: str | None = None) -> list[CompensationPlan]:
        query = select(compensation_plans).order_by(
            compensation_plans.c.role, compensation_plans.c.effective_from, compensation_plans.c.version)
        if role is not None:
            query = query.where(compensation_plans.c.role == role)
        return [_plan(row) for row in await self._session.execute(query)]


class AppraisalInputRepository:
    """The close of each period and each employee's frozen result, as appraisal sent them."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        # Results received in this unit of work and not stored yet, in arrival order.
        self._staged: list[tuple[FinalResult, uuid.UUID]] = []

    async def record_close(self, closed: ClosedPeriod) -> bool:
        """Keep the close of the highest revision: a higher one replaces it, a lower or equal one arriving
        late (redelivered, reordered) changes nothing. True if stored."""
        values = dict(period=closed.period, employee_count=closed.employee_count, closed_at=closed.closed_at,
                      closed_by=closed.closed_by, revision=closed.revision)
        upsert = pg_insert(closed_periods).values(**values)
        result = await self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=[closed_periods.c.period],
                set_={key: upsert.excluded[key] for key in values if key != "period"},
                where=upsert.excluded.revision > closed_periods.c.revision,
            ).returning(closed_periods.c.period)
        )
        return result.first() is not None

    def stage_result(self, result: FinalResult, event_id: uuid.UUID) -> None:
        """Keep a result to be stored by :meth:`store_staged_results`, with the others of the unit."""
        self._staged.append((result, event_id))

    async def store_staged_results(self) -> None:
        """Store the staged results together, as storing them one by one in their order would: per
        employee and period the first of the highest revision received, replacing a stored result only
        if its revision is higher (a result of a lower or equal revision arriving late changes nothing)."""
        chosen: dict[tuple[str, uuid.UUID], tuple[FinalResult, uuid.UUID]] = {}
        for result, event_id in self._staged:
            key = (result.period, result.employee_id)
            if key not in chosen or result.revision > chosen[key][0].revision:
                chosen[key] = (result, event_id)
        self._staged = []
        if not chosen:
            return
        rows = [dict(period=result.period, employee_id=result.employee_id, role=result.role, score=result.score,
                     coefficient=result.coefficient, rank=result.rank, flags=list(result.flags), event_id=event_id,
                     revision=result.revision, plan_execution=result.plan_execution)
                for result, event_id in chosen.values()]
        upsert = pg_insert(appraisal_results)
        # One statement executed for many rows (pipelined), compiled once whatever the batch's size.
        await self._session.execute(
            upsert.on_conflict_do_update(
                index_elements=[appraisal_results.c.period, appraisal_results.c.employee_id],
                set_={key: upsert.excluded[key] for key in rows[0] if key not in ("period", "employee_id")},
                where=upsert.excluded.revision > appraisal_results.c.revision,
            ), rows)

    async def closed(self, period: str) -> ClosedPeriod | None:
        row = (await self._session.execute(
            select(closed_periods).where(closed_periods.c.period == period))).first()
        if row is None:
            return None
        return ClosedPeriod(period=row.period, employee_count=row.employee_count, closed_at=row.closed_at,
                            closed_by=row.closed_by, revision=row.revision)

    async def results(self, period: str) -> list[FinalResult]:
        rows = await self._session.execute(
            select(appraisal_results).where(appraisal_results.c.period == period)
            .order_by(appraisal_results.c.employee_id))
        return [FinalResult(period=row.period, employee_id=row.employee_id, role=row.role, score=row.score,
                            coefficient=row.coefficient, rank=row.rank, flags=tuple(row.flags),
                            revision=row.revision, plan_execution=row.plan_execution) for row in rows]

    async def all_results_in(self, period: str) -> bool:
        """Whether the period's close is in with as many results of its revision as it announced:
        what readiness (:func:`payroll.domain.completeness.assess`) requires first, counted without
        reading the results."""
        received = (select(func.count()).select_from(appraisal_results)
                    .where(appraisal_results.c.period == closed_periods.c.period,
                           appraisal_results.c.revision == closed_periods.c.revision)
                    .scalar_subquery())
        complete = (await self._session.execute(
            select(received >= closed_periods.c.employee_count).where(closed_periods.c.period == period))).scalar()
        return bool(complete)

    async def periods_awaiting_run(self) -> list[str]:
        """Periods appraisal closed that have no run yet, oldest first."""
        rows = await self._session.execute(
            select(closed_periods.c.period)
            .outerjoin(pay_runs, pay_runs.c.period == closed_periods.c.period)
            .where(pay_runs.c.id.is_(None)).order_by(closed_periods.c.period))
        return [row.period for row in rows]

    async def closed_periods(self) -> set[str]:
        return {row.period for row in await self._session.execute(select(closed_periods.c.period))}

    async def known_periods(self) -> list[str]:
        rows = await self._session.execute(
            select(closed_periods.c.period).union(select(appraisal_results.c.period.distinct())))
        return sorted({row.period for row in rows}, reverse=True)


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record(self, collection: Collection, currency: str) -> bool:
        inserted = await self._session.execute(
            pg_insert(payments).values(
                payment_id=collection.payment_id, deal_id=collection.deal_id, rep_id=collection.rep_id,
                amount=collection.amount, currency=currency, received_on=collection.received_on,
                period=collection.period,
            ).on_conflict_do_nothing().returning(payments.c.payment_id)
        )
        return inserted.first() is not None

    async def settle_in_period(self, run_id: uuid.UUID, period: str, rep_ids: Many[uuid.UUID]) -> list[Collection]:
        """Claim for ``run_id`` the unsettled payments of its own period. A row claimed by a
        concurrent transaction is re-checked after it commits and skipped, so a payment is paid once."""
        if not rep_ids:
            return []
        rows = await self._session.execute(
            update(payments)
            .where(payments.c.period == period, payments.c.run_id.is_(None), among(payments.c.rep_id, rep_ids))
            .values(run_id=run_id, settled_as="commission")
            .returning(payments)
        )
        return [_collection(row) for row in rows]

    async def release(self, run_id: uuid.UUID) -> None:
        """A draft run being recomputed gives back the payments it settled, to settle them afresh."""
        await self._session.execute(
            update(payments).where(payments.c.run_id == run_id).values(run_id=None, settled_as=None))

    async def settle_late(self, run_id: uuid.UUID, period: str, rep_ids: Many[uuid.UUID]
                          ) -> list[tuple[Collection, uuid.UUID]]:
        """Claim the unsettled payments of other periods that their own run will never pay (P8): a
        period whose run already exists (they missed it), or an earlier period that has no run and
        is not closed in appraisal (a month without a pay run: nothing else would ever pay them).
        An earlier period closed and waiting for its run keeps its payments for that run. Returns
        each with the run it missed, None when its period has none."""
        if not rep_ids:
            return []
        own_run = (select(pay_runs.c.id).where(pay_runs.c.period == payments.c.period)
                   .correlate(payments).scalar_subquery())
        run_of_period = exists().where(pay_runs.c.period == payments.c.period).correlate(payments)
        closed = exists().where(closed_periods.c.period == payments.c.period).correlate(payments)
        rows = await self._session.execute(
            update(payments)
            .where(payments.c.run_id.is_(None), payments.c.period != period, among(payments.c.rep_id, rep_ids),
                   or_(run_of_period, and_(payments.c.period < period, ~closed)))
            .values(run_id=run_id, settled_as="adjustment")
            .returning(*payments.c, own_run.label("missed_run_id"))
        )
        return [(_collection(row), row.missed_run_id) for row in rows]

    async def unsettled(self) -> list[Collection]:
        """Every payment no run has paid yet, oldest first."""
        rows = await self._session.execute(
            select(payments).where(payments.c.run_id.is_(None))
            .order_by(payments.c.period, payments.c.received_on, payments.c.payment_id))
        return [_collection(row) for row in rows]

    async def pending_adjustments(self) -> list[PendingAdjustment]:
        rows = await self._session.execute(
            select(payments, pay_runs.c.id.label("missed_run_id"))
            .join(pay_runs, pay_runs.c.period == payments.c.period)
            .where(payments.c.run_id.is_(None))
            .order_by(payments.c.period, payments.c.received_on, payments.c.payment_id))
        return [PendingAdjustment(payment_id=row.payment_id, deal_id=row.deal_id, rep_id=row.rep_id,
                                  amount=row.amount, received_on=row.received_on, period=row.period,
                                  missed_run_id=row.missed_run_id) for row in rows]


class PayRunRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, run: PayRun) -> None:
        await self._session.execute(insert(pay_runs).values(
            id=run.id, period=run.period, status=run.status.value, payslip_count=run.payslip_count,
            total_gross=run.total_gross, full_score_at=run.full_score_at, computed_at=run.computed_at,
            blockers=[blocker.as_json() for blocker in run.blockers], appraisal_revision=run.appraisal_revision,
            awaiting_revision=run.awaiting_revision,
        ))

    async def add_payslips(self, run: PayRun, slips: Sequence[Payslip], placements: dict[uuid.UUID, Placement]
                           ) -> None:
        if not slips:
            return
        await self._session.execute(insert(payslips), [
            {
                "id": uuid.uuid4(), "run_id": run.id, "period": run.period, "employee_id": slip.employee_id,
                "employee_name": placements[slip.employee_id].name if slip.employee_id in placements else None,
                "role": slip.role,
                "department_id": placements[slip.employee_id].department_id if slip.employee_id in placements
                else None,
                "group_id": placements[slip.employee_id].group_id if slip.employee_id in placements else None,
                "plan_version": slip.plan_version, "score": slip.score, "coefficient": slip.coefficient,
                "override_version": slip.override_version, "gross": slip.gross,
                "lines": [_line_json(line) for line in slip.lines],
            }
            for slip in slips
        ])

    async def get(self, run_id: uuid.UUID, *, for_update: bool = False) -> PayRun | None:
        query = select(pay_runs).where(pay_runs.c.id == run_id)
        if for_update:
            query = query.with_for_update()
        row = (await self._session.execute(query)).first()
        return _run(row) if row else None

    async def for_period(self, period: str) -> PayRun | None:
        row = (await self._session.execute(select(pay_runs).where(pay_runs.c.period == period))).first()
        return _run(row) if row else None

    async def latest_period(self) -> str | None:
        return (await self._session.execute(select(func.max(pay_runs.c.period)))).scalar()

    async def latest_locked_period(self) -> str | None:
        return (await self._session.execute(
            select(func.max(pay_runs.c.period)).where(pay_runs.c.status == RunStatus.LOCKED.value))).scalar()

    async def payslip_employees(self, run_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self._session.execute(select(payslips.c.employee_id).where(payslips.c.run_id == run_id))
        return [row.employee_id for row in rows]

    async def delete_payslips(self, run_id: uuid.UUID) -> None:
        """Only for recomputing a draft: a locked run's payslips are never touched (the caller checks)."""
        await self._session.execute(delete(payslips).where(payslips.c.run_id == run_id))

    async def list(self, status: RunStatus | None = None) -> list[PayRun]:
        query = select(pay_runs).order_by(pay_runs.c.period.desc())
        if status is not None:
            query = query.where(pay_runs.c.status == status.value)
        return [_run(row) for row in await self._session.execute(query)]

    async def save_totals(self, run: PayRun) -> None:
        await self._session.execute(update(pay_runs).where(pay_runs.c.id == run.id).values(
            payslip_count=run.payslip_count, total_gross=run.total_gross, computed_at=run.computed_at,
            blockers=[blocker.as_json() for blocker in run.blockers], appraisal_revision=run.appraisal_revision,
            awaiting_revision=run.awaiting_revision))

    async def save_status(self, run: PayRun) -> None:
        await self._session.execute(update(pay_runs).where(pay_runs.c.id == run.id).values(
            status=run.status.value, approved_by=run.approved_by, approved_at=run.approved_at,
            locked_by=run.locked_by, locked_at=run.locked_at,
        ))

    async def payslip(self, payslip_id: uuid.UUID) -> PayslipRecord | None:
        row = (await self._session.execute(_payslip_query().where(payslips.c.id == payslip_id))).first()
        return _payslip(row) if row else None

    async def payslips(self, scope: PayslipScope, *, run_id: uuid.UUID | None = None, period: str | None = None,
                       employee_id: uuid.UUID | None = None) -> list[PayslipRecord]:
        query = _payslip_query().order_by(payslips.c.period.desc(), payslips.c.employee_name, payslips.c.employee_id)
        if run_id is not None:
            query = query.where(payslips.c.run_id == run_id)
        if period is not None:
            query = query.where(payslips.c.period == period)
        if employee_id is not None:
            query = query.where(payslips.c.employee_id == employee_id)
        if not scope.everything:
            query = query.where(payslips.c.employee_id.in_(list(scope.employee_ids))
                                | payslips.c.group_id.in_(list(scope.group_ids))
                                | payslips.c.department_id.in_(list(scope.department_ids)))
        if scope.locked_only:
            query = query.where(pay_runs.c.status == RunStatus.LOCKED.value)
        return [_payslip(row) for row in await self._session.execute(query)]


class DirectoryRepository(DirectoryReader):
    """The local org directory replica (:mod:`shared.directory`), with where payroll places each employee."""

    async def employed_in(self, period: str) -> dict[uuid.UUID, Placement]:
        """Everyone hired by the period's last day and not left before its first (roster.employed_in)."""
        rows = await self._session.execute(
            select(directory_employees).where(
                directory_employees.c.hired_on.is_not(None), directory_employees.c.hired_on <= last_day(period),
                directory_employees.c.left_on.is_(None) | (directory_employees.c.left_on >= first_day(period))))
        return {row.employee_id: _placement(row) for row in rows}

    async def known(self, employee_id: uuid.UUID) -> bool:
        row = (await self._session.execute(select(directory_employees.c.employee_id).where(
            directory_employees.c.employee_id == employee_id, directory_employees.c.role != "unknown"))).first()
        return row is not None

    async def placements(self, employee_ids: Many[uuid.UUID]) -> dict[uuid.UUID, Placement]:
        # Read from the replica's table: the shared DirectoryEmployee does not carry the hire and leave dates.
        if not employee_ids:
            return {}
        rows = await self._session.execute(
            select(directory_employees).where(among(directory_employees.c.employee_id, employee_ids)))
        return {row.employee_id: _placement(row) for row in rows}


def _placement(row: Row) -> Placement:
    return Placement(name=row.name, role=row.role, department_id=row.department_id, group_id=row.group_id,
                     hired_on=row.hired_on, left_on=row.left_on)


def _payslip_query():
    return select(payslips, pay_runs.c.status.label("run_status")).join(pay_runs, pay_runs.c.id == payslips.c.run_id)


def _line_json(line: PayslipLine) -> dict:
    return {"rule": line.rule, "kind": line.kind, "amount": money_text(line.amount), "formula": line.formula,
            "calculation": line.calculation, "inputs": line.inputs}


def _plan(row: Row) -> CompensationPlan:
    return CompensationPlan(role=row.role, version=row.version, effective_from=row.effective_from,
                            monthly_base=row.monthly_base, performance_standard=row.performance_standard,
                            bonus_base=row.bonus_base, commission_rate=row.commission_rate, set_by=row.set_by,
                            set_at=row.set_at, parts=frozenset(row.parts), performance_fixed=row.performance_fixed,
                            commission_plan=row.commission_plan, annual_bonus_base=row.annual_bonus_base,
                            base_follows_plan_execution=row.base_follows_plan_execution)


def _collection(row: Row) -> Collection:
    return Collection(payment_id=row.payment_id, deal_id=row.deal_id, rep_id=row.rep_id, amount=row.amount,
                      received_on=row.received_on, period=row.period)


def _run(row: Row) -> PayRun:
    return PayRun(id=row.id, period=row.period, status=RunStatus(row.status), payslip_count=row.payslip_count,
                  total_gross=row.total_gross, computed_at=row.computed_at, full_score_at=row.full_score_at,
                  approved_by=row.approved_by, approved_at=row.approved_at, locked_by=row.locked_by,
                  locked_at=row.locked_at, blockers=tuple(Blocker.from_json(value) for value in row.blockers),
                  appraisal_revision=row.appraisal_revision, awaiting_revision=row.awaiting_revision)


def _payslip(row: Row) -> PayslipRecord:
    return PayslipRecord(
        id=row.id, run_id=row.run_id, run_status=RunStatus(row.run_status), period=row.period,
        employee_id=row.employee_id, employee_name=row.employee_name, role=row.role, department_id=row.department_id,
        group_id=row.group_id, plan_version=row.plan_version, score=row.score, coefficient=row.coefficient,
        gross=Decimal(row.gross), lines=row.lines, override_version=row.override_version,
    )
