"""Exports of leads and customers as CSV or XLSX (C10): the caller's scope, masked as on screen, each
export logged; the merge of two customer records (C3); the admins' audit logs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from crm.domain.contacts import mask_email
from crm.domain.model import LeadStatus
from crm.entrypoints.api.deps import BusDep, CurrentUser
from crm.entrypoints.api.spreadsheets import XLSX_TYPE, to_csv, to_xlsx
from crm.service_layer import exports as audit_views
from crm.service_layer.merge_commands import ExportRecords, MergeCustomers
from crm.service_layer.merges import MergeOutcome
from shared.phones import mask_phone

router = APIRouter()

Format = Annotated[Literal["csv", "xlsx"], Query(description="csv (UTF-8 with BOM) or xlsx")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


async def _export(bus, user, kind: str, format: str, filters: dict[str, Any]) -> Response:
    export = await bus.handle(ExportRecords(by=user, kind=kind, format=format, filters=filters))
    if format == "xlsx":
        content, media_type = to_xlsx(kind, export.columns, export.rows), XLSX_TYPE
    else:
        content, media_type = to_csv(export.columns, export.rows), "text/csv; charset=utf-8"
    return Response(content=content, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{kind}.{format}"', "X-Export-Id": str(export.log_id)})


@router.get("/leads/export", tags=["leads"], response_class=Response,
            responses={200: {"content": {"text/csv": {}, XLSX_TYPE: {}}}})
async def export_leads(
    bus: BusDep, user: CurrentUser, format: Format = "csv", status: LeadStatus | None = None,
    source: Annotated[str | None, Query(max_length=60)] = None, department_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None, owner_id: uuid.UUID | None = None,
) -> Response:
    """The leads the caller sees, filtered as ``GET /leads``, contacts masked unless the caller owns the
    lead; logged (who, filter, rows, when)."""
    return await _export(bus, user, "leads", format, {
        "status": status.value if status else None, "source": source, "department_id": department_id,
        "group_id": group_id, "owner_id": owner_id})


@router.get("/customers/export", tags=["customers"], response_class=Response,
            responses={200: {"content": {"text/csv": {}, XLSX_TYPE: {}}}})
async def export_customers(
    bus: BusDep, user: CurrentUser, format: Format = "csv", status: LeadStatus | None = None,
    source: Annotated[str | None, Query(max_length=60)] = None, department_id: uuid.UUID | None = None,
    group_id: uuid.UUID | None = None, owner_id: uuid.UUID | None = None,
) -> Response:
    """The customers of the leads the caller sees, one row each, contacts masked unless the caller owns
    one of the customer's leads; logged."""
    return await _export(bus, user, "customers", format, {
        "status": status.value if status else None, "source": source, "department_id": department_id,
        "group_id": group_id, "owner_id": owner_id})


# --- merge (C3) ---------------------------------------------------------------------------------


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    other_id: uuid.UUID = Field(description="the record merged into this one and dropped")
    take: list[Literal["name", "phone", "email", "company", "credit"]] = Field(
        default_factory=list, description="fields whose value comes from the dropped record; the kept record's "
                                          "empty fields are filled from it anyway")


class FieldRead(BaseModel):
    field: str
    value: Any = Field(description="the merged record's value (phone and e-mail masked)")
    source: Literal["kept", "dropped"]
    discarded: Any = Field(description="the value that did not survive (masked likewise)")


class MergeRead(BaseModel):
    merge_id: uuid.UUID
    kept_id: uuid.UUID
    dropped_id: uuid.UUID
    fields: list[FieldRead]
    moved: dict[str, int] = Field(description="rows moved to the kept record, per table")
    lead_ids: list[uuid.UUID]
    warnings: list[str]
    merged_by: uuid.UUID
    merged_at: datetime

    @classmethod
    def of(cls, outcome: MergeOutcome) -> MergeRead:
        record = outcome.record
        return cls(merge_id=record.id, kept_id=record.kept_id, dropped_id=record.dropped_id,
                   fields=[FieldRead(field=c.field, value=_masked(c.field, c.value), source=c.source,
                                     discarded=_masked(c.field, c.discarded)) for c in outcome.choices],
                   moved=record.moved, lead_ids=[lead.id for lead in outcome.leads], warnings=outcome.warnings,
                   merged_by=record.merged_by, merged_at=record.merged_at)


def _masked(field: str, value: Any) -> Any:
    # The merger is a manager, not the customer's owner: they read contacts masked, as everywhere (C10).
    if field == "phone":
        return mask_phone(value)
    if field == "email":
        return mask_email(value)
    return value


@router.post("/customers/{customer_id}/merge", tags=["customers"])
async def merge_customers(customer_id: uuid.UUID, body: MergeRequest, bus: BusDep, user: CurrentUser) -> MergeRead:
    """Merge another record of the same customer into this one (C3): its leads, deals, follow-ups,
    complaints and logs move here, it is dropped, and the audit says per field what was kept."""
    outcome = await bus.handle(MergeCustomers(by=user, keep_id=customer_id, other_id=body.other_id,
                                              take=list(body.take)))
    return MergeRead.of(outcome)


# --- audit (admins) -------------------------------------------------------------------------------


class ExportLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    exported_by: uuid.UUID
    kind: str
    format: str
    filters: dict[str, Any]
    row_count: int
    unmasked_rows: int
    at: datetime


class ExportLogPage(BaseModel):
    items: list[ExportLogRead]
    total: int


class RevealRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    disclosed_to: uuid.UUID
    at: datetime


class RevealPage(BaseModel):
    items: list[RevealRead]
    total: int


class MergeLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    kept_id: uuid.UUID
    dropped_id: uuid.UUID
    fields: dict[str, Any]
    moved: dict[str, int]
    merged_by: uuid.UUID
    merged_at: datetime


class MergeLogPage(BaseModel):
    items: list[MergeLogRead]
    total: int


@router.get("/audit/exports", tags=["audit"])
async def export_log(bus: BusDep, user: CurrentUser, by: uuid.UUID | None = None, since: datetime | None = None,
                     limit: Limit = 50, offset: Offset = 0) -> ExportLogPage:
    """Every export, newest first: who, what, with which filter, how many rows (admins only)."""
    items, total = await audit_views.exports(bus, user, by=by, since=since, limit=limit, offset=offset)
    return ExportLogPage(items=[ExportLogRead.model_validate(item) for item in items], total=total)


@router.get("/audit/reveals", tags=["audit"])
async def reveal_log(bus: BusDep, user: CurrentUser, by: uuid.UUID | None = None,
                     customer_id: uuid.UUID | None = None, since: datetime | None = None,
                     limit: Limit = 50, offset: Offset = 0) -> RevealPage:
    """Every reveal of a customer's full contact details, newest first (admins only)."""
    items, total = await audit_views.reveals(bus, user, by=by, customer_id=customer_id, since=since, limit=limit,
                                             offset=offset)
    return RevealPage(items=[RevealRead.model_validate(item) for item in items], total=total)


@router.get("/audit/merges", tags=["audit"])
async def merge_log(bus: BusDep, user: CurrentUser, limit: Limit = 50, offset: Offset = 0) -> MergeLogPage:
    """Every customer merge with what was kept and dropped per field, unmasked (admins only)."""
    items, total = await audit_views.merges(bus, user, limit=limit, offset=offset)
    return MergeLogPage(items=[MergeLogRead.model_validate(item) for item in items], total=total)
