"""O6 rules without a database: the daily classification, the calendar HR may save, leave
requests and the dismissal thresholds."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from decimal import Decimal

import pytest

from org.config import OrgSettings
from org.domain.attendance import (
    CONSECUTIVE,
    CUMULATIVE,
    FULL_DAY_ABSENCE,
    HALF_DAY_ABSENCE,
    LEAVE,
    MINOR_LATENESS,
    ON_TIME,
    VOID,
    ApprovedLeave,
    ClockRecord,
    classify,
    dismissal_findings,
    ensure_recordable_date,
    ensure_times_in_order,
)
from org.domain.calendar import checked_year
from org.domain.leave import LeaveRequest, LeaveStatus, ensure_leave_dates, ensure_no_overlap, ensure_within_quota
from shared.calendar import Calendars
from shared.errors import Conflict, InvalidInput, RuleViolation

DAY = date(2026, 3, 4)  # a Wednesday


def record(clock_in: str | None, clock_out: str | None) -> ClockRecord:
    return ClockRecord(id=uuid.uuid4(), employee_id=uuid.uuid4(), work_date=DAY, version=1,
                       clock_in=time.fromisoformat(clock_in) if clock_in else None,
                       clock_out=time.fromisoformat(clock_out) if clock_out else None,
                       changed_by=None, reason=None, source="entry")


def day_of(clock_in: str | None, clock_out: str | None, *, leave: ApprovedLeave | None = None,
           working_day: bool = True, employed: bool = True, tolerance: int = 15):
    found = None if clock_in is None and clock_out is None else record(clock_in, clock_out)
    return classify(working_day=working_day, employed=employed, work_starts_at=time(9), work_ends_at=time(18),
                    record=found, leave=leave, tolerance_minutes=tolerance)


@pytest.mark.parametrize(("clock_in", "clock_out", "expected", "absence", "minor", "late", "early"), [
    ("09:00", "18:00", ON_TIME, "0", 0, 0, 0),
    ("08:31", "18:45", ON_TIME, "0", 0, 0, 0),
    ("09:00:59", "18:00", ON_TIME, "0", 0, 0, 0),  # seconds are dropped
    ("09:01", "18:00", MINOR_LATENESS, "0", 1, 1, 0),
    ("09:15", "18:00", MINOR_LATENESS, "0", 1, 15, 0),  # exactly the tolerance is minor
    ("09:10", "17:50", MINOR_LATENESS, "0", 2, 10, 10),  # one late arrival and one early departure
    ("09:16", "18:00", HALF_DAY_ABSENCE, "0.5", 0, 16, 0),
    ("09:20", "18:00", HALF_DAY_ABSENCE, "0.5", 0, 20, 0),
    ("09:00", "17:44", HALF_DAY_ABSENCE, "0.5", 0, 0, 16),
    ("09:20", "17:50", HALF_DAY_ABSENCE, "0.5", 1, 20, 10),  # the worst wins, the minor one is still counted
    ("09:30", "17:00", FULL_DAY_ABSENCE, "1", 0, 30, 60),  # both beyond the tolerance: a whole day
    ("09:00", None, HALF_DAY_ABSENCE, "0.5", 0, 0, 0),  # half a day missing
    (None, "18:00", HALF_DAY_ABSENCE, "0.5", 0, 0, 0),
    (None, None, FULL_DAY_ABSENCE, "1", 0, 0, 0),
])
def test_a_working_day_is_classified_by_o6(clock_in, clock_out, expected, absence, minor, late, early) -> None:
    day = day_of(clock_in, clock_out)

    assert (day.classification, day.absence_days, day.minor_latenesses, day.late_minutes, day.early_minutes) == (
        expected, Decimal(absence), minor, late, early)


def test_the_tolerance_is_the_policys() -> None:
    assert day_of("09:16", "18:00", tolerance=20).classification == MINOR_LATENESS
    assert day_of("09:05", "18:00", tolerance=0).classification == HALF_DAY_ABSENCE


def test_approved_leave_wins_over_a_missing_record_and_says_whether_it_is_paid() -> None:
    leave = ApprovedLeave(uuid.uuid4(), "personal", False, DAY, DAY)

    day = day_of(None, None, leave=leave)

    assert (day.classification, day.leave_type, day.leave_paid, day.leave_days, day.absence_days) == (
        LEAVE, "personal", False, Decimal(1), Decimal(0))


def test_a_day_off_or_outside_employment_is_void() -> None:
    assert day_of(None, None, working_day=False).classification == VOID
    assert day_of("09:00", "18:00", employed=False).classification == VOID


def test_clock_out_must_follow_clock_in() -> None:
    with pytest.raises(InvalidInput) as refused:
        ensure_times_in_order(time(18), time(9))
    assert refused.value.extra["errors"] == [{"field": "clock_out", "reason": refused.value.extra["errors"][0][
        "reason"]}]
    with pytest.raises(InvalidInput):
        ensure_times_in_order(None, None)
    ensure_times_in_order(time(9), None)


def test_a_record_is_refused_in_the_future_and_outside_employment() -> None:
    today = date(2026, 3, 10)
    with pytest.raises(InvalidInput, match="after the company's today"):
        ensure_recordable_date(today + timedelta(days=1), today, date(2026, 1, 1), None)
    with pytest.raises(InvalidInput, match="not employed"):
        ensure_recordable_date(date(2025, 12, 31), today, date(2026, 1, 1), None)
    with pytest.raises(InvalidInput, match="not employed"):
        ensure_recordable_date(date(2026, 3, 6), today, date(2026, 1, 1), date(2026, 3, 5))
    ensure_recordable_date(date(2026, 3, 5), today, date(2026, 1, 1), date(2026, 3, 5))  # the last day counts


# --- the calendar HR may save ----------------------------------------------------------------------


def test_a_calendar_refuses_a_date_in_both_lists_a_date_of_another_year_and_inverted_hours() -> None:
    holiday = date(2026, 10, 1)
    with pytest.raises(InvalidInput, match="makeup_working_days"):
        checked_year(2026, [6, 7], [holiday], [holiday], time(9), time(18))
    with pytest.raises(InvalidInput, match="holidays: 2027-01-01 is not in 2026"):
        checked_year(2026, [6, 7], [date(2027, 1, 1)], [], time(9), time(18))
    with pytest.raises(InvalidInput, match="work_ends_at"):
        checked_year(2026, [6, 7], [], [], time(18), time(9))
    with pytest.raises(InvalidInput, match="weekend"):
        checked_year(2026, [0], [], [], time(9), time(18))


def test_holidays_and_make_up_days_change_the_working_days() -> None:
    year = checked_year(2026, [6, 7], [date(2026, 10, 1)], [date(2026, 10, 10)], time(9), time(18))
    calendar = year.calendar

    assert not calendar.is_working_day(date(2026, 10, 1))  # a Thursday holiday
    assert calendar.is_working_day(date(2026, 10, 10))  # a Saturday worked


# --- leave -----------------------------------------------------------------------------------------


def leave_request(start: date, end: date, *, needs_manager: bool = False,
                  status: LeaveStatus = LeaveStatus.PENDING) -> LeaveRequest:
    return LeaveRequest(id=uuid.uuid4(), employee_id=uuid.uuid4(), leave_type="annual", start=start, end=end,
                        days=(end - start).days + 1, reason=None, requested_by=uuid.uuid4(), status=status,
                        needs_manager=needs_manager)


def test_leave_is_requested_in_advance_unless_hr_records_it() -> None:
    today = date(2026, 3, 10)
    with pytest.raises(InvalidInput, match="in advance"):
        ensure_leave_dates(date(2026, 3, 9), date(2026, 3, 9), today, past_allowed=False)
    with pytest.raises(InvalidInput, match="end"):
        ensure_leave_dates(date(2026, 3, 12), date(2026, 3, 11), today, past_allowed=True)
    ensure_leave_dates(date(2026, 3, 9), date(2026, 3, 9), today, past_allowed=True)
    ensure_leave_dates(today, today, today, past_allowed=False)


def test_an_overlapping_request_is_refused_naming_the_other() -> None:
    other = leave_request(date(2026, 3, 10), date(2026, 3, 12))
    refused = leave_request(date(2026, 3, 1), date(2026, 3, 2), status=LeaveStatus.REFUSED)

    with pytest.raises(Conflict) as conflict:
        ensure_no_overlap([refused, other], date(2026, 3, 12), date(2026, 3, 13))
    assert conflict.value.extra["conflicting_request_id"] == str(other.id)
    ensure_no_overlap([refused, other], date(2026, 3, 1), date(2026, 3, 9))


def test_long_leave_needs_the_manager_after_the_leader() -> None:
    leader, manager = uuid.uuid4(), uuid.uuid4()
    short, long = leave_request(date(2026, 3, 10), date(2026, 3, 10)), leave_request(
        date(2026, 3, 10), date(2026, 3, 16), needs_manager=True)

    short.approve_as_leader(leader)
    long.approve_as_leader(leader)
    assert short.status == LeaveStatus.APPROVED
    assert long.status == LeaveStatus.PENDING
    with pytest.raises(Conflict):
        long.approve_as_leader(leader)
    long.approve_as_manager(manager)
    assert (long.status, long.leader_approved_by, long.manager_approved_by) == (LeaveStatus.APPROVED, leader, manager)


def test_the_manager_does_not_approve_before_the_leader() -> None:
    with pytest.raises(RuleViolation):
        leave_request(date(2026, 3, 10), date(2026, 3, 16), needs_manager=True).approve_as_manager(uuid.uuid4())


def test_leave_is_cancelled_before_it_starts_except_by_hr() -> None:
    today = date(2026, 3, 10)
    started = leave_request(today, today, status=LeaveStatus.APPROVED)
    with pytest.raises(RuleViolation):
        started.cancel(uuid.uuid4(), today, may_cancel_started=False)
    started.cancel(uuid.uuid4(), today, may_cancel_started=True)
    assert started.status == LeaveStatus.CANCELLED
    with pytest.raises(Conflict):
        started.cancel(uuid.uuid4(), today, may_cancel_started=True)


def test_a_refusal_says_why() -> None:
    with pytest.raises(InvalidInput):
        leave_request(date(2026, 3, 10), date(2026, 3, 10)).refuse(uuid.uuid4(), "  ")


def test_the_annual_quota_is_not_overdrawn() -> None:
    ensure_within_quota("annual", 5, 2026, 3, 2)
    ensure_within_quota("sick", None, 2026, 300, 30)
    with pytest.raises(RuleViolation, match=r"2 day\(s\) asked, 1 left of 5"):
        ensure_within_quota("annual", 5, 2026, 4, 2)


# --- dismissal thresholds --------------------------------------------------------------------------


def working_days(start: date, count: int) -> list[date]:
    days, calendars = [], Calendars()
    day = start
    while len(days) < count:
        if calendars.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def next_working_day(day: date) -> date:
    following = day + timedelta(days=1)
    while not Calendars().is_working_day(following):
        following += timedelta(days=1)
    return following


def findings(days: list[tuple[date, str]], consecutive: int = 3, cumulative: str = "5"):
    return dismissal_findings([(day, Decimal(absence)) for day, absence in days], consecutive_days=consecutive,
                              cumulative_days=Decimal(cumulative), next_working_day=next_working_day)


def test_three_consecutive_working_days_of_absence_across_a_weekend_raise_one_case() -> None:
    thursday, friday, monday, tuesday = working_days(date(2026, 3, 5), 4)

    found = findings([(thursday, "1"), (friday, "0.5"), (monday, "1"), (tuesday, "1")])

    assert [(f.rule, f.key, len(f.absence_dates)) for f in found] == [(CONSECUTIVE, thursday.isoformat(), 4)]


def test_a_day_present_or_unconfirmed_breaks_the_streak() -> None:
    first, second, third, fourth = working_days(date(2026, 3, 2), 4)

    assert findings([(first, "1"), (second, "0"), (third, "1"), (fourth, "1")]) == []
    # second is missing (its month not submitted): first and third are not consecutive
    assert findings([(first, "1"), (third, "1"), (fourth, "1")]) == []


def test_five_scattered_absence_days_in_a_year_raise_one_cumulative_case_halves_counting_half() -> None:
    days = working_days(date(2026, 1, 5), 30)[::3]  # never two in a row
    scattered = [(day, "1") for day in days[:4]] + [(days[4], "0.5")]

    assert findings(scattered) == []
    found = findings([*scattered, (days[5], "0.5")])
    assert [(f.rule, f.key, f.absence_dates[-1]) for f in found] == [(CUMULATIVE, "2026", days[5])]


def test_thresholds_come_from_the_settings() -> None:
    policy = OrgSettings(environment="test", attendance_dismissal_consecutive_days=2,
                         attendance_dismissal_cumulative_days=Decimal(8), attendance_tolerance_minutes=5,
                         attendance_leave_types={"annual": True, "unpaid": False},
                         attendance_leave_quotas={"annual": 10}).attendance_policy()

    assert (policy.dismissal_consecutive_days, policy.dismissal_cumulative_days, policy.tolerance_minutes) == (
        2, Decimal(8), 5)
    assert policy.leave_type("annual").annual_quota == 10
    assert policy.leave_type("unpaid").paid is False
    with pytest.raises(InvalidInput, match="unknown leave type"):
        policy.leave_type("sick")


def test_a_quota_for_an_unknown_leave_type_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="unknown leave types"):
        OrgSettings(environment="test", attendance_leave_quotas={"sabbatical": 10})


def test_a_leave_request_covers_at_most_a_year() -> None:
    with pytest.raises(InvalidInput, match="at most a year"):
        ensure_leave_dates(date(2026, 3, 10), date(2999, 3, 10), date(2026, 3, 1), past_allowed=False)
