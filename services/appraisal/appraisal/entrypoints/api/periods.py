"""Monthly periods: live scores with their breakdown, reviews (A3), closing (A5, A6) and late inputs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from appraisal.entrypoints.api.deps import AppraisalAdmin, BusDep, CurrentUser, HROnly, PeriodPath
from appraisal.entrypoints.api.schemas import (
    AcknowledgementCreate,
    AuditEntryRead,
    ClosePeriodBody,
    FeedbackRead,
    InputRead,
    InterviewCreate,
    LateInputRead,
    LeaderboardRead,
    OverdueReviewRead,
    PeriodClosedRead,
    PeriodRead,
    ReopenBody,
    ResultRead,
    ReviewCreate,
    ReviewRead,
    ScoreRead,
)
from appraisal.service_layer import commands, views

router = APIRouter(prefix="/periods", tags=["periods"])


@router.get("/{period}")
async def get_period(period: PeriodPath, bus: BusDep, user: CurrentUser) -> PeriodRead:
    """Whether a period is open or closed, and when and by whom it was closed."""
    return PeriodRead.model_validate(await views.period(bus, period))


@router.post("/{period}/close")
async def close_period(period: PeriodPath, bus: BusDep, user: AppraisalAdmin,
                       body: ClosePeriodBody | None = None) -> PeriodClosedRead:
    """Freeze every score of an ended period, give coefficients, ranks and retraining flags, announce them.
    409 with ``missing_reviews`` while a required review stage is missing, unless the body states the
    rule for the missing stages."""
    rule = body.missing_stages_rule if body is not None else None
    closed = await bus.handle(commands.ClosePeriod(period=period, by=user, missing_stages_rule=rule))
    return PeriodClosedRead.from_domain(closed)


@router.get("/{period}/results")
async def list_results(period: PeriodPath, bus: BusDep, user: CurrentUser) -> list[ResultRead]:
    """The frozen results of a closed period the caller may see, best first."""
    return [ResultRead.from_domain(item) for item in await views.results(bus, user, period)]


@router.get("/{period}/late-inputs")
async def list_late_inputs(period: PeriodPath, bus: BusDep, user: AppraisalAdmin) -> list[LateInputRead]:
    """Inputs that arrived after the period closed: kept for the record, never applied to the frozen scores."""
    return [LateInputRead.from_domain(item) for item in await views.late_inputs(bus, period)]


@router.get("/{period}/employees/{employee_id}/score")
async def get_score(period: PeriodPath, employee_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> ScoreRead:
    """An employee's score with its breakdown per indicator: live while open, frozen once closed."""
    return ScoreRead.from_view(await views.employee_score(bus, user, period, employee_id))


@router.get("/{period}/employees/{employee_id}/reviews")
async def list_reviews(period: PeriodPath, employee_id: uuid.UUID, bus: BusDep, user: CurrentUser
                       ) -> list[ReviewRead]:
    """The evaluations submitted for an employee in a period, in the order they came."""
    return [ReviewRead.from_domain(item) for item in await views.reviews(bus, user, period, employee_id)]


@router.post("/{period}/employees/{employee_id}/reviews", status_code=201)
async def submit_review(period: PeriodPath, employee_id: uuid.UUID, body: ReviewCreate, bus: BusDep,
                        user: CurrentUser) -> ReviewRead:
    """Submit one evaluation: self, then the group leader, then the superior, then (optionally) HR."""
    command = commands.SubmitReview(period=period, employee_id=employee_id, stage=body.stage,
                                    ratings=dict(body.ratings), by=user)
    return ReviewRead.from_domain(await bus.handle(command))


@router.get("/{period}/overdue-reviews")
async def list_overdue_reviews(period: PeriodPath, bus: BusDep, user: AppraisalAdmin) -> list[OverdueReviewRead]:
    """Required review stages past their due day (APPRAISAL_REVIEW_*_DUE_DAY of the next month) and not in."""
    return [OverdueReviewRead.model_validate(item) for item in await views.overdue_reviews(bus, period)]


@router.post("/{period}/employees/{employee_id}/interview", status_code=201)
async def record_interview(period: PeriodPath, employee_id: uuid.UUID, body: InterviewCreate, bus: BusDep,
                           user: CurrentUser) -> FeedbackRead:
    """The feedback interview (date, notes, improvement plan), by the manager who writes the superior
    stage, once the required reviews are in."""
    return FeedbackRead.model_validate(await bus.handle(body.to_command(period, employee_id, user)))


@router.get("/{period}/employees/{employee_id}/feedback")
async def get_feedback(period: PeriodPath, employee_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> FeedbackRead:
    """The feedback interview and whether the employee has acknowledged the result."""
    return FeedbackRead.model_validate(await views.feedback(bus, user, period, employee_id))


@router.post("/{period}/employees/{employee_id}/acknowledgement", status_code=201)
async def acknowledge(period: PeriodPath, employee_id: uuid.UUID, body: AcknowledgementCreate, bus: BusDep,
                      user: CurrentUser) -> FeedbackRead:
    """The employee acknowledges their result after the interview; nobody else may."""
    command = commands.AcknowledgeResult(period=period, employee_id=employee_id, by=user, comment=body.comment)
    return FeedbackRead.model_validate(await bus.handle(command))


@router.post("/{period}/reopen")
async def reopen_period(period: PeriodPath, body: ReopenBody, bus: BusDep, user: HROnly) -> PeriodRead:
    """HR reopens a closed period, with a reason (audited, announced to payroll). Results stand until
    the period closes again, which publishes the next revision of every result."""
    return PeriodRead.model_validate(await bus.handle(commands.ReopenPeriod(period=period, reason=body.reason,
                                                                            by=user)))


@router.get("/{period}/audit")
async def list_audit(period: PeriodPath, bus: BusDep, user: AppraisalAdmin) -> list[AuditEntryRead]:
    """Every change after the period's first close: reopens, late inputs counted, reviews, revised results."""
    return [AuditEntryRead.model_validate(item) for item in await views.audit(bus, period)]


@router.get("/{period}/leaderboard")
async def get_leaderboard(period: PeriodPath, bus: BusDep, user: CurrentUser) -> LeaderboardRead:
    """A closed period's rankings by score within each department and role (those the caller may see)
    and its honours (Sales Star, Customer Service Model, Sales Champion, Best Team, Best Newcomer)."""
    return LeaderboardRead.from_view(await views.leaderboard(bus, user, period))


@router.get("/{period}/employees/{employee_id}/inputs")
async def list_inputs(period: PeriodPath, employee_id: uuid.UUID, bus: BusDep, user: CurrentUser,
                      indicator: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_]{0,59}$")] = None
                      ) -> list[InputRead]:
    """The source events and values behind an employee's score, all or one measured indicator's."""
    return [InputRead.from_domain(item) for item in await views.inputs(bus, user, period, employee_id, indicator)]
