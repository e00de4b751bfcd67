"""A pay run (P8): computed when its period closes, reviewed, approved and locked; a locked run
never changes, and corrections go into a later run as adjustments.

Approving and locking are two steps by two different people (four eyes): the approver may not
lock. A run listing blockers (people it cannot pay) is not approved. A draft — computed or
approved, not locked — can be recomputed; recomputing withdraws the approval, since what was
approved is no longer what the run says."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from payroll.domain.roster import Blocker
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
    blockers: tuple[Blocker, ...] = field(default=())
    # The revision of appraisal's results the run pays, and, while appraisal has reopened the period,
    # why the run waits for the revised results (neither approved nor locked until they arrive).
    appraisal_revision: int = 1
    awaiting_revision: str | None = None

    def approve(self, by: uuid.UUID, at: datetime) -> None:
        self._ensure_not_locked("approve")
        if self.status == RunStatus.APPROVED:
            raise Conflict("this pay run is already approved", run_id=str(self.id), run_status=self.status.value,
                           approved_by=str(self.approved_by))
        self._ensure_results_stand("approve")
        if self.blockers:
            raise Conflict(
                f"this pay run cannot pay {len(self.blockers)} employee(s); resolve them and recompute before "
                "approving", run_id=str(self.id), run_status=self.status.value,
                blockers=[blocker.as_json() for blocker in self.blockers])
        self.status, self.approved_by, self.approved_at = RunStatus.APPROVED, by, at

    def lock(self, by: uuid.UUID, at: datetime) -> None:
        self._ensure_not_locked("lock")
        if self.status == RunStatus.COMPUTED:
            raise Conflict("this pay run is not approved yet; it is approved, then locked by someone else",
                           run_id=str(self.id), run_status=self.status.value)
        self._ensure_results_stand("lock")
        if self.blockers:
            # Someone employed became known after the approval (a late directory event): not paid yet.
            raise Conflict(f"this pay run cannot pay {len(self.blockers)} employee(s); recompute it",
                           run_id=str(self.id), run_status=self.status.value,
                           blockers=[blocker.as_json() for blocker in self.blockers])
        if by == self.approved_by:
            raise Conflict("four eyes: the person who approved a pay run may not lock it; another payroll officer "
                           "locks it", run_id=str(self.id), run_status=self.status.value,
                           approved_by=str(self.approved_by))
        self.status, self.locked_by, self.locked_at = RunStatus.LOCKED, by, at

    def recompute(self, at: datetime) -> None:
        """Back to a draft computed from the inputs as they now stand; the caller rebuilds the payslips
        and the blockers."""
        self._ensure_not_locked("recompute")
        self.status, self.approved_by, self.approved_at = RunStatus.COMPUTED, None, None
        self.computed_at, self.blockers = at, ()

    def _ensure_results_stand(self, action: str) -> None:
        if self.awaiting_revision is not None:
            raise Conflict(f"appraisal reopened this period; cannot {action} the run before the revised results "
                           "arrive (it is then recomputed by itself)", run_id=str(self.id),
                           run_status=self.status.value, awaiting_revision=self.awaiting_revision)

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
    score: Decimal | None  # None: not appraised (a plan paying fixed performance pay)
    coefficient: Decimal | None
    gross: Decimal
    lines: list[dict]
    override_version: int | None = None


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
