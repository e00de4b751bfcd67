"""The do-not-call list, its fast check, and the calling rules (T6)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.phones import mask_phone
from telesales.domain.compliance import CallingRules, DncSource
from telesales.entrypoints.api.deps import BusDep, CurrentUser, IntakeCaller
from telesales.service_layer import commands, compliance

router = APIRouter(tags=["compliance"])

Number = Annotated[str, Field(min_length=1, max_length=40, description="any notation; compared normalised")]
Reason = Annotated[str, Field(max_length=1000)]


class NumberCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: Number
    source: Literal["manual", "customer_request"] = Field(
        "manual", description="customer_request: the customer asked (recorded by a rep); manual: any other")
    note: Reason | None = None


class NumberImport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    numbers: list[Number] = Field(min_length=1, max_length=10_000)
    note: Reason | None = None


class Removal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason = Field(description="why the number may be called again; required")


class Added(BaseModel):
    added: int = Field(description="numbers new on the list; one already listed keeps its first entry")
    numbers: list[str]


class ListingRead(BaseModel):
    number: str
    source: str
    added_by: str | None
    added_at: datetime
    call_id: str | None
    note: str | None


class ListingPage(BaseModel):
    items: list[ListingRead]
    total: int
    limit: int
    offset: int


class CheckRead(BaseModel):
    number: str = Field(description="the number as compared (normalised), masked: it is the caller's own input")
    may_call: bool
    violations: list[str] = Field(description="what a call now would break: do_not_call, outside_hours, "
                                              "daily_cap, weekly_cap")
    listed_since: datetime | None
    listed_source: str | None = Field(None, description="how it came on the list: outcome, customer_request, "
                                                        "import, manual")
    calls_today: int
    calls_this_week: int


class RulesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hours: dict[str, list[list[str]]] = Field(description='per weekday, e.g. {"mon": [["09:00", "12:00"], '
                                                          '["13:30", "20:00"]]}; a day left out permits no calls')
    daily_cap: int | None = Field(description="calls to one number per company day before one is flagged; null: none")
    weekly_cap: int | None = Field(description="the same per week from Monday; null: none")

    @classmethod
    def of(cls, rules: CallingRules) -> RulesBody:
        return cls(**rules.as_config())


@router.get("/do-not-call/check")
async def check_number(bus: BusDep, user: IntakeCaller, number: Annotated[str, Query(max_length=40)],
                       at: AwareDatetime | None = None) -> CheckRead:
    """May this number be called now (or at ``at``)? The do-not-call list, the calling hours and the
    per-number caps, in one indexed read. Open to agents' desktops and to diallers' service accounts."""
    result = await compliance.check_number(bus, number, at)
    return CheckRead(number=mask_phone(result.number) or result.number, may_call=result.may_call,
                     violations=[v.value for v in result.violations],
                     listed_since=result.listed.added_at if result.listed else None,
                     listed_source=result.listed.source.value if result.listed else None,
                     calls_today=result.calls_today, calls_this_week=result.calls_this_week)


@router.post("/do-not-call", status_code=201)
async def list_number(body: NumberCreate, bus: BusDep, user: CurrentUser) -> Added:
    """Put a number on the list: by hand, or because the customer asked."""
    added = await bus.handle(commands.ListNumbers(numbers=(body.number,), source=DncSource(body.source), actor=user,
                                                  note=body.note))
    return Added(added=len(added), numbers=[mask_phone(n) or n for n in added])


@router.post("/do-not-call/import", status_code=201)
async def import_numbers(body: NumberImport, bus: BusDep, user: CurrentUser) -> Added:
    """Put many numbers on the list (leaders, managers, admin). Every number is checked first: one
    unreadable number refuses the lot, naming it, and nothing is written."""
    added = await bus.handle(commands.ListNumbers(numbers=tuple(body.numbers), source=DncSource.IMPORT, actor=user,
                                                  note=body.note))
    return Added(added=len(added), numbers=[mask_phone(n) or n for n in added])


@router.post("/do-not-call/{number}/removal", status_code=204)
async def unlist_number(number: Annotated[str, Path(max_length=40)], body: Removal, bus: BusDep,
                        user: CurrentUser) -> None:
    """Take a number off the list: TELESALES_DNC_REMOVAL_ROLES only, with a reason (logged)."""
    await bus.handle(commands.UnlistNumber(number=number, reason=body.reason, actor=user))


@router.get("/do-not-call")
async def list_listings(bus: BusDep, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> ListingPage:
    """The list, newest first, for those who maintain it (leaders, managers, admin)."""
    items, total = await compliance.listings(bus, user, limit=limit, offset=offset)
    return ListingPage(items=[ListingRead(number=item.number, source=item.source.value,
                                          added_by=str(item.added_by) if item.added_by else None,
                                          added_at=item.added_at, call_id=item.call_id, note=item.note)
                              for item in items], total=total, limit=limit, offset=offset)


class CustomerRequestRead(BaseModel):
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    requested_by: uuid.UUID
    requested_at: datetime
    added_at: datetime


class CustomerRequestPage(BaseModel):
    items: list[CustomerRequestRead]
    total: int
    limit: int
    offset: int


@router.get("/do-not-call/requests")
async def list_customer_requests(bus: BusDep, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=500)] = 50,
                                 offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> CustomerRequestPage:
    """Customers' requests recorded in crm, newest first (leaders, managers, admin). They name the
    customer, not the number: telesales holds only the number's keyed digest, which the check and
    every stored call are compared by; remove one with ``POST /do-not-call/{number}/removal``."""
    items, total = await compliance.customer_requests(bus, user, limit=limit, offset=offset)
    return CustomerRequestPage(items=[CustomerRequestRead.model_validate(item) for item in items], total=total,
                               limit=limit, offset=offset)


@router.get("/compliance/rules")
async def get_rules(bus: BusDep, user: CurrentUser) -> RulesBody:
    """The calling hours (company time) and per-number caps in force."""
    return RulesBody.of(await compliance.current_rules(bus))


@router.put("/compliance/rules")
async def put_rules(body: RulesBody, bus: BusDep, user: CurrentUser) -> RulesBody:
    """Replace the calling hours and caps (admin). Windows that end before they start or overlap are
    refused naming the day; workers pick the new rules up within TELESALES_COMPLIANCE_RULES_REFRESH_SECONDS."""
    rules = await bus.handle(commands.SetCallingRules(hours=body.hours, daily_cap=body.daily_cap,
                                                      weekly_cap=body.weekly_cap, actor=user))
    return RulesBody.of(rules)
