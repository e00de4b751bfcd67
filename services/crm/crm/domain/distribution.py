"""Distribution of a group's leads to its members (客户资源分配, C4.2), fairly.

Round robin with a per-rep cap on open leads. The rotation is remembered per group as a turn
number per rep (the last time the rep got a lead in that group, manual assignments included):
the rep who has waited longest goes first, whatever the order they joined or the order of ids.
A rep at the cap is passed over and keeps their place, so they are first again once below it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from shared.errors import RuleViolation


@dataclass(frozen=True)
class RepTurn:
    rep_id: uuid.UUID
    open_leads: int
    # The group's turn number when the rep last got a lead; None: never, so they have waited longest.
    last_turn: int | None = None


@dataclass(frozen=True)
class Distribution:
    assignments: list[tuple[uuid.UUID, uuid.UUID]]  # (lead_id, rep_id), in the order given
    left_over: list[uuid.UUID]  # everyone eligible was at the cap
    turns: dict[uuid.UUID, int] = field(default_factory=dict)  # rep -> their new last turn


def waiting_order(reps: Sequence[RepTurn]) -> list[RepTurn]:
    """Longest-waiting first; among reps who never had a turn, the less loaded; the id only as a
    last resort, so that the order is deterministic."""
    return sorted(reps, key=lambda r: (r.last_turn is not None, r.last_turn or 0, r.open_leads, str(r.rep_id)))


def round_robin(lead_ids: Sequence[uuid.UUID], reps: Sequence[RepTurn], *, cap: int, next_turn: int
                ) -> Distribution:
    queue = waiting_order(reps)
    load = {rep.rep_id: rep.open_leads for rep in queue}
    assignments: list[tuple[uuid.UUID, uuid.UUID]] = []
    turns: dict[uuid.UUID, int] = {}
    for index, lead_id in enumerate(lead_ids):
        taker = next((rep for rep in queue if load[rep.rep_id] < cap), None)
        if taker is None:
            return Distribution(assignments, list(lead_ids[index:]), turns)
        assignments.append((lead_id, taker.rep_id))
        load[taker.rep_id] += 1
        turns[taker.rep_id] = next_turn
        next_turn += 1
        queue.remove(taker)
        queue.append(taker)
    return Distribution(assignments, [], turns)


def ensure_below_cap(rep_id: uuid.UUID, open_leads: int, cap: int) -> None:
    """The cap holds for assignments by hand too: a leader cannot bury one rep in leads."""
    if open_leads >= cap:
        raise RuleViolation(f"the rep already holds {open_leads} open leads, the cap is {cap}",
                            rep_id=str(rep_id), open_leads=open_leads, cap=cap)
