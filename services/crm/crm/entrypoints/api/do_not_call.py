"""A customer's request not to be called (T6), recorded on one of their leads."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from crm.adapters.do_not_call import DoNotCallRequest
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import Reason, _Request
from crm.service_layer import do_not_call
from shared.errors import NotFound

router = APIRouter(tags=["do-not-call"])


class DoNotCallCreate(_Request):
    note: Reason | None = Field(None, description="what the customer said, how and when (optional)")


class DoNotCallRead(BaseModel):
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    note: str | None
    requested_by: uuid.UUID
    requested_at: datetime

    @classmethod
    def of(cls, request: DoNotCallRequest) -> DoNotCallRead:
        # The digest stays inside: it is for telesales, and the caller has the number anyway.
        return cls(customer_id=request.customer_id, lead_id=request.lead_id, note=request.note,
                   requested_by=request.requested_by, requested_at=request.requested_at)


@router.post("/leads/{lead_id}/do-not-call", status_code=201,
             responses={200: {"description": "the customer had asked already; the first request stands"}})
async def record_request(lead_id: uuid.UUID, body: DoNotCallCreate, bus: BusDep, user: CurrentUser,
                         response: Response) -> DoNotCallRead:
    """Record that the lead's customer asked not to be called (whoever sees the lead and works
    leads). telesales lists the number (source ``customer_request``) when it hears of it; a
    customer who asked already about their current number gets 200 and the first request,
    announced once."""
    recorded = await bus.handle(do_not_call.RecordDoNotCallRequest(by=user, lead_id=lead_id, note=body.note))
    if not recorded.new:
        response.status_code = 200
    return DoNotCallRead.of(recorded.request)


@router.get("/leads/{lead_id}/do-not-call")
async def get_request(lead_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> DoNotCallRead:
    """The lead's customer's request not to be called at their current number; 404 when none."""
    request = await do_not_call.request_of_lead(bus, user, lead_id)
    if request is None:
        raise NotFound("the customer has not asked not to be called", lead_id=str(lead_id))
    return DoNotCallRead.of(request)
