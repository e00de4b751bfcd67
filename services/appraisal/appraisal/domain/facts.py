"""Facts: one measured input (a deal, a payment, a call, an assignment, a day's attendance) for
one employee and period, keyed by the business id it came from so that a repeated event adds
nothing. A fact with a revision (attendance) is replaced by a higher revision of the same source."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Fact:
    employee_id: uuid.UUID
    period: str
    kind: str  # one of templates.Source.MEASURED
    value: Decimal
    # Unique with ``kind``: the business id of what was measured ("deal:<id>", "call:<id>"…).
    source_id: str
    event_id: uuid.UUID
    occurred_on: date
    # None: add-only (the first arrival stands). Otherwise the producer's revision of the source;
    # the highest one seen is kept (domain.attendance.supersedes).
    revision: int | None = None


@dataclass(frozen=True)
class RecordedFact:
    fact: Fact
    # Arrived after its period closed: kept for the record, never scored.
    late: bool
    recorded_at: datetime
