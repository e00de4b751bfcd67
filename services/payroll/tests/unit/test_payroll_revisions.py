"""P8 revisions: the difference a revised appraisal result makes to what a locked run paid, and when a
period's results stand (hand-computed; no database)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from payroll.domain.completeness import ClosedPeriod, assess
from payroll.domain.payslip import FinalResult, PayPolicy, compute_payslip
from payroll.domain.plans import BASE, BONUS, PERFORMANCE_PAY, CompensationPlan
from payroll.domain.revisions import Figures, Reopening, difference, paid_figures, revision_line
from payroll.domain.runs import PayRun, RunStatus
from shared.errors import Conflict

D = Decimal
ANN, BAO = uuid.UUID(int=0xA), uuid.UUID(int=0xB)
RUN = uuid.UUID(int=0x1)
AT = datetime(2026, 11, 5, 9, tzinfo=UTC)
PLAN = CompensationPlan(role="sales_rep", version=3, effective_from="2026-01", monthly_base=D("3000"),
                        performance_standard=D("2000"), bonus_base=D("1000"), commission_rate=D("0.02"))


def result(score: str, coefficient: str, revision: int = 2, employee_id: uuid.UUID = ANN) -> FinalResult:
    return FinalResult(period="2026-10", employee_id=employee_id, role="sales_rep", score=D(score),
                       coefficient=D(coefficient), revision=revision)


def locked_figures(score: str = "88", coefficient: str = "1.2") -> Figures:
    """What the locked run's payslip paid: 2000 × 88 ÷ 80 = 2200.00 and 1000 × 1.2 = 1200.00."""
    slip = compute_payslip(result(score, coefficient, revision=1), "sales_rep", PLAN, PayPolicy())
    lines = [{"kind": line.kind, "amount": str(line.amount)} for line in slip.lines]
    return paid_figures(lines, revision=1, score=D(score), coefficient=D(coefficient))


def test_what_the_locked_payslip_paid_is_its_performance_pay_and_bonus_only() -> None:
    before = locked_figures()
    assert (before.performance_pay, before.bonus, before.total) == (D("2200.00"), D("1200.00"), D("3400.00"))


def test_a_lower_revised_score_pays_back_the_difference() -> None:
    # 2000 × 70.5 ÷ 80 = 1762.50, 1000 × 0.85 = 850.00: 2612.50 − 3400.00 = −787.50.
    adjustment = difference(locked_figures(), PLAN, result("70.5", "0.85"), D(80), period="2026-10",
                            locked_run_id=RUN, revision=2)
    assert adjustment is not None
    assert (adjustment.after.performance_pay, adjustment.after.bonus) == (D("1762.50"), D("850.00"))
    assert adjustment.amount == D("-787.50")


def test_each_revised_line_is_rounded_half_up_before_the_difference() -> None:
    # 2000 × 77.777 ÷ 80 = 1944.425 → 1944.43; 1000 × 1.1115 = 1111.50; 3055.93 − 3400.00 = −344.07.
    adjustment = difference(locked_figures(), PLAN, result("77.777", "1.1115"), D(80), period="2026-10",
                            locked_run_id=RUN, revision=2)
    assert adjustment is not None
    assert adjustment.after.performance_pay == D("1944.43")
    assert adjustment.amount == D("-344.07")


def test_the_full_score_is_the_locked_runs() -> None:
    # With the full score at 100 the run paid 2000 × 88 ÷ 100 = 1760.00; the revision 90 gives 1800.00.
    before = Figures(revision=1, score=D(88), coefficient=D("1.2"), performance_pay=D("1760.00"),
                     bonus=D("1200.00"))
    adjustment = difference(before, PLAN, result("90", "1.2"), D(100), period="2026-10", locked_run_id=RUN,
                            revision=2)
    assert adjustment is not None and adjustment.amount == D("40.00")


def test_a_later_revision_is_measured_from_the_earlier_revisions_figures() -> None:
    # Revision 2 paid +350.00 (90, 1.5 → 2250.00 + 1500.00); revision 3 (80, 1.0 → 2000.00 + 1000.00) is
    # −750.00 more, so the person ends with 3000.00 paid in all, as revision 3 says.
    second = difference(locked_figures(), PLAN, result("90", "1.5"), D(80), period="2026-10", locked_run_id=RUN,
                        revision=2)
    assert second is not None and second.amount == D("350.00")
    third = difference(second.after, PLAN, result("80", "1.0", revision=3), D(80), period="2026-10",
                       locked_run_id=RUN, revision=3)
    assert third is not None and (third.before.revision, third.after.revision) == (2, 3)
    assert third.amount == D("-750.00")
    assert locked_figures().total + second.amount + third.amount == D("3000.00")


