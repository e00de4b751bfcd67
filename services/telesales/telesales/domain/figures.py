"""Daily figures per agent (T3): what one stored call adds, and how rows add up to totals."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields

from telesales.domain.calls import Call, CallStage, Disposition


@dataclass(frozen=True)
class DailyFigures:
    dials: int = 0
    connected: int = 0
    effective: int = 0
    intents: int = 0
    appointments: int = 0
    orders: int = 0
    # Time on the line with someone: an unanswered call rings, it does not talk.
    talk_seconds: int = 0
    # Calls that broke a compliance rule (T6): on the do-not-call list, outside hours, over a cap.
    violations: int = 0

    def __add__(self, other: DailyFigures) -> DailyFigures:
        return DailyFigures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})

    def __sub__(self, other: DailyFigures) -> DailyFigures:
        return DailyFigures(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def contribution(call: Call) -> DailyFigures:
    """What one call adds to its agent's day. Applied once per call_id, so exact under redelivery."""
    return DailyFigures(
        dials=1,
        connected=int(call.connected),
        effective=int(call.effective),
        intents=int(call.disposition == Disposition.INTENT),
        appointments=int(call.disposition == Disposition.APPOINTMENT),
        orders=int(call.disposition == Disposition.ORDER),
        talk_seconds=call.duration_seconds if call.connected else 0,
        violations=int(bool(call.violations)),
    )


def total(figures: Iterable[DailyFigures]) -> DailyFigures:
    result = DailyFigures()
    for item in figures:
        result = result + item
    return result


@dataclass(frozen=True)
class AgentDay:
    """One agent's figures for one company day, with where they sat when they last dialled."""

    agent_id: uuid.UUID
    group_id: uuid.UUID | None
    department_id: uuid.UUID | None
    figures: DailyFigures


@dataclass(frozen=True)
class FunnelStep:
    stage: CallStage
    # Calls whose furthest stage is this one or a later one: they went through it (T2).
    reached: int


def funnel(furthest: dict[CallStage | None, int]) -> list[FunnelStep]:
    """The call-stage funnel from the count of calls by furthest stage reached; calls with no
    stage noted reached none."""
    steps: list[FunnelStep] = []
    running = 0
    for stage in reversed(list(CallStage)):
        running += furthest.get(stage, 0)
        steps.append(FunnelStep(stage, running))
    return list(reversed(steps))
