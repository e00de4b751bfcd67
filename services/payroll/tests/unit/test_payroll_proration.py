"""Base salary of a month worked in part: working days employed ÷ working days of the month, on the
company's calendar. October 2026 has 22 working days Monday to Friday."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from payroll_builders import plan, result

from payroll.domain.attendance import AttendanceDay
from payroll.domain.payslip import PayPolicy, compute_payslip
from payroll.domain.proration import Employment, employed_days, prorated_base, prorated_base_line
from shared.calendar import Calendars, WorkingCalendar

D = Decimal
OCTOBER = Calendars().working_days_of_month("2026-10")


def test_october_2026_has_22_working_days():
    assert employed_days("2026-10", Employment(), OCTOBER).in_month == 22


def test_hired_on_the_19th_is_paid_10_of_22_days():
    days = employed_days("2026-10", Employment(hired_on=date(2026, 10, 19)), OCTOBER)
    assert (days.counted, days.in_month) == (10, 22)
    line = prorated_base_line(plan(monthly_base="6000.00"), "2026-10", Employment(hired_on=date(2026, 10, 19)),
                              OCTOBER)
    assert line.amount == D("2727.27")  # 6000 × 10 ÷ 22 = 2727.2727…
    assert line.inputs == {"monthly_base": "6000.00", "plan_version": 1, "working_days_counted": 10,
                           "working_days_in_month": 22, "hired_on": "2026-10-19", "left_on": None}
    assert line.calculation == "6000.00 × 10 ÷ 22 (2026-10-19…2026-10-31) = 2727.272727272727272727272727 → 2727.27"


def test_leaving_on_the_14th_counts_the_14th():
    employment = Employment(hired_on=date(2020, 3, 2), left_on=date(2026, 10, 14))
    line = prorated_base_line(plan(monthly_base="6000.00"), "2026-10", employment, OCTOBER)
    assert (line.inputs["working_days_counted"], line.amount) == (10, D("2727.27"))
    assert line.inputs["left_on"] == "2026-10-14"


def test_hired_and_leaving_in_the_same_month():
    employment = Employment(hired_on=date(2026, 10, 12), left_on=date(2026, 10, 16))
    assert employed_days("2026-10", employment, OCTOBER).counted == 5
    assert prorated_base_line(plan(monthly_base="3000.00"), "2026-10", employment, OCTOBER).amount == D("681.82")


def test_a_whole_month_keeps_the_plain_base_line():
    employment = Employment(hired_on=date(2026, 10, 1), left_on=date(2026, 10, 31))
    assert prorated_base_line(plan(), "2026-10", employment, OCTOBER) is None
    # Hired on a Saturday before the first working day: still the whole month.
    august = Calendars().working_days_of_month("2026-08")
    assert prorated_base_line(plan(), "2026-08", Employment(hired_on=date(2026, 8, 1)), august) is None


def test_holidays_and_make_up_days_of_the_calendar_count():
    # National Day week off, two make-up Saturdays worked: 22 − 5 + 2 = 19 working days.
    holidays = frozenset(date(2026, 10, n) for n in range(1, 8) if date(2026, 10, n).isoweekday() < 6)
    calendars = Calendars({2026: WorkingCalendar(year=2026, holidays=holidays,
                                                 makeup_working_days=frozenset({date(2026, 10, 10),
                                                                                date(2026, 10, 17)}))})
    days = employed_days("2026-10", Employment(hired_on=date(2026, 10, 16)),
                         calendars.working_days_of_month("2026-10"))
    assert (days.counted, days.in_month) == (12, 19)  # 16, 17 (make-up), 19–23, 26–30
    assert prorated_base(D("5700.00"), days) == D("3600.00")


def test_performance_pay_and_bonus_are_not_prorated():
    slip = compute_payslip(result(uuid.uuid4(), period="2026-10", score="80", coefficient="1.0"), "sales_rep",
                           plan(monthly_base="6000.00", performance_standard="2000.00", bonus_base="1000.00"),
                           PayPolicy(), employment=Employment(hired_on=date(2026, 10, 19)), working_days=OCTOBER)
    assert {line.rule: line.amount for line in slip.lines} == {
        "P1.base_salary": D("2727.27"), "P2.performance_pay": D("2000.00"), "P3.bonus": D("1000.00"),
        "P4.commission": D("0.00")}


def test_an_absence_in_a_prorated_month_costs_a_days_wage_of_the_full_base():
    slip = compute_payslip(result(uuid.uuid4(), period="2026-10"), "sales_rep", plan(monthly_base="6000.00"),
                           PayPolicy(), employment=Employment(hired_on=date(2026, 10, 19)), working_days=OCTOBER,
                           attendance=[AttendanceDay(date(2026, 10, 20), 1, "full_day_absence", absence_days=D(1))])
    amounts = {line.rule: line.amount for line in slip.lines}
    assert (amounts["P1.base_salary"], amounts["P6.absence_wage"]) == (D("2727.27"), D("-275.86"))
    assert slip.attendance_settlements[0].basis.wage_cap == D("2727.27")
