"""Round-robin distribution of a group's pool to its members (C4.2)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import DistributionRead, DistributionRequest
from crm.service_layer import commands

router = APIRouter(tags=["distribution"])


@router.post("/groups/{group_id}/distribute")
async def distribute(group_id: uuid.UUID, bus: BusDep, user: CurrentUser,
                     body: DistributionRequest | None = None) -> DistributionRead:
    """Hand the group's unassigned leads to its members in turn, longest-waiting first, within the cap."""
    lead_ids = body.lead_ids if body is not None else None
    report = await bus.handle(commands.DistributeGroupLeads(by=user, group_id=group_id, lead_ids=lead_ids))
    return DistributionRead.of(report)
