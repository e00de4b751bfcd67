"""Dismissal cases (A6; issue 10 item 7): opened when results still fail after retraining, listed
for HR, who records the decision with its reason. HR's alone: anyone else gets 403."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from appraisal.entrypoints.api.deps import BusDep, HROnly
from appraisal.entrypoints.api.schemas import DismissalCaseRead, DismissalDecisionWrite
from appraisal.service_layer import consequences

router = APIRouter(prefix="/dismissal-cases", tags=["dismissal cases"])


@router.get("")
async def list_dismissal_cases(
    bus: BusDep, user: HROnly,
    status: Annotated[Literal["open", "decided"] | None, Query(description="Only open or only decided cases")] = None,
) -> list[DismissalCaseRead]:
    """Every dismissal case, oldest first: whom, the month that flagged retraining, the results after it
    that still failed, and HR's decision once recorded."""
    return [DismissalCaseRead.from_domain(case) for case in await consequences.dismissal_cases(bus, user, status)]


@router.post("/{case_id}/decision")
async def decide_dismissal_case(case_id: uuid.UUID, body: DismissalDecisionWrite, bus: BusDep,
                                user: HROnly) -> DismissalCaseRead:
    """Record HR's decision (dismiss or retain) with its reason, once. Nothing else follows from it here."""
    return DismissalCaseRead.from_domain(await bus.handle(body.to_command(case_id, user)))
