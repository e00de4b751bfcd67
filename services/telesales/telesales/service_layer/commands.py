"""What callers ask the telesales service to do. Imperative names; the events they cause are past tense."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from shared.auth import Principal
from telesales.domain.calls import CallStage, Disposition
from telesales.domain.compliance import DncSource
from telesales.domain.corrections import Correction


@dataclass(frozen=True)
class SubmitCall:
    """One call record as a telephony system or an agent's desktop sends it to intake (T1)."""

    call_id: str
    agent_id: uuid.UUID
    number_dialled: str
    started_at: datetime
    duration_seconds: int
    connected: bool
    disposition: Disposition
    lead_id: uuid.UUID | None = None
    stage_reached: CallStage | None = None
    notes: str | None = None
    next_step: str | None = None


@dataclass(frozen=True)
class RecordCall:
    """Store a submitted call (the worker's side of intake)."""

    call: SubmitCall
    submitted_by: uuid.UUID
    received_at: datetime
    claimed_group_id: uuid.UUID | None = None
    claimed_department_id: uuid.UUID | None = None
    # Set when a telephony system's service account sent the record: the worker checks its scope.
    service_account_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ListNumbers:
    """Put numbers on the do-not-call list (T6) by hand, at a customer's request, or by import."""

    numbers: tuple[str, ...]
    source: DncSource
    actor: Principal
    note: str | None = None


@dataclass(frozen=True)
class UnlistNumber:
    """Take a number off the do-not-call list: an authorised role, always with a reason."""

    number: str
    reason: str
    actor: Principal


@dataclass(frozen=True)
class SetCallingRules:
    """Replace the permitted calling hours and the per-number caps (T6)."""

    hours: dict[str, list[list[str]]]
    daily_cap: int | None
    weekly_cap: int | None
    actor: Principal


@dataclass(frozen=True)
class CorrectCall:
    """A new version of a stored call's outcome, stage or notes, with who and why."""

    call_id: str
    correction: Correction
    actor: Principal
    # The version the corrector read; a correction based on an older one is a conflict.
    expected_version: int | None = None


@dataclass(frozen=True)
class CreateServiceAccount:
    name: str
    department_ids: frozenset[uuid.UUID]
    group_ids: frozenset[uuid.UUID]
    actor: Principal


@dataclass(frozen=True)
class RotateServiceAccountSecret:
    account_id: uuid.UUID
    actor: Principal


@dataclass(frozen=True)
class RevokeServiceAccount:
    account_id: uuid.UUID
    reason: str
    actor: Principal


@dataclass(frozen=True)
class VerifyServiceAccount:
    """The gateway's question: whose credentials are these? (the client-credentials exchange)"""

    client_id: str
    client_secret: str


@dataclass(frozen=True)
class SubmitMonthlySummary:
    """The agent's month-end summary (T5); the figures in it are read live, not stored."""

    agent_id: uuid.UUID
    month: str
    summary: str
    next_month_plan: str | None
    actor: Principal
