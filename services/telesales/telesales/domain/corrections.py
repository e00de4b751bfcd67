"""Corrections of a stored call: its outcome, furthest stage or notes change in a new version that
says who and why; the original record stays as version 1."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from telesales.domain.calls import Call, CallStage, Disposition, call_problems
from telesales.domain.effectiveness import EffectiveConversationRule

_UNSET = object()


@dataclass(frozen=True)
class Correction:
    disposition: Disposition | None = None
    stage_reached: CallStage | object | None = _UNSET
    notes: str | object | None = _UNSET
    reason: str = ""

    @property
    def changes_nothing(self) -> bool:
        return self.disposition is None and self.stage_reached is _UNSET and self.notes is _UNSET


UNSET = _UNSET


def corrected(call: Call, correction: Correction, rule: EffectiveConversationRule) -> Call:
    """The next version of ``call``; effectiveness follows the new outcome by the rule now in force."""
    disposition = correction.disposition or call.disposition
    return replace(
        call,
        disposition=disposition,
        stage_reached=call.stage_reached if correction.stage_reached is _UNSET else correction.stage_reached,
        notes=call.notes if correction.notes is _UNSET else correction.notes,
        effective=rule.is_effective(connected=call.connected, duration_seconds=call.duration_seconds,
                                    disposition=disposition),
        version=call.version + 1,
    )


def correction_problems(call: Call, correction: Correction) -> list[tuple[str, str]]:
    """Faults of the corrected record as a whole, as (field, reason)."""
    if correction.changes_nothing:
        return [("disposition", "give at least one of disposition, stage_reached, notes to correct")]
    disposition = correction.disposition or call.disposition
    # The start time was judged when the call came in; only the outcome against `connected` is new.
    return [(name, reason) for name, reason in call_problems(
        connected=call.connected, disposition=disposition, started_at=call.started_at, now=call.started_at,
        max_future_skew=timedelta(0)) if name == "disposition"]


@dataclass(frozen=True)
class CorrectionWindow:
    """How long after a call its agent may correct it alone; the leader may correct it at any time."""

    agent_hours: int

    def open_for_agent(self, call: Call, now: datetime) -> bool:
        return now - call.started_at <= timedelta(hours=self.agent_hours)


def content_fingerprint(*, agent_id: uuid.UUID, number_dialled: str, started_at: datetime,
                        duration_seconds: int, connected: bool, disposition: str, lead_id: uuid.UUID | None,
                        stage_reached: str | None, notes: str | None, next_step: str | None) -> str:
    """What a resubmission must repeat to be the same record: a different one under a taken
    call_id is a conflict, not a retry."""
    canonical = json.dumps([str(agent_id), number_dialled, started_at.timestamp(), duration_seconds, connected,
                            disposition, str(lead_id) if lead_id else None, stage_reached, notes, next_step])
    return hashlib.sha256(canonical.encode()).hexdigest()
