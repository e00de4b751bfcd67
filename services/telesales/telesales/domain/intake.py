"""What intake decides before it publishes a batch (T7), without I/O: whether a service account
may send for each agent of the batch, and how a resubmitted call differs from the stored one."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum

from telesales.domain.calls import Placement
from telesales.domain.service_accounts import ServiceAccount


class ScopeProblem(StrEnum):
    OUT_OF_SCOPE = "out_of_scope"
    # Not in telesales' directory replica (yet): refused now, accepted once org's hire event arrived.
    UNKNOWN_AGENT = "unknown_agent"


@dataclass(frozen=True)
class RecordAgent:
    index: int
    call_id: str
    agent_id: uuid.UUID


@dataclass(frozen=True)
class OutOfScope:
    record: RecordAgent
    problem: ScopeProblem
    reason: str


def scope_problems(account: ServiceAccount, records: Sequence[RecordAgent],
                   placements: Mapping[uuid.UUID, Placement | None]) -> list[OutOfScope]:
    """Each record whose agent the account may not send for; ``placements`` holds every agent of
    ``records``, None for one the directory replica does not know."""
    found: list[OutOfScope] = []
    for record in records:
        placement = placements.get(record.agent_id)
        if placement is None:
            found.append(OutOfScope(record, ScopeProblem.UNKNOWN_AGENT,
                                    f"agent {record.agent_id} is unknown to telesales: its directory has not "
                                    "heard of this employee yet; send the batch again in a minute"))
        elif not account.covers(group_id=placement.group_id, department_id=placement.department_id):
            found.append(OutOfScope(record, ScopeProblem.OUT_OF_SCOPE,
                                    f"agent {record.agent_id} is not in a department or group of this "
                                    "service account"))
    return found


@dataclass(frozen=True)
class CallContent:
    """What a resubmission must repeat to be the same record (the fingerprinted fields)."""

    agent_id: uuid.UUID
    number_dialled: str
    started_at: datetime
    duration_seconds: int
    connected: bool
    disposition: str
    lead_id: uuid.UUID | None
    stage_reached: str | None
    notes: str | None
    next_step: str | None


def differing_fields(stored: CallContent, sent: CallContent) -> tuple[str, ...]:
    """The fields in which ``sent`` differs from the call as first stored (instants compared as
    instants, whatever their offset)."""
    return tuple(item.name for item in fields(CallContent)
                 if getattr(stored, item.name) != getattr(sent, item.name))
