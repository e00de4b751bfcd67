"""Monthly periods: live scores with their breakdown, reviews (A3), closing (A5, A6) and late inputs."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from appraisal.entrypoints.api.deps import AppraisalAdmin, CurrentUser, PeriodPath, UowDep
from appraisal.entrypoints.api.schemas import (
    LateInputRead,
    PeriodClosedRead,
    PeriodRead,
    ResultRead,
    ReviewCreate,
    ReviewRead,
    ScoreRead,
)
from appraisal.service_layer import commands, handlers, views

router = APIRouter(prefix="/periods", tags=["periods"])


@router.get("/{period}")
async def get_period(period: PeriodPath, uow: UowDep, user: CurrentUser) -> PeriodRead:
    """Whether a period is open or closed, and when and by whom it was closed."""
    return PeriodRead.model_validate(await views.period(uow, period))


@router.post("/{period}/close")
async def close_period(period: PeriodPath, uow: UowDep, user: AppraisalAdmin) -> PeriodClosedRead:
    """Freeze every score of an ended period, give coefficients, ranks and retraining flags, announce them."""
    closed = await handlers.handle(commands.ClosePeriod(period=period, by=user), uow)
    return PeriodClosedRead.from_domain(closed)


@router.get("/{period}/results")
async def list_results(period: PeriodPath, uow: UowDep, user: CurrentUser) -> list[ResultRead]:
    """The frozen results of a closed period the caller may see, best first."""
    return [ResultRead.from_domain(item) for item in await views.results(uow, user, period)]


@router.get("/{period}/late-inputs")
async def list_late_inputs(period: PeriodPath, uow: UowDep, user: AppraisalAdmin) -> list[LateInputRead]:
    """Inputs that arrived after the period closed: kept for the record, never applied to the frozen scores."""
    return [LateInputRead.from_domain(item) for item in await views.late_inputs(uow, period)]


@router.get("/{period}/employees/{employee_id}/score")
async def get_score(period: PeriodPath, employee_id: uuid.UUID, uow: UowDep, user: CurrentUser) -> ScoreRead:
    """An employee's score with its breakdown per indicator: live while open, frozen once closed."""
    return ScoreRead.from_view(await views.employee_score(uow, user, period, employee_id))


@router.get("/{period}/employees/{employee_id}/reviews")
async def list_reviews(period: PeriodPath, employee_id: uuid.UUID, uow: UowDep, user: CurrentUser
                       ) -> list[ReviewRead]:
    """The evaluations submitted for an employee in a period, in the order they came."""
    return [ReviewRead.from_domain(item) for item in await views.reviews(uow, user, period, employee_id)]


@router.post("/{period}/employees/{employee_id}/reviews", status_code=201)
async def submit_review(period: PeriodPath, employee_id: uuid.UUID, body: ReviewCreate, uow: UowDep,
                        user: CurrentUser) -> ReviewRead:
    """Submit one evaluation: self, then the group leader, then the superior, then (optionally) HR."""
    command = commands.SubmitReview(period=period, employee_id=employee_id, stage=body.stage,
                                    ratings=dict(body.ratings), by=user)
    return ReviewRead.from_domain(await handlers.handle(command, uow))
