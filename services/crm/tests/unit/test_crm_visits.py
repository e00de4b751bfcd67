"""Field visits (C12) as domain rules, no database: when a visit may be logged, ISO weeks, the target."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest

from crm.domain.visits import Week, WeeklyVisits, required_text, visit_time
from shared.errors import InvalidInput
from shared.testing import QUIET_INSTANT

NOW = QUIET_INSTANT


def field_of(error: InvalidInput) -> str:
    return error.extra["errors"][0]["field"]


def test_a_visit_is_logged_once_it_happened_and_not_too_long_after() -> None:
    assert visit_time(NOW, now=NOW, max_age_days=14) == NOW
    assert visit_time(NOW - timedelta(days=14), now=NOW, max_age_days=14) == NOW - timedelta(days=14)
    for when in (NOW + timedelta(seconds=1), NOW - timedelta(days=14, seconds=1), NOW.replace(tzinfo=None)):
        with pytest.raises(InvalidInput) as refused:
            visit_time(when, now=NOW, max_age_days=14)
        assert field_of(refused.value) == "visited_at"


def test_where_and_how_it_went_are_required() -> None:
    assert required_text(" site office ", field="place", what="where") == "site office"
    with pytest.raises(InvalidInput) as refused:
        required_text("  ", field="result", what="how")
    assert field_of(refused.value) == "result"


def test_iso_weeks_run_monday_to_sunday_across_the_new_year() -> None:
    week = Week.parse("2026-W01")
    assert (week.first_day, week.last_day, str(week)) == (date(2025, 12, 29), date(2026, 1, 4), "2026-W01")
    assert Week.of(date(2026, 1, 4)) == week and Week.of(date(2026, 1, 5)) == Week(2026, 2)
    assert Week.parse("2026-W53").last_day == date(2027, 1, 3)  # 2026 starts on a Thursday: 53 weeks
    for bad in ("2026-49", "2026-W00", "2025-W53", "W49"):
        with pytest.raises(InvalidInput) as refused:
            Week.parse(bad)
        assert field_of(refused.value) == "week"


def test_the_weekly_target_is_met_at_the_target_and_the_shortfall_never_negative() -> None:
    def row(visits: int) -> WeeklyVisits:
        return WeeklyVisits(rep_id=uuid.uuid4(), name=None, group_id=None, department_id=None, visits=visits,
                            target=20)

    assert (row(19).met, row(19).short_by) == (False, 1)
    assert (row(20).met, row(20).short_by) == (True, 0)
    assert (row(25).met, row(25).short_by) == (True, 0)
