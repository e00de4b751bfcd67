"""The year-end bonus on the annual score (A1 + P3 + A5) and plan execution adjusting base income (A8),
with figures worked by hand and half-up rounding at the line (P9)."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from payroll_builders import plan, result

from payroll.domain.annual import (
    AnnualPolicy,
    AnnualResult,
    Owed,
    Paid,
    annual_bonus_line,
    payout_year,
    plan_execution_line,
    settle,
)
from payroll.domain.payslip import PayPolicy, compute_payslip
from payroll.domain.plans import ANNUAL_BONUS, BASE, ensure_plan_execution_fits
from payroll.domain.revisions import Figures, base_paid, difference, paid_figures
from shared.errors import InvalidInput

D = Decimal
ANN, BOB = uuid.UUID(int=1), uuid.UUID(int=2)
RUN, EARLIER_RUN = uuid.UUID(int=100), uuid.UUID(int=99)
POLICY = AnnualPolicy()


def annual(employee_id: uuid.UUID = ANN, *, year: int = 2025, score: str = "84.5", coefficient: str = "1.2",
           revision: int = 1) -> AnnualResult:
    months = tuple(f"{year}-{month:02d}" for month in range(1, 13))
    return AnnualResult(year=year, employee_id=employee_id, score=D(score), coefficient=D(coefficient),
                        months_scored=months[:11], months_missing=months[11:], missing_months_rule="employed_months",
                        revision=revision, computed_at=datetime(year + 1, 1, 10, tzinfo=UTC))


def annual_plan(base: str = "5000.00", **changes):
    return dataclasses.replace(plan(), parts=frozenset({BASE, ANNUAL_BONUS}), annual_bonus_base=D(base), **changes)


@pytest.mark.parametrize(("period", "run_month", "year"), [
    ("2026-01", 1, 2025), ("2026-02", 1, None), ("2025-12", 1, None), ("2026-03", 3, 2025), ("2027-01", 1, 2026),
])
def test_the_run_of_the_payout_month_pays_the_previous_year(period, run_month, year):
    assert payout_year(period, run_month) == year


@pytest.mark.parametrize(("base", "coefficient", "expected"), [
    ("5000.00", "1.2", "6000.00"),
    ("333.33", "1.5", "500.00"),   # 499.995 → half up
    ("3333.33", "0.5", "1666.67"),  # 1666.665 → half up, not to even
    ("5000.00", "0.8", "4000.00"),
])
def test_the_annual_bonus_is_the_base_times_the_annual_coefficient_rounded_half_up(base, coefficient, expected):
    line = annual_bonus_line(D(base), annual(coefficient=coefficient), plan_version=4)
    assert line.amount == D(expected)
    assert line.rule == "P3.annual_bonus" and line.kind == "annual_bonus"


def test_the_line_explains_itself():
    line = annual_bonus_line(D("5000.00"), annual(), plan_version=4)
    assert line.inputs["year"] == 2025
    assert line.inputs["annual_score"] == "84.5"
    assert line.inputs["coefficient"] == "1.2"
    assert line.inputs["annual_bonus_base"] == "5000.00"
    assert line.inputs["months_counted"] == 11 and line.inputs["months_missing"] == ["2025-12"]
    assert line.inputs["missing_months_rule"] == "employed_months"
    assert line.calculation == "5000.00 × 1.2 = 6000.000 → 6000.00"


def test_the_payout_run_pays_who_has_a_result_and_owes_who_has_none():
    settled = settle(RUN, "2026-01", POLICY, {ANN: annual_plan(), BOB: annual_plan("4000.00")},
                     {(2025, ANN): annual()}, {}, [])
    assert [line.amount for line in settled.lines[ANN]] == [D("6000.00")]
    assert BOB not in settled.lines
    assert settled.paid == [Paid(2025, ANN, D("5000.00"), 1, 1, D("6000.00"))]
    (owed,) = settled.owed
    assert (owed.year, owed.employee_id, owed.annual_bonus_base, owed.run_id) == (2025, BOB, D("4000.00"), RUN)
    assert "no annual appraisal result for 2025" in owed.reason


def test_a_plan_without_the_part_and_a_month_other_than_the_payout_month_pay_nothing():
    without = dataclasses.replace(plan(), annual_bonus_base=D("5000.00"))
    assert settle(RUN, "2026-01", POLICY, {ANN: without}, {(2025, ANN): annual()}, {}, []).paid == []
    nothing = settle(RUN, "2026-02", POLICY, {ANN: annual_plan()}, {(2025, ANN): annual()}, {}, [])
    assert (nothing.lines, nothing.paid, nothing.owed) == ({}, [], [])


def test_an_owed_bonus_is_paid_by_a_later_run_at_the_owing_runs_base_once_the_result_arrives():
    owed = Owed(2025, BOB, EARLIER_RUN, "2026-01", D("4000.00"), 2, "no result")
    still_waiting = settle(RUN, "2026-02", POLICY, {BOB: plan()}, {}, {}, [owed])
    assert (still_waiting.paid, still_waiting.owed) == ([], [])  # still owed by the January run, not owed twice
    settled = settle(RUN, "2026-03", POLICY, {BOB: plan()}, {(2025, BOB): annual(BOB, coefficient="1.5")}, {}, [owed])
    assert [line.amount for line in settled.lines[BOB]] == [D("6000.00")]
    assert settled.paid == [Paid(2025, BOB, D("4000.00"), 2, 1, D("6000.00"))]


def test_a_paid_bonus_is_never_paid_again_and_a_revision_pays_the_difference():
    before = Paid(2025, ANN, D("5000.00"), 1, 1, D("6000.00"))
    again = settle(RUN, "2026-01", POLICY, {ANN: annual_plan()}, {(2025, ANN): annual()}, {(2025, ANN): before}, [])
    assert (again.lines, again.paid) == ({}, [])
    revised = settle(RUN, "2026-04", POLICY, {ANN: annual_plan()},
                     {(2025, ANN): annual(coefficient="1.0", revision=2)}, {(2025, ANN): before}, [])
    (line,) = revised.lines[ANN]
    assert line.amount == D("-1000.00") and line.rule == "P3.annual_bonus.revision"
    assert revised.paid == [Paid(2025, ANN, D("5000.00"), 1, 2, D("-1000.00"))]


# --- A8: plan execution adjusts base income -----------------------------------------------------------

@pytest.mark.parametrize(("base", "score", "expected"), [
    ("3000.00", "80", "0.00"),       # the full score keeps base whole
    ("3000.00", "72", "-300.00"),    # 3000 × (72/80 − 1)
    ("3000.00", "90", "375.00"),     # 3000 × (90/80 − 1)
    ("3000.00", "100", "750.00"),    # 1.25: the cap
    ("1000.00", "70.5", "-118.75"),  # 1000 × (0.88125 − 1)
    ("333.33", "70", "-41.67"),      # −41.66625 → half up (away from zero)
])
def test_plan_execution_scales_the_base_paid_like_p2(base, score, expected):
    line = plan_execution_line(D(base), D(score), POLICY, plan_version=1)
    assert line.amount == D(expected)
    assert line.rule == "A8.plan_execution"


def test_the_cap_is_configuration():
    capped = AnnualPolicy(plan_execution_max_factor=D(1))
    assert plan_execution_line(D("3000.00"), D(95), capped, plan_version=1).amount == D("0.00")


def test_only_a_plan_that_opts_in_and_a_month_with_a_plan_execution_score_adjust_base():
    month = dataclasses.replace(result(), plan_execution=D(60))
    rules = [line.rule for line in compute_payslip(month, "sales_rep", plan(), PayPolicy()).lines]
    assert "A8.plan_execution" not in rules
    opted = dataclasses.replace(plan(), base_follows_plan_execution=True)
    slip = compute_payslip(month, "sales_rep", opted, PayPolicy())
    adjustment = next(line for line in slip.lines if line.rule == "A8.plan_execution")
    assert adjustment.amount == D("-750.00")  # 3000 × (60/80 − 1)
    assert slip.gross == sum((line.amount for line in slip.lines), D("0.00"))
    no_score = compute_payslip(result(), "sales_rep", opted, PayPolicy())
    assert "A8.plan_execution" not in [line.rule for line in no_score.lines]


def test_plan_execution_needs_the_base_part():
    with pytest.raises(InvalidInput, match="base_follows_plan_execution"):
        ensure_plan_execution_fits(frozenset({ANNUAL_BONUS}), True)
    ensure_plan_execution_fits(frozenset({ANNUAL_BONUS}), False)


def test_a_revised_plan_execution_score_of_a_locked_month_is_paid_as_a_difference():
    opted = dataclasses.replace(plan(), base_follows_plan_execution=True)
    month = dataclasses.replace(result(), plan_execution=D(60))
    locked = compute_payslip(month, "sales_rep", opted, PayPolicy())
    stored = [{"kind": line.kind, "amount": str(line.amount)} for line in locked.lines]
    before = paid_figures(stored, revision=1, score=month.score, coefficient=month.coefficient)
    assert before.plan_execution == D("-750.00")
    revised = dataclasses.replace(month, plan_execution=D(80), revision=2)
    adjustment = difference(before, opted, revised, D(80), period="2026-10", locked_run_id=RUN, revision=2,
                            base=base_paid(stored), annual=POLICY)
    assert adjustment is not None and adjustment.amount == D("750.00")
    assert adjustment.after.as_json()["plan_execution"] == "0.00"
    # Figures stored before A8 existed read back with no adjustment.
    assert Figures.from_json({k: v for k, v in before.as_json().items() if k != "plan_execution"}).plan_execution == 0
