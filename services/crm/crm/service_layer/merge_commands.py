"""Commands of customer merges (C3) and of exports (C10)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from shared.auth import Principal


@dataclass(frozen=True)
class MergeCustomers:
    """``other_id``'s record is merged into ``keep_id``'s and dropped; ``take`` names the fields whose
    value comes from the dropped record (the kept record's empty fields are filled from it anyway)."""

    by: Principal
    keep_id: uuid.UUID
    other_id: uuid.UUID
    take: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportRecords:
    """Leads or customers in the caller's scope, masked as on screen; logged whatever the outcome size."""

    by: Principal
    kind: str  # "leads" | "customers"
    format: str  # "csv" | "xlsx"
    filters: dict[str, Any] = field(default_factory=dict)
