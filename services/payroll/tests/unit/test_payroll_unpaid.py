"""Why a payment is not paid yet (issue 9, item 7): one reason, in the order a clerk fixes them."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest
from payroll_builders import collection, plan

from payroll.domain.plans import BASE, PERFORMANCE_PAY
from payroll.domain.roster import Blocker
from payroll.domain.unpaid import RepStanding, UnpaidReason, why_unpaid

OCT = collection("100.00", period="2026-10")
REP = RepStanding(name="Ann", left_on=None, blocker=None, plan=plan())


def reason(standing: RepStanding = REP, *, runs: set[str] = frozenset(), closed: set[str] = frozenset(),
           latest: str | None = None, payment=OCT) -> UnpaidReason:
    return why_unpaid(payment, standing, run_periods=set(runs), closed_periods=set(closed),
                      latest_run_period=latest).reason


def test_a_blocker_comes_first_even_without_a_plan() -> None:
    blocker = ("2026-10", Blocker(uuid.uuid4(), "Ann", "sales_rep", "no result"))
    assert reason(replace(REP, blocker=blocker, plan=None), runs={"2026-10"}, latest="2026-10") is UnpaidReason.BLOCKED


def test_a_plan_without_commission_or_no_plan_earns_nothing() -> None:
    no_commission = replace(plan("department_manager"), parts=frozenset({BASE, PERFORMANCE_PAY}))
    assert reason(replace(REP, plan=no_commission)) is UnpaidReason.NO_COMMISSION
    assert reason(replace(REP, plan=None)) is UnpaidReason.NO_COMMISSION


@pytest.mark.parametrize(("runs", "closed", "latest", "expected"), [
    (set(), set(), None, UnpaidReason.PERIOD_NOT_CLOSED),
    (set(), {"2026-10"}, None, UnpaidReason.AWAITING_PERIOD_RUN),
    ({"2026-09"}, set(), "2026-09", UnpaidReason.PERIOD_NOT_CLOSED),
    ({"2026-10"}, {"2026-10"}, "2026-10", UnpaidReason.NEXT_RUN),
    ({"2026-10", "2026-11"}, {"2026-10", "2026-11"}, "2026-11", UnpaidReason.NEXT_RUN),
])
def test_what_pays_it_depends_on_the_runs(runs, closed, latest, expected) -> None:
    assert reason(runs=runs, closed=closed, latest=latest) is expected


@pytest.mark.parametrize(("left_on", "runs", "latest", "expected"), [
    # Left during October, whose run is still to come: that run includes them.
    (date(2026, 10, 15), set(), None, UnpaidReason.PERIOD_NOT_CLOSED),
    # October's run is done; the next is November's, after they left.
    (date(2026, 10, 15), {"2026-10"}, "2026-10", UnpaidReason.NOT_ON_LATER_RUNS),
    # Left on the 1st of November: November's run includes them.
    (date(2026, 11, 1), {"2026-10"}, "2026-10", UnpaidReason.NEXT_RUN),
    (date(2026, 10, 31), {"2026-10"}, "2026-10", UnpaidReason.NOT_ON_LATER_RUNS),
])
def test_a_leaver_is_listed_only_when_no_run_to_come_includes_them(left_on, runs, latest, expected) -> None:
    assert reason(replace(REP, left_on=left_on), runs=runs, closed=runs, latest=latest) is expected
