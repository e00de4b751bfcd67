"""Repositories of the A8 reports: daily logs, monthly reports, decisions on plans and reports,
spot checks, and the employment dates the missing submissions are counted between."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from appraisal.adapters.report_tables import daily_logs, monthly_reports, spot_checks, submission_decisions
from appraisal.adapters.tables import weekly_plans, weekly_reports
from appraisal.domain.reports import DailyLog, Decision, MonthlyReport, SpotCheck
from shared.directory import directory_employees
from shared.sql import among


class ReportRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- daily logs ---

    async def log(self, employee_id: uuid.UUID, day: date, *, lock: bool = False) -> DailyLog | None:
        query = select(daily_logs).where(daily_logs.c.employee_id == employee_id, daily_logs.c.day == day)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return _log(row) if row is not None else None

    async def save_log(self, log: DailyLog) -> None:
        values = {"work_done": log.work_done, "customers_contacted": list(log.customers_contacted),
                  "visits": log.visits, "problems": log.problems, "updated_at": log.updated_at}
        insert = pg_insert(daily_logs).values(employee_id=log.employee_id, day=log.day, submitted_at=log.submitted_at,
                                              late=log.late, **values)
        # The first writer's submitted_at and lateness stand; an edit changes the content only.
        await self._session.execute(insert.on_conflict_do_update(index_elements=["employee_id", "day"], set_=values))

    async def logs_between(self, employee_ids: Collection[uuid.UUID], first: date, last: date
                           ) -> dict[uuid.UUID, dict[date, DailyLog]]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(select(daily_logs).where(
            daily_logs.c.employee_id.in_(list(employee_ids)), daily_logs.c.day >= first, daily_logs.c.day <= last)
            .order_by(daily_logs.c.day))
        found: dict[uuid.UUID, dict[date, DailyLog]] = {}
        for row in rows:
            found.setdefault(row.employee_id, {})[row.day] = _log(row)
        return found

    # --- weekly plans and reports (read for lateness) ---

    async def weekly_between(self, employee_ids: Collection[uuid.UUID], weeks: Collection[str]
                             ) -> tuple[dict[tuple[uuid.UUID, str], tuple[str, bool]],
                                        dict[tuple[uuid.UUID, str], bool]]:
        """Per (employee, week): the plan's status and lateness, and the report's lateness."""
        if not employee_ids or not weeks:
            return {}, {}
        ids, names = list(employee_ids), list(weeks)
        plans = await self._session.execute(
            select(weekly_plans.c.employee_id, weekly_plans.c.week, weekly_plans.c.status, weekly_plans.c.late)
            .where(weekly_plans.c.employee_id.in_(ids), weekly_plans.c.week.in_(names)))
        reports = await self._session.execute(
            select(weekly_reports.c.employee_id, weekly_reports.c.week, weekly_reports.c.late)
            .where(weekly_reports.c.employee_id.in_(ids), weekly_reports.c.week.in_(names)))
        return ({(row.employee_id, row.week): (row.status, row.late) for row in plans},
                {(row.employee_id, row.week): row.late for row in reports})

    async def has_weekly_report(self, employee_id: uuid.UUID, week: str) -> bool:
        row = (await self._session.execute(select(weekly_reports.c.week).where(
            weekly_reports.c.employee_id == employee_id, weekly_reports.c.week == week))).first()
        return row is not None

    # --- monthly reports ---

    async def monthly(self, employee_id: uuid.UUID, period: str, *, lock: bool = False) -> MonthlyReport | None:
        query = select(monthly_reports).where(monthly_reports.c.employee_id == employee_id,
                                              monthly_reports.c.period == period)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return _monthly(row) if row is not None else None

    async def monthly_of(self, employee_ids: Collection[uuid.UUID], period: str) -> dict[uuid.UUID, MonthlyReport]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(select(monthly_reports).where(
            monthly_reports.c.employee_id.in_(list(employee_ids)), monthly_reports.c.period == period))
        return {row.employee_id: _monthly(row) for row in rows}

    async def save_monthly(self, report: MonthlyReport) -> None:
        values = {"fields": dict(report.fields), "prefilled": {k: str(v) for k, v in report.prefilled.items()},
                  "status": report.status, "submitted_at": report.submitted_at, "decided_by": report.decided_by,
                  "decided_at": report.decided_at, "decision_note": report.decision_note}
        insert = pg_insert(monthly_reports).values(
            employee_id=report.employee_id, period=report.period, first_submitted_at=report.first_submitted_at,
            late=report.late, **values)
        await self._session.execute(insert.on_conflict_do_update(index_elements=["employee_id", "period"],
                                                                 set_=values))

    # --- decisions ---

    async def add_decision(self, decision: Decision) -> None:
        await self._session.execute(pg_insert(submission_decisions).values(
            id=uuid.uuid4(), kind=decision.kind, employee_id=decision.employee_id, ref=decision.ref,
            decision=decision.decision, decided_by=decision.decided_by, decided_at=decision.decided_at))

    async def decisions(self, employee_id: uuid.UUID, kind: str, refs: Collection[str]) -> list[Decision]:
        if not refs:
            return []
        rows = await self._session.execute(select(submission_decisions).where(
            submission_decisions.c.employee_id == employee_id, submission_decisions.c.kind == kind,
            submission_decisions.c.ref.in_(list(refs))).order_by(submission_decisions.c.decided_at))
        return [Decision(kind=row.kind, employee_id=row.employee_id, ref=row.ref, decision=row.decision,
                         decided_by=row.decided_by, decided_at=row.decided_at) for row in rows]

    async def decisions_of(self, employee_ids: Collection[uuid.UUID], kinds_refs: Collection[tuple[str, str]]
                           ) -> dict[uuid.UUID, list[Decision]]:
        """``decisions`` for many employees and (kind, ref) pairs in one statement: a month rescored
        for a whole company (service_layer.score_batches)."""
        if not employee_ids or not kinds_refs:
            return {}
        c = submission_decisions.c
        rows = await self._session.execute(select(submission_decisions).where(
            among(c.employee_id, employee_ids), tuple_(c.kind, c.ref).in_(list(kinds_refs)))
            .order_by(c.decided_at))
        found: dict[uuid.UUID, list[Decision]] = {}
        for row in rows:
            found.setdefault(row.employee_id, []).append(Decision(
                kind=row.kind, employee_id=row.employee_id, ref=row.ref, decision=row.decision,
                decided_by=row.decided_by, decided_at=row.decided_at))
        return found

    # --- spot checks ---

    async def add_spot_check(self, check: SpotCheck) -> None:
        await self._session.execute(pg_insert(spot_checks).values(
            id=check.id, employee_id=check.employee_id, period=check.period, subject=check.subject, ref=check.ref,
            item=check.item, result=check.result, note=check.note, checked_by=check.checked_by,
            checked_at=check.checked_at))

    async def spot_checks(self, employee_id: uuid.UUID, period: str) -> list[SpotCheck]:
        rows = await self._session.execute(select(spot_checks).where(
            spot_checks.c.employee_id == employee_id, spot_checks.c.period == period)
            .order_by(spot_checks.c.checked_at, spot_checks.c.id))
        return [_spot_check(row) for row in rows]

    async def spot_checks_of(self, employee_ids: Collection[uuid.UUID], period: str
                             ) -> dict[uuid.UUID, list[SpotCheck]]:
        if not employee_ids:
            return {}
        rows = await self._session.execute(select(spot_checks).where(
            among(spot_checks.c.employee_id, employee_ids), spot_checks.c.period == period)
            .order_by(spot_checks.c.checked_at, spot_checks.c.id))
        found: dict[uuid.UUID, list[SpotCheck]] = {}
        for row in rows:
            found.setdefault(row.employee_id, []).append(_spot_check(row))
        return found

    # --- employment ---

    async def employment(self, employee_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, tuple[date | None, date | None]]:
        """Per employee: hired on, left on (None: unknown / still employed)."""
        if not employee_ids:
            return {}
        c = directory_employees.c
        rows = await self._session.execute(select(c.employee_id, c.hired_on, c.left_on, c.status)
                                           .where(c.employee_id.in_(list(employee_ids))))
        return {row.employee_id: (row.hired_on, row.left_on if row.status == "left" else None) for row in rows}


def _spot_check(row: Any) -> SpotCheck:
    return SpotCheck(id=row.id, employee_id=row.employee_id, period=row.period, subject=row.subject, ref=row.ref,
                     item=row.item, result=row.result, note=row.note, checked_by=row.checked_by,
                     checked_at=row.checked_at)


def _log(row: Any) -> DailyLog:
    return DailyLog(employee_id=row.employee_id, day=row.day, work_done=row.work_done,
                    customers_contacted=tuple(row.customers_contacted), visits=row.visits, problems=row.problems,
                    submitted_at=row.submitted_at, updated_at=row.updated_at, late=row.late)


def _monthly(row: Any) -> MonthlyReport:
    return MonthlyReport(employee_id=row.employee_id, period=row.period, fields=row.fields,
                         prefilled={k: Decimal(v) for k, v in row.prefilled.items()}, status=row.status,
                         first_submitted_at=row.first_submitted_at, submitted_at=row.submitted_at, late=row.late,
                         decided_by=row.decided_by, decided_at=row.decided_at, decision_note=row.decision_note)