def test_only_the_parts_the_plan_pays_are_recomputed() -> None:
    no_bonus = CompensationPlan(**{**PLAN.__dict__, "parts": frozenset({BASE, PERFORMANCE_PAY})})
    before = Figures(revision=1, score=D(88), coefficient=D("1.2"), performance_pay=D("2200.00"), bonus=D("0.00"))
    adjustment = difference(before, no_bonus, result("96", "2.0"), D(80), period="2026-10", locked_run_id=RUN,
                            revision=2)
    assert adjustment is not None and (adjustment.after.bonus, adjustment.amount) == (D("0.00"), D("200.00"))
    fixed = CompensationPlan(**{**PLAN.__dict__, "parts": frozenset({BASE, PERFORMANCE_PAY}),
                                "performance_fixed": D("1500")})
    paid = Figures(revision=1, score=D(88), coefficient=D("1.2"), performance_pay=D("1500.00"), bonus=D("0.00"))
    # A fixed performance amount does not depend on the score: nothing to pay.
    assert difference(paid, fixed, result("50", "0.5"), D(80), period="2026-10", locked_run_id=RUN,
                      revision=2) is None
    assert BONUS not in fixed.parts


def test_an_unchanged_revision_pays_nothing() -> None:
    assert difference(locked_figures(), PLAN, result("88", "1.2"), D(80), period="2026-10", locked_run_id=RUN,
                      revision=2) is None


def test_the_line_names_the_period_the_revisions_and_both_figures() -> None:
    adjustment = difference(locked_figures(), PLAN, result("70.5", "0.85"), D(80), period="2026-10",
                            locked_run_id=RUN, revision=2)
    assert adjustment is not None
    line = revision_line(adjustment)
    assert (line.rule, line.kind, line.amount) == ("P8.revision", "adjustment", D("-787.50"))
    assert line.calculation == "2612.50 − 3400.00 = -787.50"
    assert line.inputs["from_period"] == "2026-10"
    assert (line.inputs["from_revision"], line.inputs["to_revision"]) == (1, 2)
    assert line.inputs["before"]["total"] == "3400.00" and line.inputs["after"]["total"] == "2612.50"
    assert line.inputs["after"]["score"] == "70.5" and line.inputs["plan_version"] == 3


def close(revision: int, count: int = 2) -> ClosedPeriod:
    return ClosedPeriod(period="2026-10", employee_count=count, closed_at=AT, closed_by=uuid.uuid4(),
                        revision=revision)


def reopen(revision: int) -> Reopening:
    return Reopening(period="2026-10", revision=revision, reason="HR corrected a review", reopened_at=AT,
                     reopened_by=uuid.uuid4())


def test_a_reopened_period_waits_for_the_revised_close_and_all_its_results() -> None:
    first = [result("88", "1.2", 1, ANN), result("60", "0.8", 1, BAO)]
    assert assess("2026-10", close(1), first, {}, [PLAN]).ready
    waiting = assess("2026-10", close(1), first, {}, [PLAN], reopen(1))
    assert not waiting.ready and "reopened" in waiting.waiting_for[0]
    # Revision 2 results before their close: still waiting.
    mixed = [result("70", "1.0", 2, ANN), result("60", "0.8", 1, BAO)]
    assert not assess("2026-10", close(1), mixed, {}, [PLAN], reopen(1)).ready
    # The revised close with one of its two results: waiting; with both: ready at revision 2.
    half = assess("2026-10", close(2), mixed, {}, [PLAN], reopen(1))
    assert not half.ready and half.waiting_for == ["appraisal closed the period again (revision 2); "
                                                   "revised results: 1 of 2 received"]
    done = assess("2026-10", close(2), [result("70", "1.0", 2, ANN), result("65", "0.9", 2, BAO)], {}, [PLAN],
                  reopen(1))
    assert done.ready and done.revision == 2


@pytest.mark.parametrize("action", ["approve", "lock"])
def test_a_draft_waiting_for_revised_results_is_neither_approved_nor_locked(action: str) -> None:
    run = PayRun(id=RUN, period="2026-10", status=RunStatus.APPROVED if action == "lock" else RunStatus.COMPUTED,
                 payslip_count=1, total_gross=D("1.00"), computed_at=AT, full_score_at=D(80),
                 approved_by=uuid.uuid4(), awaiting_revision="appraisal reopened the period")
    with pytest.raises(Conflict, match="reopened"):
        getattr(run, action)(uuid.uuid4(), AT)
