"""Project pipeline (项目跟踪, C7): a project on a customer moves through its stages — early design,
bidding, deepened design, stocking/execution, acceptance. Forward by one or more stages freely;
backwards only with a reason; every move is kept (who, when, from, to, why). Each stage has a visit
cadence (weekly in early design, every two weeks after, by default): a project whose last visit —
or, never visited, its creation — is older than its stage's cadence is overdue for a visit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from shared.errors import InvalidInput, RuleViolation


class ProjectStage(StrEnum):
    EARLY_DESIGN = "early_design"              # 前期设计
    BIDDING = "bidding"                        # 招投标
    DEEPENED_DESIGN = "deepened_design"        # 深化设计
    STOCKING_EXECUTION = "stocking_execution"  # 备货/施工
    ACCEPTANCE = "acceptance"                  # 验收


# The order a project moves through; a move to an earlier stage is a step back.
STAGES = tuple(ProjectStage)


def stage_of(value: str, *, field: str = "stage") -> ProjectStage:
    try:
        return ProjectStage(value.strip().lower())
    except ValueError:
        raise InvalidInput(field, f"unknown stage {value!r}; one of: {', '.join(STAGES)}") from None


@dataclass(frozen=True)
class VisitCadence:
    """Days allowed between two visits of a project, per stage (C7); a stage absent is not tracked."""

    days_by_stage: dict[ProjectStage, int]

    def days(self, stage: ProjectStage) -> int | None:
        return self.days_by_stage.get(stage)


@dataclass(frozen=True)
class StageChange:
    """One line of a project's stage history. ``from_stage`` is None for the stage it started in."""

    id: uuid.UUID
    project_id: uuid.UUID
    from_stage: ProjectStage | None
    to_stage: ProjectStage
    reason: str | None
    by: uuid.UUID
    at: datetime


@dataclass
class Project:
    id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    name: str
    stage: ProjectStage
    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    created_by: uuid.UUID
    created_at: datetime
    stage_changed_at: datetime
    last_visit_at: datetime | None = None
    # Grows with every stage change, so that a subscriber keeps the newest stage whatever the order.
    revision: int = 1

    def move_to(self, stage: ProjectStage, *, reason: str | None, by: uuid.UUID, at: datetime,
                change_id: uuid.UUID) -> StageChange:
        """Forward by any number of stages; backwards only with a reason (C7)."""
        if stage is self.stage:
            raise RuleViolation(f"the project is already in {stage.value}", project_id=str(self.id),
                                stage=stage.value)
        reason = (reason or "").strip() or None
        if STAGES.index(stage) < STAGES.index(self.stage) and reason is None:
            raise InvalidInput("reason", f"moving back from {self.stage.value} to {stage.value} needs a reason")
        change = StageChange(id=change_id, project_id=self.id, from_stage=self.stage, to_stage=stage,
                             reason=reason, by=by, at=at)
        self.stage, self.stage_changed_at, self.revision = stage, at, self.revision + 1
        return change

    def visited(self, at: datetime) -> None:
        """A visit counts from when it happened: one logged late never moves the date backwards."""
        if self.last_visit_at is None or at > self.last_visit_at:
            self.last_visit_at = at

    def visit_due_at(self, cadence: VisitCadence) -> datetime | None:
        days = cadence.days(self.stage)
        if days is None:
            return None
        return (self.last_visit_at or self.created_at) + timedelta(days=days)

    def visit_overdue(self, cadence: VisitCadence, now: datetime) -> bool:
        due = self.visit_due_at(cadence)
        return due is not None and due < now
