"""Leads (客户资源): entry one at a time or by CSV, duplicate checks, the two distribution levels,
scoped reads with masked contacts, and the logged reveal (C1–C4, C10)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from crm.adapters.repositories import LeadQuery
from crm.domain.dedupe import OnDuplicate
from crm.domain.model import LeadStatus
from crm.entrypoints.api.csv_upload import OPENAPI_BODY, parse_table, read_table
from crm.entrypoints.api.deps import BusDep, CurrentUser, SettingsDep
from crm.entrypoints.api.schemas import (
    AssignmentRead,
    ContactRead,
    GroupAssignment,
    ImportReportRead,
    LeadCreate,
    LeadCreatedRead,
    LeadPageRead,
    LeadRead,
    RepAssignment,
)
from crm.service_layer import commands, views

router = APIRouter(tags=["leads"])

OnDuplicateQuery = Annotated[OnDuplicate, Query(
    description="refuse (409, naming the holder) or link the lead to the known customer")]


@router.post("/leads", status_code=201)
async def create_lead(body: LeadCreate, bus: BusDep, user: CurrentUser,
                      on_duplicate: OnDuplicateQuery = OnDuplicate.REFUSE) -> LeadCreatedRead:
    """Bring in one lead from a source; a known phone or e-mail is refused or linked."""
    outcome = await bus.handle(commands.CreateLead(
        by=user, name=body.name, source=body.source, phone=body.phone, email=body.email, company=body.company,
        intent_level=body.intent_level, department_id=body.department_id, on_duplicate=on_duplicate))
    return LeadCreatedRead.from_view(views.lead_view(user, outcome.lead, outcome.customer),
                                     outcome="linked" if outcome.linked else "created")


@router.post("/leads/import", openapi_extra=OPENAPI_BODY)
async def import_leads(
    request: Request, bus: BusDep, user: CurrentUser, settings: SettingsDep,
    on_duplicate: OnDuplicateQuery = OnDuplicate.REFUSE,
    source: Annotated[str | None, Query(max_length=60, description="for rows without a source column")] = None,
    department_id: uuid.UUID | None = None,
) -> ImportReportRead:
    """Import leads from CSV or XLSX (name, phone, email, company, source, intent_level): each valid row is
    kept in its own transaction, each bad one reported with its row number, field and reason."""
    rows, ignored = parse_table(await read_table(request, settings.import_max_bytes, settings.import_max_rows))
    report = await bus.handle(commands.ImportLeads(by=user, rows=rows, default_source=source,
                                                   department_id=department_id, on_duplicate=on_duplicate))
    return ImportReportRead.of(report, ignored)


@router.get("/leads")
async def list_leads(
    bus: BusDep,
    user: CurrentUser,
    status: LeadStatus | None = None,
    source: Annotated[str | None, Query(max_length=60)] = None,
    department_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None,
    owner_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> LeadPageRead:
    """List the leads the caller may see, newest first, filtered and paginated; contacts masked."""
    query = LeadQuery(status=status, source=source, department_id=department_id, group_id=group_id,
                      owner_id=owner_id, customer_id=customer_id)
    page = await views.leads(bus, user, query, limit=limit, offset=offset)
    return LeadPageRead(items=[LeadRead.from_view(item) for item in page.items], total=page.total, limit=limit,
                        offset=offset)


@router.get("/leads/{lead_id}")
async def get_lead(lead_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> LeadRead:
    """Read one lead within the caller's scope; contacts masked unless the caller owns it."""
    return LeadRead.from_view(await views.lead(bus, user, lead_id))


@router.get("/leads/{lead_id}/contact")
async def reveal_contact(lead_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> ContactRead:
    """Reveal the customer's full contact details to the owner rep (or a permitted role); logged."""
    lead, customer = await bus.handle(commands.RevealContact(by=user, lead_id=lead_id))
    return ContactRead(lead_id=lead.id, customer_id=customer.id, name=customer.name, company=customer.company,
                       phone=customer.phone, email=customer.email)


@router.get("/leads/{lead_id}/assignments")
async def lead_assignments(lead_id: uuid.UUID, bus: BusDep, user: CurrentUser) -> list[AssignmentRead]:
    """The lead's distribution history, oldest first: who gave it to whom, how and why."""
    return [AssignmentRead.of(item) for item in await views.lead_history(bus, user, lead_id)]


@router.post("/leads/{lead_id}/assign-group")
async def assign_lead_to_group(lead_id: uuid.UUID, body: GroupAssignment, bus: BusDep,
                               user: CurrentUser) -> LeadRead:
    """A department manager puts a lead of their department into one of its groups' pools (C4.1)."""
    lead = await bus.handle(commands.AssignLeadToGroup(by=user, lead_id=lead_id, group_id=body.group_id,
                                                       reason=body.reason, reassign=body.reassign))
    return LeadRead.from_view(await views.lead(bus, user, lead.id))


@router.post("/leads/{lead_id}/assign")
async def assign_lead_to_rep(lead_id: uuid.UUID, body: RepAssignment, bus: BusDep, user: CurrentUser) -> LeadRead:
    """A group leader gives a lead of their group to an active member, within the open-lead cap (C4.2)."""
    lead = await bus.handle(commands.AssignLeadToRep(by=user, lead_id=lead_id, rep_id=body.rep_id,
                                                     reason=body.reason, reassign=body.reassign))
    return LeadRead.from_view(await views.lead(bus, user, lead.id))
