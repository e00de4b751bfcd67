"""A customer's request not to be called (T6), recorded on one of their leads."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from crm.adapters.do_not_call import DoNotCallRequest
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.schemas import Reason, _Request
from crm.service_layer import do_not_call, do_not_call_rotation
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


class ReannouncedRead(BaseModel):
    announced: int = Field(description="requests announced again under the current key by this call")
    already_current: int = Field(description="requests already stored and announced under the current key")
    other_number: int = Field(description="requests whose digest is under none of the configured keys for any "
                                          "number crm holds for the customer: left as they are")
    without_phone: int = Field(description="requests of customers crm holds no phone number of")
    pages: int


@router.post("/do-not-call/announce-again")
async def announce_again(bus: BusDep, user: CurrentUser) -> ReannouncedRead:
    """Key rotation (admin): announce every standing request again under ``CRM_PHONE_DIGEST_KEY``,
    carrying over those stored under ``CRM_PHONE_DIGEST_PREVIOUS_KEYS`` for a number crm holds for
    the customer (their phone, or one their merge records name), page by page
    (``CRM_DO_NOT_CALL_REANNOUNCE_PAGE_SIZE``). Running it again adds nothing; 409 when no previous
    key is configured. Telesales switches to the new key only after this."""
    done = await bus.handle(do_not_call_rotation.AnnounceAgain(by=user))
    return ReannouncedRead(announced=done.announced, already_current=done.already_current,
                           other_number=done.other_number, without_phone=done.without_phone, pages=done.pages)
