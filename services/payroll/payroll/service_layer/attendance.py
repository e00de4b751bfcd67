"""Attendance as a pay run reads it (P6, proration, P8): the calendar of the period's year, each
employee's classified days, and the corrections of periods already paid, claimed by this run so
that no correction is paid twice. Called by :mod:`payroll.service_layer.pay_runs` under the pay-run
lock, which the attendance consumer takes too: a day changed while a run is computed is either in
the run or left for the next one, never lost between them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection as Many
from dataclasses import dataclass, field
from datetime import date

from payroll.domain.attendance import AttendanceCorrection, AttendanceDay
from payroll.service_layer.unit_of_work import PayrollUnitOfWork


@dataclass(frozen=True)
class AttendanceInputs:
    working_days: list[date]  # of the run's month, on the company's calendar
    days: dict[uuid.UUID, list[AttendanceDay]] = field(default_factory=dict)
    corrections: dict[uuid.UUID, list[AttendanceCorrection]] = field(default_factory=dict)


async def settle_attendance(uow: PayrollUnitOfWork, run_id: uuid.UUID, period: str,
                            employee_ids: Many[uuid.UUID]) -> AttendanceInputs:
    calendars = await uow.attendance.calendars({int(period[:4])})
    days = await uow.attendance.days(period, employee_ids)
    await uow.attendance.settle_period(run_id, period, employee_ids)
    corrections: dict[uuid.UUID, list[AttendanceCorrection]] = defaultdict(list)
    for paid in await uow.attendance.claim_corrections(run_id, period, employee_ids):
        current = (await uow.attendance.days(paid.period, [paid.employee_id])).get(paid.employee_id, [])
        corrections[paid.employee_id].append(AttendanceCorrection(
            period=paid.period, run_id=paid.run_id, basis=paid.basis, days=current, changed=paid.changed,
            paid_so_far=paid.paid_so_far))
    return AttendanceInputs(working_days=calendars.working_days_of_month(period), days=days,
                            corrections=dict(corrections))
