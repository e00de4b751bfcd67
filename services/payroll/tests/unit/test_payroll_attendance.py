"""P6 attendance deductions and their corrections (P8), with figures worked by hand to the cent.

Base 6000.00: a day's wage is 6000 ÷ 21.75 = 275.8620689…, so one full day of absence is 275.86, a
half day 137.93 (137.9310…), and the fixed amounts are 200.00 / 100.00 / 50.00 by default.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from decimal import Decimal

import pytest
from payroll_builders import plan, result
from pydantic import ValidationError

from payroll.config import PayrollSettings
from payroll.domain.attendance import (
    AttendanceCorrection,
    AttendanceDay,
    AttendancePolicy,
    DeductionBasis,
    adjustment_line,
    day_wage,
    deduction_lines,
    total,
)
from payroll.domain.payslip import PayPolicy, compute_payslip

D = Decimal
POLICY = AttendancePolicy()


def basis(base: str = "6000.00", *, wage_cap: str | None = None, fixed_cap: str = "3000.00",
          policy: AttendancePolicy = POLICY) -> DeductionBasis:
    return DeductionBasis(monthly_base=D(base), wage_cap=D(wage_cap or base), fixed_cap=D(fixed_cap), policy=policy)


def full(n: int, revision: int = 1) -> AttendanceDay:
    return AttendanceDay(date(2026, 10, n), revision, "full_day_absence", absence_days=D(1))


def half(n: int, *, latenesses: int = 0) -> AttendanceDay:
    return AttendanceDay(date(2026, 10, n), 1, "half_day_absence", absence_days=D("0.5"),
                         minor_latenesses=latenesses)


def late(n: int, times: int = 1) -> AttendanceDay:
    return AttendanceDay(date(2026, 10, n), 1, "minor_lateness", minor_latenesses=times)


def leave(n: int, *, paid: bool | None) -> AttendanceDay:
    return AttendanceDay(date(2026, 10, n), 1, "leave", leave_days=D(1), leave_type="personal", leave_paid=paid)


def on_time(n: int) -> AttendanceDay:
    return AttendanceDay(date(2026, 10, n), 1, "on_time")


def by_rule(days, **kwargs) -> dict[str, Decimal]:
    return {line.rule: line.amount for line in deduction_lines(days, basis(**kwargs))}


def test_a_days_wage_is_the_monthly_base_over_21_75():
    assert day_wage(D("6000.00"), POLICY) == D("6000.00") / D("21.75")
    assert str(day_wage(D("6000.00"), POLICY))[:10] == "275.862068"


def test_one_full_day_of_absence_costs_a_days_wage_and_the_fixed_amount():
    assert by_rule([full(5)]) == {"P6.absence_wage": D("-275.86"), "P6.absence_fixed": D("-200.00")}


def test_a_half_day_of_absence_costs_half_a_days_wage_and_its_own_fixed_amount():
    assert by_rule([half(6)]) == {"P6.absence_wage": D("-137.93"), "P6.absence_fixed": D("-100.00")}


def test_the_wage_is_rounded_once_on_the_line_not_per_day():
    # 1.5 days: 413.793… → 413.79; rounding each day first would give 275.86 + 137.93 = 413.79 too,
    # three full days tell them apart: 827.586… → 827.59, not 3 × 275.86 = 827.58.
    assert by_rule([full(5), half(6)])["P6.absence_wage"] == D("-413.79")
    assert by_rule([full(5), full(6), full(7)])["P6.absence_wage"] == D("-827.59")


def test_each_minor_lateness_costs_the_fixed_amount_from_the_bonus():
    assert by_rule([late(7), late(8, times=2)]) == {"P6.minor_lateness": D("-150.00")}


def test_a_day_with_a_half_day_absence_and_a_minor_lateness_costs_both():
    # Late in by 20 minutes (half a day) and early out by 5 (minor): the numbers decide, not the class name.
    assert by_rule([half(9, latenesses=1)]) == {"P6.absence_wage": D("-137.93"), "P6.absence_fixed": D("-100.00"),
                                                "P6.minor_lateness": D("-50.00")}


def test_unpaid_leave_costs_a_days_wage_and_no_fixed_amount():
    assert by_rule([leave(12, paid=False), leave(13, paid=False)]) == {"P6.unpaid_leave": D("-551.72")}


def test_paid_leave_on_time_days_and_leave_of_unknown_pay_cost_nothing():
    assert deduction_lines([leave(12, paid=True), leave(13, paid=None), on_time(14)], basis()) == []


def test_a_void_day_no_longer_counts():
    voided = AttendanceDay(date(2026, 10, 5), 2, "void", absence_days=D(1), minor_latenesses=1)
    assert deduction_lines([voided], basis()) == []


def test_each_line_names_its_dates_in_inputs_and_in_the_calculation():
    lines = {line.rule: line for line in deduction_lines([late(7), full(5), half(9, latenesses=1)], basis())}
    wage = lines["P6.absence_wage"]
    assert wage.inputs["dates"] == ["2026-10-05", "2026-10-09"]
    assert wage.inputs["days"] == "1.5"
    assert "2026-10-05, 2026-10-09 ×0.5" in wage.calculation
    assert wage.calculation.endswith("= 413.7931034482758620689655172 → 413.79 → −413.79")
    fixed = lines["P6.absence_fixed"]
    assert (fixed.inputs["full_day_dates"], fixed.inputs["half_day_dates"]) == (["2026-10-05"], ["2026-10-09"])
    assert "1 × 200.00 (2026-10-05) + 1 × 100.00 (2026-10-09) = 300.00" in fixed.calculation
    lateness = lines["P6.minor_lateness"]
    assert lateness.inputs["dates"] == ["2026-10-07", "2026-10-09"]
    assert lateness.inputs["occurrences"] == 2
    assert all(line.kind == "attendance_deduction" for line in lines.values())


def test_fixed_amounts_are_capped_at_performance_pay_plus_bonus_absences_first():
    days = [full(1), full(2), late(5, times=2)]  # 400.00 of absence amounts, 100.00 of lateness
    lines = {line.rule: line for line in deduction_lines(days, basis(fixed_cap="450.00"))}
    assert lines["P6.absence_fixed"].amount == D("-400.00")
    assert lines["P6.minor_lateness"].amount == D("-50.00")
    assert "cap: performance pay + bonus left 50.00 → −50.00" in lines["P6.minor_lateness"].calculation
    assert by_rule(days, fixed_cap="0.00")["P6.minor_lateness"] == D("0.00")


def test_the_wage_deductions_never_exceed_the_base_salary_paid():
    # Hired for 2 working days (545.45 of base) and absent on both, with an unpaid leave day before:
    # 551.72 of wage would take the base below zero.
    lines = {line.rule: line for line in deduction_lines([full(29), full(30)], basis(wage_cap="545.45"))}
    assert lines["P6.absence_wage"].amount == D("-545.45")
    assert "capped at the base income still deductible 545.45" in lines["P6.absence_wage"].calculation


def test_the_amounts_are_company_settings():
    policy = AttendancePolicy(day_wage_divisor=D("22"), full_day_absence_amount=D("80.00"),
                              half_day_absence_amount=D("40.00"), minor_lateness_amount=D("20.00"))
    assert by_rule([full(5), half(6), late(7)], policy=policy) == {
        "P6.absence_wage": D("-409.09"),  # 6000 × 1.5 ÷ 22 = 409.0909…
        "P6.absence_fixed": D("-120.00"), "P6.minor_lateness": D("-20.00")}


def test_a_divisor_of_zero_is_refused():
    with pytest.raises(ValueError):
        AttendancePolicy(day_wage_divisor=D(0))


@pytest.mark.parametrize("facts", [{"absence_days": D("0.7")}, {"absence_days": D(2)}, {"leave_days": D("1.5")},
                                   {"minor_latenesses": -1}])
def test_a_day_outside_the_contract_is_refused_not_paid_on(facts):
    # The consumer fails on it, so the runner retries and dead-letters it instead of paying a wrong figure.
    with pytest.raises(ValueError):
        AttendanceDay(date(2026, 10, 5), 1, "full_day_absence", **facts)


def test_the_payslip_carries_the_deductions_and_their_settlement():
    employee = uuid.uuid4()
    slip = compute_payslip(result(employee, score="80", coefficient="1.0"),
                           "sales_rep", plan(monthly_base="6000.00", performance_standard="2000.00",
                                             bonus_base="1000.00"),
                           PayPolicy(), attendance=[full(5), half(6, latenesses=1), leave(7, paid=False)])
    amounts = {line.rule: line.amount for line in slip.lines}
    assert amounts == {"P1.base_salary": D("6000.00"), "P2.performance_pay": D("2000.00"), "P3.bonus": D("1000.00"),
                       "P4.commission": D("0.00"), "P6.absence_wage": D("-413.79"), "P6.unpaid_leave": D("-275.86"),
                       "P6.absence_fixed": D("-300.00"), "P6.minor_lateness": D("-50.00")}
    assert slip.gross == D("7960.35")
    (settled,) = slip.attendance_settlements
    assert (settled.period, settled.amount) == ("2026-10", D("-1039.65"))
    assert (settled.basis.wage_cap, settled.basis.fixed_cap) == (D("6000.00"), D("3000.00"))


def test_the_wage_deductions_are_capped_by_the_base_after_the_plan_execution_adjustment():
    # A8 at 52.5 of 80: 3000.00 × (0.65625 − 1) = −1031.25, so 1968.75 of base income is left. Fifteen
    # days of absence (3000 × 15 ÷ 21.75 = 2068.9655… → 2068.97) take all of it and no more; the
    # unpaid leave day after them finds nothing left. Capped by the base line alone, the base part
    # would go 100.22 + 137.93 below zero.
    opted = dataclasses.replace(plan(monthly_base="3000.00"), base_follows_plan_execution=True)
    month = dataclasses.replace(result(score="80", coefficient="1.0"), plan_execution=D("52.5"))
    slip = compute_payslip(month, "sales_rep", opted, PayPolicy(),
                           attendance=[*(full(n) for n in range(1, 16)), leave(16, paid=False)])
    lines = {line.rule: line for line in slip.lines}
    assert lines["A8.plan_execution"].amount == D("-1031.25")
    assert lines["P6.absence_wage"].amount == D("-1968.75")
    assert "2068.97; capped at the base income still deductible 1968.75" in lines["P6.absence_wage"].calculation
    assert lines["P6.unpaid_leave"].amount == D("0.00")
    base_part = sum((lines[rule].amount for rule in ("P1.base_salary", "A8.plan_execution", "P6.absence_wage",
                                                      "P6.unpaid_leave")), D("0.00"))
    assert base_part == D("0.00")
    (settled,) = slip.attendance_settlements
    assert settled.basis.wage_cap == D("1968.75")


def test_a_base_adjusted_up_by_plan_execution_is_deductible_in_full():
    # 100 of 80 at a 1.25 cap: +750.00, so 3750.00 may be taken; 24 days of wage (3310.34) fit whole.
    opted = dataclasses.replace(plan(monthly_base="3000.00"), base_follows_plan_execution=True)
    month = dataclasses.replace(result(score="80", coefficient="1.0"), plan_execution=D(100))
    slip = compute_payslip(month, "sales_rep", opted, PayPolicy(),
                           attendance=[full(n) for n in range(1, 25)])
    lines = {line.rule: line.amount for line in slip.lines}
    assert lines["A8.plan_execution"] == D("750.00")
    assert lines["P6.absence_wage"] == D("-3310.34")  # 3000 × 24 ÷ 21.75 = 3310.3448…
    assert slip.attendance_settlements[0].basis.wage_cap == D("3750.00")


def correction(days, changed, paid_so_far: str) -> AttendanceCorrection:
    return AttendanceCorrection(period="2026-10", run_id=uuid.uuid4(), basis=basis(), days=days, changed=changed,
                                paid_so_far=D(paid_so_far))


def test_an_absence_turned_into_paid_leave_is_given_back_as_an_adjustment():
    was = [full(5), late(7)]
    paid = total(deduction_lines(was, basis()))
    assert paid == D("-525.86")
    now = [leave(5, paid=True), late(7)]
    line = adjustment_line(correction(now, [leave(5, paid=True)], str(paid)))
    assert (line.rule, line.kind, line.amount) == ("P6.adjustment", "adjustment", D("475.86"))
    assert line.inputs["from_period"] == "2026-10"
    assert line.inputs["dates"] == ["2026-10-05"]
    assert line.inputs["recomputed"] == "-50.00"
    assert "-50.00 − (-525.86) = 475.86 for 2026-10, days changed: 2026-10-05" in line.calculation


def test_a_new_absence_after_the_run_is_taken_in_the_next_run():
    line = adjustment_line(correction([full(5), half(6)], [half(6)], "-475.86"))
    assert line.amount == D("-237.93")  # 137.93 wage (413.79 − 275.86) + 100.00 fixed


def test_a_correction_recomputed_under_the_cap_pays_only_what_the_cap_allows():
    capped = basis(fixed_cap="250.00")
    paid = total(deduction_lines([full(5)], capped))  # 275.86 + 200.00
    again = AttendanceCorrection(period="2026-10", run_id=uuid.uuid4(), basis=capped, days=[full(5), late(7, 2)],
                                 changed=[late(7, 2)], paid_so_far=paid)
    assert adjustment_line(again).amount == D("-50.00")  # 100.00 of lateness, 50.00 left under the cap


def test_a_correction_that_changes_nothing_payable_gives_no_line():
    assert adjustment_line(correction([late(7)], [late(7)], "-50.00")) is None


def test_the_policy_is_read_from_payroll_settings(monkeypatch):
    assert PayrollSettings().policy().attendance == AttendancePolicy()  # the documented defaults
    monkeypatch.setenv("PAYROLL_ATTENDANCE_MINOR_LATENESS_AMOUNT", "30.00")
    monkeypatch.setenv("PAYROLL_ATTENDANCE_DAY_WAGE_DIVISOR", "22")
    policy = PayrollSettings().policy().attendance
    assert (policy.minor_lateness_amount, policy.day_wage_divisor) == (D("30.00"), D("22"))


@pytest.mark.parametrize("setting", [{"attendance_day_wage_divisor": "0"},
                                     {"attendance_full_day_absence_amount": "-1.00"},
                                     {"attendance_minor_lateness_amount": "0.005"}])
def test_settings_refuse_a_zero_divisor_negative_or_sub_cent_amounts(setting):
    with pytest.raises(ValidationError):
        PayrollSettings(**setting)
