"""A pay run (P8): computed when its period closes, reviewed, approved and locked; a locked run
never changes, and corrections go into a later run as adjustments."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from shared.errors import Conflict


class RunStatus(StrEnum):
    COMPUTED = "computed"
    APPROVED = "approved"
    LOCKED = "locked"


@dataclass
class PayRun:
    id: uuid.UUID
    period: str
    status: RunStatus
    payslip_count: int
    total_gross: Decimal
    computed_at: datetime
    full_score_at: Decimal
    approved_by: uuid.UUID | None = None
    approved_at: datetime | None = None
    locked_by: uuid.UUID | None = None
    locked_at: datetime | None = None

    def approve(self, by: uuid.UUID, at: datetime) -> None:
        self._ensure_not_locked("approve")
        if self.status == RunStatus.APPROVED:
            raise Conflict("this pay run is already approved", run_id=str(self.id), run_status=self.status.value,
                           approved_by=str(self.approved_by))
        self.status, self.approved_by, self.approved_at = RunStatus.APPROVED, by, at

    def lock(self, by: uuid.UUID, at: datetime) -> None:
        """Locking a computed run approves it in the same step (one /lock by finance or HR)."""
        self._ensure_not_locked("lock")
        if self.status == RunStatus.COMPUTED:
            self.approved_by, self.approved_at = by, at
        self.status, self.locked_by, self.locked_at = RunStatus.LOCKED, by, at

    def _ensure_not_locked(self, action: str) -> None:
        if self.status == RunStatus.LOCKED:
            locked_at = self.locked_at.isoformat() if self.locked_at else None
            raise Conflict(f"this pay run is locked and never changes; cannot {action} it", run_id=str(self.id),
                           run_status=self.status.value, locked_at=locked_at)


@dataclass(frozen=True)
class PayslipRecord:
    """A stored payslip as it is read back: the lines exactly as computed, with the run's status."""

    id: uuid.UUID
    run_id: uuid.UUID
    run_status: RunStatus
    period: str
    employee_id: uuid.UUID
    employee_name: str | None
    role: str
    department_id: uuid.UUID | None
    group_id: uuid.UUID | None
    plan_version: int
    score: Decimal
    coefficient: Decimal
    gross: Decimal
    lines: list[dict]


@dataclass(frozen=True)
class PendingAdjustment:
    """A payment that arrived after its period's run and waits for the next run (P8)."""

    payment_id: uuid.UUID
    deal_id: uuid.UUID
    rep_id: uuid.UUID
    amount: Decimal
    received_on: date
    period: str
    missed_run_id: uuid.UUID
