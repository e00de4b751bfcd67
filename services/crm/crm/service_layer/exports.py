"""Exports of leads and customers (C10) and the admins' audit reads.

An export holds what the caller sees on screen: their scope only, contact details masked unless the
caller owns the lead. Each export is logged with who, what filter, how many rows and when, in the
transaction that reads the rows; each customer exported unmasked is also a disclosure, as a reveal
is. The export and reveal logs are read by admins only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from crm.adapters.merges import ExportRecord, MergeRecord
from crm.adapters.repositories import LeadQuery
from crm.domain.model import ContactDisclosure, LeadStatus
from crm.service_layer.access import scope_in
from crm.service_layer.merge_commands import ExportRecords
from crm.service_layer.unit_of_work import CrmBus
from crm.service_layer.views import contact_for
from shared.auth import Principal, Role
from shared.bus import CommandHandler
from shared.db import new_id
from shared.errors import Forbidden, InvalidInput

KINDS = ("leads", "customers")
FORMATS = ("csv", "xlsx")
LEAD_COLUMNS = ("lead_id", "customer_id", "name", "company", "phone", "email", "contact_masked", "source", "status",
                "intent_level", "department_id", "group_id", "owner_id", "created_at", "assigned_at")
CUSTOMER_COLUMNS = ("customer_id", "name", "company", "phone", "email", "contact_masked", "leads")
AUDIT_READERS = (Role.ADMIN,)


@dataclass(frozen=True)
class Export:
    kind: str
    format: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    log_id: uuid.UUID


def _query(filters: dict[str, Any]) -> LeadQuery:
    status = filters.get("status")
    return LeadQuery(status=LeadStatus(status) if status else None, source=filters.get("source"),
                     department_id=filters.get("department_id"), group_id=filters.get("group_id"),
                     owner_id=filters.get("owner_id"), customer_id=filters.get("customer_id"))


async def export_records(command: ExportRecords, bus: CrmBus) -> Export:
    by = command.by
    if command.kind not in KINDS:
        raise InvalidInput("kind", f"one of: {', '.join(KINDS)}")
    if command.format not in FORMATS:
        raise InvalidInput("format", f"one of: {', '.join(FORMATS)}")
    limit = bus.policy.export_max_rows
    filters = {name: value for name, value in command.filters.items() if value is not None}
    async with bus.uow() as uow:
        scope = await scope_in(uow, by)
        # One more than allowed: an export that would be cut short is refused, never silently partial.
        pairs, total = await uow.leads.page(scope, _query(filters), limit=limit + 1, offset=0)
        if total > limit:
            raise InvalidInput("limit", f"{total} leads match; an export holds at most {limit}: narrow the filter")
        now = bus.clock.now()
        disclosed: dict[uuid.UUID, uuid.UUID | None] = {}
        rows: list[tuple[Any, ...]] = []
        if command.kind == "leads":
            for lead, customer in pairs:
                contact = contact_for(by, lead, customer)
                if not contact.masked:
                    disclosed[customer.id] = lead.id
                rows.append((lead.id, customer.id, contact.name, contact.company, contact.phone, contact.email,
                             contact.masked, lead.source, lead.status.value, lead.intent_level, lead.department_id,
                             lead.group_id, lead.owner_id, lead.created_at, lead.assigned_at))
            columns = LEAD_COLUMNS
        else:
            by_customer: dict[uuid.UUID, list] = {}
            for lead, customer in pairs:
                by_customer.setdefault(customer.id, []).append((lead, customer))
            for customer_id, found in by_customer.items():
                # Unmasked when the caller owns one of the customer's leads, as on the lead's screen.
                owned = next(((lead, customer) for lead, customer in found if lead.owner_id == by.employee_id),
                             found[0])
                contact = contact_for(by, *owned)
                if not contact.masked:
                    disclosed[customer_id] = owned[0].id
                rows.append((customer_id, contact.name, contact.company, contact.phone, contact.email,
                             contact.masked, len(found)))
            columns = CUSTOMER_COLUMNS
        log = ExportRecord(id=new_id(), exported_by=by.employee_id, kind=command.kind, format=command.format,
                           filters={name: str(value) for name, value in filters.items()}, row_count=len(rows),
                           unmasked_rows=len(disclosed), at=now)
        await uow.audit.add_export(log)
        for customer_id, lead_id in disclosed.items():
            await uow.disclosures.add(ContactDisclosure(id=new_id(), customer_id=customer_id, lead_id=lead_id,
                                                        disclosed_to=by.employee_id, kind="export", at=now))
        await uow.commit()
    return Export(kind=command.kind, format=command.format, columns=columns, rows=rows, log_id=log.id)


# --- the audit logs (admins) ---------------------------------------------------------------------


@dataclass(frozen=True)
class RevealRecord:
    id: uuid.UUID
    customer_id: uuid.UUID
    lead_id: uuid.UUID | None
    disclosed_to: uuid.UUID
    at: datetime


def _ensure_auditor(viewer: Principal) -> None:
    if not viewer.has_any(*AUDIT_READERS):
        raise Forbidden("the export and reveal logs are read by admins", required_roles=list(AUDIT_READERS))


async def exports(bus: CrmBus, viewer: Principal, *, by: uuid.UUID | None, since: datetime | None, limit: int,
                  offset: int) -> tuple[list[ExportRecord], int]:
    _ensure_auditor(viewer)
    async with bus.uow() as uow:
        return await uow.audit.exports(by=by, since=since, limit=limit, offset=offset)


async def reveals(bus: CrmBus, viewer: Principal, *, by: uuid.UUID | None, customer_id: uuid.UUID | None,
                  since: datetime | None, limit: int, offset: int) -> tuple[list[RevealRecord], int]:
    _ensure_auditor(viewer)
    async with bus.uow() as uow:
        rows, total = await uow.audit.reveals(by=by, customer_id=customer_id, since=since, limit=limit,
                                              offset=offset)
    return [RevealRecord(id=r.id, customer_id=r.customer_id, lead_id=r.lead_id, disclosed_to=r.disclosed_to,
                         at=r.at) for r in rows], total


async def merges(bus: CrmBus, viewer: Principal, *, limit: int, offset: int) -> tuple[list[MergeRecord], int]:
    _ensure_auditor(viewer)
    async with bus.uow() as uow:
        return await uow.merges.merges(limit=limit, offset=offset)


COMMAND_HANDLERS: dict[type, CommandHandler] = {
    ExportRecords: export_records,
}
