"""Distribution strategies (C4): round robin, capacity-weighted, least loaded; caps for all of them;
a reason with every pick and a reason when nobody can take a lead."""

from __future__ import annotations

import uuid

import pytest

from crm.domain.strategies import Candidate, Strategy, manual_reason, plan, strategy_of
from shared.errors import InvalidInput


def ids(count: int) -> list[uuid.UUID]:
    return [uuid.uuid4() for _ in range(count)]


def rep(name: str, open_leads: int = 0, *, cap: int | None = 10, weight: int = 1,
        last_turn: int | None = None) -> Candidate:
    return Candidate(id=uuid.uuid4(), name=name, open_leads=open_leads, cap=cap, weight=weight, last_turn=last_turn)


def names(result, reps: list[Candidate]) -> list[str]:
    by_id = {r.id: r.name for r in reps}
    return [by_id[pick.member_id] for pick in result.picks]


def test_weighted_gives_in_proportion_to_the_weights() -> None:
    reps = [rep("Big", weight=2), rep("Small", weight=1)]
    result = plan(Strategy.WEIGHTED, ids(6), reps, next_turn=1)
    got = names(result, reps)
    assert (got.count("Big"), got.count("Small")) == (4, 2)
    assert got[0] == "Big", "the heavier weight first when both are empty"


def test_weighted_counts_what_each_rep_already_holds_per_unit_of_weight() -> None:
    # Big holds 4 at weight 2 (2 per unit), Small 1 at weight 1 (1 per unit): Small is less loaded.
    reps = [rep("Big", 4, weight=2), rep("Small", 1, weight=1)]
    result = plan(Strategy.WEIGHTED, ids(1), reps, next_turn=1)
    assert names(result, reps) == ["Small"]
    assert result.picks[0].reason.startswith("weighted: Small held 1 open lead at weight 1 (1.00 per unit")


def test_least_loaded_goes_to_the_fewest_open_leads_whatever_the_weight() -> None:
    reps = [rep("Busy", 5, weight=9), rep("Idle", 1), rep("Middle", 3)]
    result = plan(Strategy.LEAST_LOADED, ids(3), reps, next_turn=1)
    assert names(result, reps) == ["Idle", "Idle", "Middle"]
    assert result.picks[0].reason == "least loaded: Idle held the fewest open leads (1; the others 3–5), cap 10"


def test_round_robin_ignores_load_and_weight() -> None:
    reps = [rep("A", 0, last_turn=2, weight=5), rep("B", 9, last_turn=1)]
    result = plan(Strategy.ROUND_ROBIN, ids(2), reps, next_turn=3)
    assert names(result, reps) == ["B", "A"]
    assert "round robin: B's turn, waited longest (last lead at turn 1)" in result.picks[0].reason
    assert result.turns == {reps[1].id: 3, reps[0].id: 4}


@pytest.mark.parametrize("strategy", list(Strategy))
def test_every_strategy_skips_a_rep_at_their_own_cap_and_says_so(strategy: Strategy) -> None:
    full = rep("Full", 2, cap=2, weight=5)
    free = rep("Free", 7, cap=10, last_turn=9)
    result = plan(strategy, ids(2), [full, free], next_turn=10)
    assert [pick.member_id for pick in result.picks] == [free.id, free.id]
    assert all("skipped at their cap: Full (2/2)" in pick.reason for pick in result.picks)


@pytest.mark.parametrize("strategy", list(Strategy))
def test_when_everyone_is_at_the_cap_the_rest_stays_and_the_plan_says_why(strategy: Strategy) -> None:
    a, b = rep("A", 1, cap=2), rep("B", 0, cap=0)
    leads = ids(3)
    result = plan(strategy, leads, [a, b], next_turn=1)
    assert [pick.member_id for pick in result.picks] == [a.id]
    assert result.left_over == leads[1:]
    assert result.why_left_over == "every member is at their cap: A (2/2), B (0/0)"


def test_nobody_at_all_is_said_too() -> None:
    leads = ids(1)
    result = plan(Strategy.WEIGHTED, leads, [], next_turn=1, noun="active rep of the group")
    assert (result.left_over, result.why_left_over) == (leads, "no active rep of the group can take leads")


def test_a_member_without_a_cap_is_never_full() -> None:
    group = rep("group East", 10_000, cap=None)
    result = plan(Strategy.LEAST_LOADED, ids(2), [group], next_turn=1)
    assert len(result.picks) == 2 and "no cap" in result.picks[0].reason


def test_a_hand_assignment_says_why_with_or_without_the_distributors_words() -> None:
    assert manual_reason(None, name="Li Na", open_leads=1, cap=3) == "by hand: Li Na held 1 open lead, cap 3"
    assert manual_reason("knows them", name="Li Na", open_leads=0, cap=None) == \
        "knows them (by hand: Li Na held 0 open leads, no cap)"


def test_an_unknown_strategy_is_bad_input() -> None:
    with pytest.raises(InvalidInput):
        strategy_of("lottery")
