"""Distribution strategies (客户资源分配, C4), for both levels: a department's leads to its groups
(C4.1) and a group's leads to its members (C4.2).

- round robin: the member who has waited longest since their last lead goes first;
- weighted: capacity-weighted, the member with the fewest open leads *per unit of weight* goes first,
  so that a rep of weight 2 ends up holding twice the leads of a rep of weight 1 (the weight is the
  leader's judgement of capacity and ability);
- least loaded: the member with the fewest open leads goes first, weights ignored.

Every strategy skips a member at their cap on open leads (a member without a cap is never full);
when nobody can take more the rest stays where it is and the plan says why. Every pick carries a
sentence saying why this member (strategy, load, weight, cap), for the ``LeadAssigned`` event and
the lead's history: a distribution that cannot explain itself is not seen as fair.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from shared.errors import InvalidInput


class Strategy(StrEnum):
    ROUND_ROBIN = "round_robin"
    WEIGHTED = "weighted"
    LEAST_LOADED = "least_loaded"


def strategy_of(value: str, *, field_name: str = "strategy") -> Strategy:
    try:
        return Strategy(value)
    except ValueError:
        raise InvalidInput(field_name, f"unknown strategy {value!r}; one of: "
                                       f"{', '.join(s.value for s in Strategy)}") from None


@dataclass(frozen=True)
class Candidate:
    """A rep (or a group) who may receive leads."""

    id: uuid.UUID
    name: str
    open_leads: int
    cap: int | None  # None: never full
    weight: int = 1
    # The unit's turn number when the member last got a lead; None: never, so they waited longest.
    last_turn: int | None = None


@dataclass(frozen=True)
class Pick:
    lead_id: uuid.UUID
    member_id: uuid.UUID
    reason: str


@dataclass(frozen=True)
class Plan:
    strategy: Strategy
    picks: list[Pick]
    left_over: list[uuid.UUID]  # in the order given
    why_left_over: str | None = None
    turns: dict[uuid.UUID, int] = field(default_factory=dict)  # member -> their new last turn


def _cap_text(cap: int | None) -> str:
    return "no cap" if cap is None else f"cap {cap}"


def _leads(count: int) -> str:
    return f"{count} open lead{'' if count == 1 else 's'}"


def plan(strategy: Strategy, lead_ids: Sequence[uuid.UUID], candidates: Sequence[Candidate], *, next_turn: int,
         noun: str = "member") -> Plan:
    """Who gets each lead, in the order given (oldest lead first)."""
    load = {c.id: c.open_leads for c in candidates}
    turn: dict[uuid.UUID, int | None] = {c.id: c.last_turn for c in candidates}
    turns: dict[uuid.UUID, int] = {}
    picks: list[Pick] = []

    def waited(c: Candidate) -> tuple:
        # Never served first, then the oldest turn; among the never-served the less loaded; the id last
        # so that the order never depends on the database's.
        last = turn[c.id]
        return (last is not None, last or 0, load[c.id], str(c.id))

    def key(c: Candidate) -> tuple:
        if strategy is Strategy.LEAST_LOADED:
            return (load[c.id], *waited(c))
        if strategy is Strategy.WEIGHTED:
            return (Fraction(load[c.id], c.weight), -c.weight, *waited(c))
        return waited(c)

    for index, lead_id in enumerate(lead_ids):
        free = [c for c in candidates if c.cap is None or load[c.id] < c.cap]
        if not free:
            return Plan(strategy, picks, list(lead_ids[index:]), _why_nobody(candidates, load, noun), turns)
        taker = min(free, key=key)
        full = [c for c in candidates if c not in free]
        picks.append(Pick(lead_id, taker.id, _reason(strategy, taker, load, turn, free, full)))
        load[taker.id] += 1
        turn[taker.id] = turns[taker.id] = next_turn
        next_turn += 1
    return Plan(strategy, picks, [], None, turns)


def _reason(strategy: Strategy, taker: Candidate, load: dict[uuid.UUID, int], turn: dict[uuid.UUID, int | None],
            free: list[Candidate], full: list[Candidate]) -> str:
    held = load[taker.id]
    others = [load[c.id] for c in free if c.id != taker.id]
    if strategy is Strategy.LEAST_LOADED:
        spread = f"; the others {min(others)}–{max(others)}" if others else ", the only one free"
        text = f"least loaded: {taker.name} held the fewest open leads ({held}{spread}), {_cap_text(taker.cap)}"
    elif strategy is Strategy.WEIGHTED:
        per_unit = Fraction(held, taker.weight)
        text = (f"weighted: {taker.name} held {_leads(held)} at weight {taker.weight} "
                f"({float(per_unit):.2f} per unit of weight, the lowest), {_cap_text(taker.cap)}")
    else:
        last = turn[taker.id]
        since = "never had a lead here" if last is None else f"last lead at turn {last}"
        text = (f"round robin: {taker.name}'s turn, waited longest ({since}); held {_leads(held)}, "
                f"{_cap_text(taker.cap)}")
    if full:
        text += "; skipped at their cap: " + ", ".join(f"{c.name} ({load[c.id]}/{c.cap})" for c in full)
    return text


def _why_nobody(candidates: Sequence[Candidate], load: dict[uuid.UUID, int], noun: str) -> str:
    if not candidates:
        return f"no {noun} can take leads"
    return f"every {noun} is at their cap: " + ", ".join(f"{c.name} ({load[c.id]}/{c.cap})" for c in candidates)


def manual_reason(given: str | None, *, name: str, open_leads: int, cap: int | None) -> str:
    """A hand assignment says why too: the distributor's words, and the load it was made at."""
    facts = f"by hand: {name} held {_leads(open_leads)}, {_cap_text(cap)}"
    return f"{given} ({facts})" if given else facts
