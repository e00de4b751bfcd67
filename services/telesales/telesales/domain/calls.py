"""A telephone call as the telesales department records it (T1, T2)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class Disposition(StrEnum):
    """Outcome of a call (T1)."""

    NO_ANSWER = "no_answer"
    BUSY = "busy"
    INVALID_NUMBER = "invalid_number"
    REFUSED = "refused"
    EFFECTIVE_CONVERSATION = "effective_conversation"
    INTENT = "intent"  # 意向客户
    APPOINTMENT = "appointment"
    ORDER = "order"  # 成交
    COMPLAINT = "complaint"
    DO_NOT_CALL = "do_not_call"


class CallStage(StrEnum):
    """Stages of the call process (T2); a record notes the furthest one reached."""

    PREPARATION = "preparation"
    OPENING = "opening"
    NEEDS_DISCOVERY = "needs_discovery"
    PRODUCT_INTRODUCTION = "product_introduction"
    OBJECTION_HANDLING = "objection_handling"
    CLOSING = "closing"
    WRAP_UP = "wrap_up"


# Nobody spoke: saying the call connected contradicts the outcome.
UNCONNECTED_DISPOSITIONS = frozenset({Disposition.NO_ANSWER, Disposition.BUSY, Disposition.INVALID_NUMBER})
# A conversation took place: the call cannot have failed to connect.
CONVERSATION_DISPOSITIONS = frozenset({
    Disposition.EFFECTIVE_CONVERSATION, Disposition.INTENT, Disposition.APPOINTMENT, Disposition.ORDER,
})


@dataclass(frozen=True)
class Placement:
    """Where the agent sat in the organisation when the call was stored."""

    group_id: uuid.UUID | None = None
    department_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Call:
    call_id: str
    agent_id: uuid.UUID
    number_dialled: str
    started_at: datetime
    # The company's calendar day of started_at: a call at 23:30 UTC is the next day in Shanghai.
    call_date: date
    duration_seconds: int
    connected: bool
    disposition: Disposition
    effective: bool
    placement: Placement = Placement()
    lead_id: uuid.UUID | None = None
    stage_reached: CallStage | None = None
    notes: str | None = None
    next_step: str | None = None
    submitted_by: uuid.UUID | None = None
    received_at: datetime | None = None
    # Compliance rules the call broke when it was stored (T6), as ``Violation`` values.
    violations: tuple[str, ...] = ()
    # 1 as submitted; each correction makes the next version.
    version: int = 1
    # The telephony system's service account that sent the record, if one did.
    service_account_id: uuid.UUID | None = None


# What intake accepts, the worker must be able to store: a year-1 instant at +14:00 overflows.
EARLIEST_CALL_YEAR = 2000


def call_problems(*, connected: bool, disposition: Disposition, started_at: datetime, now: datetime,
                  max_future_skew: timedelta) -> list[tuple[str, str]]:
    """Contextual faults of one record, as (field, reason); empty when the record is sound."""
    problems: list[tuple[str, str]] = []
    if connected and disposition in UNCONNECTED_DISPOSITIONS:
        problems.append(("disposition", f"'{disposition}' means the call did not connect, but connected is true"))
    if not connected and disposition in CONVERSATION_DISPOSITIONS:
        problems.append(("disposition", f"'{disposition}' needs a conversation, but connected is false"))
    if started_at.year < EARLIEST_CALL_YEAR:
        # Not a telephony record, and one the worker could not even turn into UTC to store.
        problems.append(("started_at", f"lies before {EARLIEST_CALL_YEAR}"))
    elif started_at - now > max_future_skew:
        problems.append(("started_at", "lies in the future"))
    return problems
