"""Pay runs (P8): one per closed period, computed from its appraisal results, approved and locked."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from payroll.domain.runs import RunStatus
from payroll.entrypoints.api.deps import BusDep, PayrollOfficer
from payroll.entrypoints.api.schemas import (
    AttendanceDayRead,
    PayslipRead,
    PendingAdjustmentRead,
    PendingAttendanceCorrectionRead,
    PendingRevisionAdjustmentRead,
    Period,
    PeriodStatusRead,
    RunRead,
)
from payroll.service_layer import commands, views

router = APIRouter(tags=["runs"])


@router.get("/runs")
async def list_runs(bus: BusDep, user: PayrollOfficer, status: RunStatus | None = None) -> list[RunRead]:
    """List pay runs, newest period first."""
    return [RunRead.model_validate(run) for run in await views.runs(bus, status)]


@router.get("/runs/{run_id}")
async def get_run(run_id: uuid.UUID, bus: BusDep, user: PayrollOfficer) -> RunRead:
    """Read one pay run with its totals and approval state."""
    return RunRead.model_validate(await views.run(bus, run_id))


@router.get("/runs/{run_id}/payslips")
async def run_payslips(run_id: uuid.UUID, bus: BusDep, user: PayrollOfficer) -> list[PayslipRead]:
    """Every payslip of a run, each line with its rule, formula and inputs."""
    return [PayslipRead.from_record(slip) for slip in await views.run_payslips(bus, run_id)]


@router.post("/runs/{run_id}/recompute")
async def recompute_run(run_id: uuid.UUID, bus: BusDep, user: PayrollOfficer) -> RunRead:
    """Compute a draft run again from the plans and inputs as they now stand (withdrawing any approval);
    a locked run answers 409."""
    return RunRead.model_validate(await bus.handle(commands.RecomputeRun(run_id=run_id, by=user.employee_id)))


@router.post("/runs/{run_id}/approve")
async def approve_run(run_id: uuid.UUID, bus: BusDep, user: PayrollOfficer) -> RunRead:
    """Approve a computed run after review; a run with blockers, one awaiting revised appraisal results, or a
    locked one answers 409."""
    return RunRead.model_validate(await bus.handle(commands.ApproveRun(run_id=run_id, by=user.employee_id)))


@router.post("/runs/{run_id}/lock")
async def lock_run(run_id: uuid.UUID, bus: BusDep, user: PayrollOfficer) -> RunRead:
    """Lock an approved run; the approver may not lock it (four eyes, 409). It never changes again."""
    return RunRead.model_validate(await bus.handle(commands.LockRun(run_id=run_id, by=user.employee_id)))


@router.get("/periods/{period}")
async def period_status(period: Period, bus: BusDep, user: PayrollOfficer) -> PeriodStatusRead:
    """What a period's run is waiting for (results, roles, plans), or the run it has."""
    return PeriodStatusRead.from_view(await views.period_status(bus, period))


@router.get("/adjustments/pending")
async def pending_adjustments(bus: BusDep, user: PayrollOfficer) -> list[PendingAdjustmentRead]:
    """Payments that arrived after their period's run, waiting to be paid in the next run (P8)."""
    return [PendingAdjustmentRead.model_validate(item) for item in await views.pending_adjustments(bus)]


@router.get("/adjustments/revisions/pending")
async def pending_revision_adjustments(bus: BusDep, user: PayrollOfficer) -> list[PendingRevisionAdjustmentRead]:
    """Differences revised appraisal results make to locked runs (P8.revision) that no locked run has paid:
    on a draft run, or on none yet (the person was not paid by any run computed since)."""
    return [PendingRevisionAdjustmentRead.model_validate(item)
            for item in await views.pending_revision_adjustments(bus)]


@router.get("/adjustments/attendance/pending")
async def pending_attendance_corrections(bus: BusDep, user: PayrollOfficer) -> list[PendingAttendanceCorrectionRead]:
    """Attendance days corrected after their period's run, whose difference the next run pays (P6, P8)."""
    return [PendingAttendanceCorrectionRead.model_validate(item)
            for item in await views.pending_attendance_corrections(bus)]


@router.get("/attendance/{period}/employees/{employee_id}")
async def attendance_days(period: Period, employee_id: uuid.UUID, bus: BusDep,
                          user: PayrollOfficer) -> list[AttendanceDayRead]:
    """The employee's working days of the period as payroll holds them: what the period's run
    deducts for (P6), or what a correction will be measured against."""
    return [AttendanceDayRead.model_validate(day) for day in await views.attendance_days(bus, period, employee_id)]
