"""Weekly plans and reports (A8) without a database: weeks, due days, what may follow what."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from appraisal.domain.plans import (
    PlanStatus,
    WeeklyPlan,
    due_on,
    ensure_plan_may_be_decided,
    ensure_plan_may_be_submitted,
    parse_week,
    week_of,
)
from shared.errors import Conflict, InvalidInput


def plan(status: str) -> WeeklyPlan:
    return WeeklyPlan(employee_id=uuid.uuid4(), week="2026-W42", content={"goals": "g"}, status=status,
                      submitted_at=datetime(2026, 10, 12, tzinfo=UTC), late=False)


def test_iso_weeks_and_their_due_days():
    assert parse_week("2026-W42") == date(2026, 10, 12)
    assert week_of(date(2026, 10, 18)) == "2026-W42" and week_of(date(2027, 1, 1)) == "2026-W53"
    assert due_on(date(2026, 10, 12), 7) == date(2026, 10, 19)
    for bad in ("2026-42", "2026-W54", "2025-W53"):
        with pytest.raises(InvalidInput):
            parse_week(bad)


def test_an_approved_plan_is_final_and_only_a_submitted_one_is_decided():
    ensure_plan_may_be_submitted(None)
    ensure_plan_may_be_submitted(plan(PlanStatus.RETURNED))
    with pytest.raises(Conflict, match="final"):
        ensure_plan_may_be_submitted(plan(PlanStatus.APPROVED))
    assert ensure_plan_may_be_decided(plan(PlanStatus.SUBMITTED), "2026-W42").status == PlanStatus.SUBMITTED
    for current in (None, plan(PlanStatus.APPROVED), plan(PlanStatus.RETURNED)):
        with pytest.raises(Conflict):
            ensure_plan_may_be_decided(current, "2026-W42")
