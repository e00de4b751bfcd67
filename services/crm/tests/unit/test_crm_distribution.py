"""Round robin with a per-rep cap (C4): fair turns that do not depend on creation or id order."""

from __future__ import annotations

import uuid

import pytest

from crm.domain.distribution import RepTurn, ensure_below_cap, round_robin, waiting_order
from shared.errors import RuleViolation


def ids(count: int) -> list[uuid.UUID]:
    return [uuid.uuid4() for _ in range(count)]


def test_leads_go_round_the_reps_in_turn() -> None:
    a, b, c = ids(3)
    leads = ids(6)
    plan = round_robin(leads, [RepTurn(a, 0, 1), RepTurn(b, 0, 2), RepTurn(c, 0, 3)], cap=10, next_turn=4)

    assert [rep for _, rep in plan.assignments] == [a, b, c, a, b, c]
    assert [lead for lead, _ in plan.assignments] == leads
    assert plan.left_over == []
    assert plan.turns == {a: 7, b: 8, c: 9}


def test_the_rep_who_waited_longest_goes_first_whatever_the_ids() -> None:
    # Ids sorted one way, turns the other: the turn decides.
    first, second, third = sorted(ids(3), key=str)
    plan = round_robin(ids(3), [RepTurn(first, 0, 9), RepTurn(second, 0, 5), RepTurn(third, 0, 7)],
                       cap=10, next_turn=10)
    assert [rep for _, rep in plan.assignments] == [second, third, first]


def test_a_rep_who_never_had_a_lead_goes_before_everyone_who_had() -> None:
    veteran, newcomer = ids(2)
    plan = round_robin(ids(1), [RepTurn(veteran, 0, 1), RepTurn(newcomer, 5, None)], cap=10, next_turn=2)
    assert plan.assignments[0][1] == newcomer


def test_among_reps_who_never_had_a_turn_the_less_loaded_goes_first() -> None:
    busy, idle = ids(2)
    assert [r.rep_id for r in waiting_order([RepTurn(busy, 4), RepTurn(idle, 1)])] == [idle, busy]


def test_reps_at_the_cap_are_skipped_and_keep_their_place() -> None:
    full, free = ids(2)
    plan = round_robin(ids(2), [RepTurn(full, 3, 1), RepTurn(free, 0, 2)], cap=3, next_turn=3)
    assert [rep for _, rep in plan.assignments] == [free, free]
    assert full not in plan.turns, "passed over, so still the longest waiting next time"


def test_what_nobody_can_take_is_left_over_in_order() -> None:
    a, b = ids(2)
    leads = ids(5)
    plan = round_robin(leads, [RepTurn(a, 1, None), RepTurn(b, 2, None)], cap=3, next_turn=1)
    assert sorted(rep for _, rep in plan.assignments) == sorted([a, a, b])
    assert plan.left_over == leads[3:]


def test_no_reps_leaves_everything_over() -> None:
    leads = ids(2)
    plan = round_robin(leads, [], cap=3, next_turn=1)
    assert (plan.assignments, plan.left_over) == ([], leads)


def test_the_rotation_continues_from_one_distribution_to_the_next() -> None:
    a, b, c = ids(3)
    first = round_robin(ids(2), [RepTurn(a, 0), RepTurn(b, 0), RepTurn(c, 0)], cap=10, next_turn=1)
    served = {rep for _, rep in first.assignments}
    reps = [RepTurn(rep, 1 if rep in served else 0, first.turns.get(rep)) for rep in (a, b, c)]
    second = round_robin(ids(1), reps, cap=10, next_turn=3)
    assert second.assignments[0][1] not in served


def test_the_cap_holds_by_hand_too() -> None:
    ensure_below_cap(uuid.uuid4(), 2, 3)
    with pytest.raises(RuleViolation) as refused:
        ensure_below_cap(uuid.uuid4(), 3, 3)
    assert (refused.value.extra["open_leads"], refused.value.extra["cap"]) == (3, 3)
