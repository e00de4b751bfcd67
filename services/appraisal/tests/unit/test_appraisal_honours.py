"""Rankings within department and role, and honours as configuration (A7), without a database."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from appraisal_builders import d, policy

from appraisal.config import AppraisalSettings
from appraisal.domain.honours import Contender, HonourRule, award, department_role_ranks
from shared.auth import Role

SALES, PHONES = uuid.uuid4(), uuid.uuid4()
LAST_DAY = date(2026, 10, 31)


def person(role=Role.SALES_REP, department=SALES, score="80", hired_on=date(2024, 1, 1), group=None, **measures):
    return Contender(employee_id=uuid.uuid4(), role=role, department_id=department, group_id=group, score=d(score),
                     measures={k: d(v) for k, v in measures.items()}, hired_on=hired_on)


def rule(**changes) -> HonourRule:
    base = {"key": "star", "name": "Star", "measure": "sales_amount", "roles": (Role.SALES_REP,),
            "scope": "department", "min_score": d(70)}
    return HonourRule(**{**base, **changes})


def test_ranks_never_mix_departments_or_roles():
    rep_a, rep_b = person(score="90"), person(score="70")
    agent = person(Role.TELESALES_AGENT, PHONES, score="60")
    other_department = person(department=PHONES, score="95")
    ranked = department_role_ranks([rep_a, rep_b, agent, other_department])
    assert [ranked[c.employee_id] for c in (rep_a, rep_b, agent, other_department)] == [1, 2, 1, 1]


def test_the_highest_measure_in_each_department_wins_above_the_minimum_score():
    best = person(sales_amount="90000")
    second = person(sales_amount="50000")
    below_minimum = person(score="69.99", sales_amount="200000")
    elsewhere = person(department=PHONES, sales_amount="10000")
    honours = award([rule()], [best, second, below_minimum, elsewhere], "2026-10", LAST_DAY)
    assert {h.employee_id for h in honours} == {best.employee_id, elsewhere.employee_id}
    assert {h.value for h in honours} == {d(90000), d(10000)}


def test_ties_share_the_honour_and_nothing_is_awarded_on_zero():
    one, two = person(sales_amount="5000"), person(sales_amount="5000")
    assert len(award([rule(scope="company")], [one, two], "2026-10", LAST_DAY)) == 2
    assert award([rule()], [person()], "2026-10", LAST_DAY) == []


def test_best_newcomer_only_within_the_hiring_window():
    newcomer = person(score="75", hired_on=date(2026, 9, 1))
    veteran = person(score="95", hired_on=date(2026, 7, 1))
    honours = award([rule(measure="score", scope="company", hired_within_days=90)], [newcomer, veteran], "2026-10",
                    LAST_DAY)
    assert [h.employee_id for h in honours] == [newcomer.employee_id]


def test_best_team_is_the_groups():
    group = uuid.uuid4()
    leader = person(Role.GROUP_LEADER, group=group, group_sales_amount="300000")
    [honour] = award([rule(measure="group_sales_amount", roles=(Role.GROUP_LEADER,), scope="company",
                           min_score=d(0))], [leader], "2026-10", LAST_DAY)
    assert (honour.employee_id, honour.group_id) == (leader.employee_id, group)


def test_the_default_honours_are_the_seeds_five():
    assert [h.key for h in policy().honours] == [
        "sales_star", "customer_service_model", "sales_champion", "best_team", "best_newcomer"]


def test_a_misconfigured_honour_is_refused_at_start():
    with pytest.raises(ValueError, match="measure"):
        AppraisalSettings(_env_file=None, honours=[{"key": "x", "name": "X", "measure": "nothing", "roles": ["hr"]}])
