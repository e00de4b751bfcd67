"""The pay formulas (P1–P3, P4 by collection, P8) with figures worked by hand, and rounding (P9)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from payroll_builders import collection, plan, result

from payroll.domain.adjustments import late_commission_line
from payroll.domain.bonus import bonus_line
from payroll.domain.commission import commission_line
from payroll.domain.money import to_cents
from payroll.domain.payslip import LateCollections, PayPolicy, compute_payslip
from payroll.domain.performance_pay import performance_pay, performance_pay_line

D = Decimal
EIGHTY = D(80)


def test_half_a_cent_rounds_up_not_to_even():
    assert to_cents(D("0.005")) == D("0.01")
    assert to_cents(D("0.015")) == D("0.02")  # banker's rounding would give 0.02 too; 0.025 tells them apart
    assert to_cents(D("0.025")) == D("0.03")
    assert to_cents(D("0.0049999")) == D("0.00")
    assert to_cents(D("-0.005")) == D("-0.01")


@pytest.mark.parametrize(("standard", "score", "full", "expected"), [
    ("3000.00", "80", "80", "3000.00"),   # the full score earns the standard
    ("3000.00", "90", "80", "3375.00"),   # 3000 × 90 ÷ 80
    ("3000.00", "72.5", "80", "2718.75"),  # 217500 ÷ 80
    ("2500.00", "85.3", "80", "2665.63"),  # 213250 ÷ 80 = 2665.625 → half up
    ("1000.00", "71", "75", "946.67"),    # 946.666… with a company full score of 75
    ("1000.00", "70", "75", "933.33"),    # 933.333…
    ("3000.00", "90", "100", "2700.00"),  # a company that pays in full only at 100
    ("3000.00", "0", "80", "0.00"),
])
def test_performance_pay_is_the_standard_times_score_over_the_full_score(standard, score, full, expected):
    line = performance_pay_line(D(standard), D(score), D(full), plan_version=3)
    assert line.amount == D(expected)
    assert line.rule == "P2.performance_pay"
    assert line.inputs == {"performance_standard": standard, "score": score, "full_score_at": full, "plan_version": 3}


def test_performance_pay_half_a_cent_rounds_up():
    # 0.01 × 40 ÷ 80 = 0.005 exactly
    assert performance_pay(D("0.01"), D(40), EIGHTY) == D("0.005")
    assert performance_pay_line(D("0.01"), D(40), EIGHTY, plan_version=1).amount == D("0.01")


def test_performance_pay_refuses_a_zero_full_score():
    with pytest.raises(ValueError):
        performance_pay(D(1000), D(80), D(0))


@pytest.mark.parametrize(("base", "coefficient", "expected"), [
    ("2000.00", "1.2", "2400.00"),
    ("333.33", "1.5", "500.00"),    # 499.995 → 500.00
    ("1234.57", "0.8", "987.66"),   # 987.656
    ("1000.00", "0.5", "500.00"),
    ("0.01", "0.5", "0.01"),        # 0.005 → 0.01
])
def test_bonus_is_the_base_times_the_coefficient(base, coefficient, expected):
    line = bonus_line(D(base), D(coefficient), score=D(75), plan_version=1)
    assert (line.rule, line.amount) == ("P3.bonus", D(expected))
    assert line.inputs["coefficient"] == coefficient


def test_commission_is_the_rate_on_the_money_collected():
    rep = uuid.uuid4()
    paid = [collection("10000.00", rep_id=rep), collection("5000.50", rep_id=rep)]
    line = commission_line(D("0.03"), paid, period="2026-10", plan_version=2)
    # 0.03 × 15000.50 = 450.015 → 450.02
    assert (line.rule, line.amount) == ("P4.commission", D("450.02"))
    assert line.inputs["collected"] == "15000.50"
    assert sorted(p["payment_id"] for p in line.inputs["payments"]) == sorted(str(p.payment_id) for p in paid)


def test_commission_rounds_once_on_the_sum_not_per_payment():
    paid = [collection("0.30"), collection("0.30")]
    # per payment 0.015 × 0.30 = 0.0045 → 0.00 each; on the sum 0.015 × 0.60 = 0.009 → 0.01
    assert commission_line(D("0.015"), paid, period="2026-10", plan_version=1).amount == D("0.01")


def test_no_collections_no_commission_but_the_line_is_there():
    line = commission_line(D("0.05"), [], period="2026-10", plan_version=1)
    assert (line.amount, line.inputs["payments"]) == (D("0.00"), [])


def test_a_payslip_worked_by_hand():
    employee = uuid.uuid4()
    paid = [collection("12345.67", rep_id=employee), collection("4321.00", rep_id=employee)]
    late_payment = collection("500.25", rep_id=employee, period="2026-09")
    missed_run = uuid.uuid4()
    slip = compute_payslip(
        result(employee, score="88", coefficient="1.2"), "sales_rep", plan(version=4), PayPolicy(EIGHTY),
        collections=paid,
        late=[LateCollections(period="2026-09", run_id=missed_run, plan=plan(version=3), collections=[late_payment])],
    )
    by_rule = {line.rule: line.amount for line in slip.lines}
    assert by_rule == {
        "P1.base_salary": D("3000.00"),
        "P2.performance_pay": D("2200.00"),   # 2000 × 88 ÷ 80
        "P3.bonus": D("1200.00"),             # 1000 × 1.2
        "P4.commission": D("333.33"),         # 0.02 × 16666.67 = 333.3334
        "P8.adjustment": D("10.01"),          # 0.02 × 500.25 = 10.005
    }
    assert slip.gross == D("6743.34")
    adjustment = slip.lines[-1]
    assert adjustment.inputs["from_period"] == "2026-09"
    assert adjustment.inputs["from_run_id"] == str(missed_run)
    assert adjustment.inputs["plan_version"] == 3
    assert adjustment.inputs["payments"][0]["payment_id"] == str(late_payment.payment_id)


def test_the_gross_is_the_sum_of_rounded_lines_not_the_rounded_total():
    tiny = plan(monthly_base="3000.00", performance_standard="0.01", bonus_base="0.01", commission_rate="0.01")
    employee = uuid.uuid4()
    slip = compute_payslip(result(employee, score="40", coefficient="0.5"), "sales_rep", tiny, PayPolicy(EIGHTY),
                           collections=[collection("0.50", rep_id=employee)])
    # lines: 3000.00 + 0.005→0.01 + 0.005→0.01 + 0.005→0.01
    assert [line.amount for line in slip.lines] == [D("3000.00"), D("0.01"), D("0.01"), D("0.01")]
    assert slip.gross == D("3000.03")
    assert to_cents(D("3000.015")) == D("3000.02")  # what rounding the exact total would have paid


def test_every_line_names_its_rule_formula_and_calculation():
    slip = compute_payslip(result(score="90", coefficient="1.5"), "sales_rep", plan(), PayPolicy(EIGHTY))
    assert [line.rule for line in slip.lines] == [
        "P1.base_salary", "P2.performance_pay", "P3.bonus", "P4.commission"]
    performance = slip.lines[1]
    assert performance.formula == "performance_standard × score ÷ full_score_at"
    assert performance.calculation == "2000.00 × 90 ÷ 80 = 2250.00 → 2250.00"
    assert all(line.inputs["plan_version"] == 1 for line in slip.lines)


def test_a_late_payment_line_says_where_it_came_from():
    line = late_commission_line(D("0.05"), [collection("100.10", period="2026-08")], from_period="2026-08",
                                from_run_id=None, plan_version=2)
    assert (line.rule, line.kind, line.amount) == ("P8.adjustment", "adjustment", D("5.01"))  # 5.005
    assert "2026-08" in line.inputs["reason"]
