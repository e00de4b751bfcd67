"""Stored calls, read within the caller's scope, the dialled number masked for all but its agent (T1, C10)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query

from shared.fields import IsoDate
from telesales.adapters.repositories import CallQuery
from telesales.domain.calls import Disposition
from telesales.entrypoints.api.deps import BusDep, CurrentUser
from telesales.entrypoints.api.schemas import CallPageRead, CallRead
from telesales.service_layer import views

router = APIRouter(tags=["calls"])


@router.get("/calls")
async def list_calls(
    bus: BusDep,
    user: CurrentUser,
    agent_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None,
    department_id: uuid.UUID | None = None,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    disposition: Disposition | None = None,
    flagged: Annotated[bool | None, Query(description="true: only calls that broke a compliance rule")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> CallPageRead:
    """List the calls the caller may see, newest first, filtered and paginated."""
    query = CallQuery(agent_id=agent_id, group_id=group_id, department_id=department_id, date_from=date_from,
                      date_to=date_to, disposition=disposition, flagged=flagged)
    page = await views.calls(bus, user, query, limit=limit, offset=offset)
    return CallPageRead(items=[CallRead.from_view(item) for item in page.items], total=page.total, limit=limit,
                        offset=offset)


@router.get("/calls/{call_id}")
async def get_call(call_id: Annotated[str, Path(max_length=100)], bus: BusDep, user: CurrentUser) -> CallRead:
    """Read one call within the caller's scope."""
    return CallRead.from_view(await views.call(bus, user, call_id))
