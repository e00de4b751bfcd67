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


class AssignmentCause:
    HOLDER_LEFT = "holder_left"
    HOLDER_TRANSFERRED = "holder_transferred"
    HANDED_OVER = "handed_over"

    ALL = (HOLDER_LEFT, HOLDER_TRANSFERRED, HANDED_OVER)


@dataclass(frozen=True)
class Placement:
    """A rep a project may go to, with where the directory places them."""

    rep_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None


@dataclass(frozen=True)
class ProjectAssignment:
    """One change of hands of a project, kept like a stage change. ``to_rep_id`` None: left unassigned;
    ``by`` None: crm itself, following org (a leaver, a transfer)."""

    id: uuid.UUID
    project_id: uuid.UUID
    from_rep_id: uuid.UUID
    to_rep_id: uuid.UUID | None
    cause: str
    reason: str | None
    by: uuid.UUID | None
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
    # Grows with every stage change and change of hands, so that a subscriber keeps the newest whatever the order.
    revision: int = 1
    # Set when its rep went and nobody could take it: ``rep_id`` is then who had it last, no longer whose it
    # is; it waits in its group (the leader's overdue list) for a hand-over.
    unassigned_at: datetime | None = None

    @property
    def holder_id(self) -> uuid.UUID | None:
        """The rep whose project it is now; None while unassigned."""
        return None if self.unassigned_at is not None else self.rep_id

    def hand_to(self, to: Placement | None, *, cause: str, reason: str | None, by: uuid.UUID | None, at: datetime,
                assignment_id: uuid.UUID) -> ProjectAssignment:
        """To another rep, placed where they are (as a new project would be); ``None``: unassigned,
        left in its group and department for the leader to hand over."""
        if to is not None and to.rep_id == self.holder_id:
            raise RuleViolation("the project is already that rep's", project_id=str(self.id), rep_id=str(to.rep_id))
        if to is None and self.unassigned_at is not None:
            raise RuleViolation("the project is unassigned already", project_id=str(self.id))
        assignment = ProjectAssignment(id=assignment_id, project_id=self.id, from_rep_id=self.rep_id,
                                       to_rep_id=to.rep_id if to else None, cause=cause,
                                       reason=(reason or "").strip() or None, by=by, at=at)
        if to is None:
            self.unassigned_at = at
        else:
            self.rep_id, self.group_id, self.department_id = to.rep_id, to.group_id, to.department_id
            self.unassigned_at = None
        self.revision += 1
        return assignment

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
