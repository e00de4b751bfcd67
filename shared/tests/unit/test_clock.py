from datetime import UTC, date, datetime, timedelta

import pytest

from shared.clock import FixedClock, ShiftedClock, first_day, last_day, shift_month


def test_half_past_midnight_on_the_first_in_shanghai_is_the_new_month_though_utc_is_the_day_before():
    clock = FixedClock(datetime(2027, 2, 28, 16, 30, tzinfo=UTC))
    assert clock.today() == date(2027, 3, 1)
    assert clock.month() == "2027-03"
    assert clock.has_ended("2027-02")
    assert not clock.has_ended("2027-03")


def test_ten_to_midnight_on_the_last_day_is_still_that_month():
    clock = FixedClock.at_local("2027-01-31 23:50")
    assert clock.now() == datetime(2027, 1, 31, 15, 50, tzinfo=UTC)
    assert (clock.today(), clock.month()) == (date(2027, 1, 31), "2027-01")
    assert not clock.has_ended("2027-01")
    clock.advance(timedelta(minutes=10))
    assert clock.month() == "2027-02" and clock.has_ended("2027-01")


def test_the_business_date_of_an_instant_is_the_companys():
    clock = FixedClock(datetime(2027, 6, 1, tzinfo=UTC), "Asia/Shanghai")
    assert clock.date_of(datetime(2027, 5, 31, 17, 0, tzinfo=UTC)) == date(2027, 6, 1)
    assert clock.month_of(datetime(2027, 5, 31, 15, 59, tzinfo=UTC)) == "2027-05"
    with pytest.raises(ValueError, match="time zone"):
        clock.date_of(datetime(2027, 5, 31, 17, 0))


def test_a_shifted_clock_runs_from_its_starting_instant():
    start = datetime(2031, 12, 31, 15, 59, tzinfo=UTC)
    clock = ShiftedClock.starting_at(start)
    assert timedelta(0) <= clock.now() - start < timedelta(seconds=5)
    assert clock.month() in {"2031-12", "2032-01"}


@pytest.mark.parametrize(("month", "by", "expected"), [
    ("2027-01", -1, "2026-12"), ("2026-12", 1, "2027-01"), ("2027-03", -14, "2026-01"), ("2027-03", 0, "2027-03"),
])
def test_months_shift_across_years(month, by, expected):
    assert shift_month(month, by) == expected


def test_first_and_last_days_know_leap_years():
    assert (first_day("2028-02"), last_day("2028-02")) == (date(2028, 2, 1), date(2028, 2, 29))
    assert last_day("2027-12") == date(2027, 12, 31)
    with pytest.raises(ValueError, match="YYYY-MM"):
        shift_month("2027-13", 1)
