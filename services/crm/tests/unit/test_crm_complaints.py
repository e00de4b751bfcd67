"""Complaints (C9) as domain rules: no database."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from crm.domain.complaints import Complaint, ComplaintStatus, analyse
from shared.errors import InvalidInput, RuleViolation
from shared.testing import QUIET_INSTANT

NOW = QUIET_INSTANT
TWO_DAYS = timedelta(hours=48)


def complaint(cause: str = "delivery") -> Complaint:
    return Complaint(id=uuid.uuid4(), lead_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=uuid.uuid4(),
                     group_id=None, department_id=uuid.uuid4(), cause=cause, content="late", apology="sorry",
                     status=ComplaintStatus.OPEN, recorded_by=uuid.uuid4(), recorded_at=NOW)


def test_escalation_is_due_once_after_the_set_time_while_unanswered() -> None:
    c = complaint()
    assert not c.escalation_due(TWO_DAYS, NOW + TWO_DAYS - timedelta(seconds=1))
    assert c.escalation_due(TWO_DAYS, NOW + TWO_DAYS)
    c.escalate(None, NOW + TWO_DAYS)
    assert not c.escalation_due(TWO_DAYS, NOW + TWO_DAYS * 2)
    answered = complaint()
    answered.resolve("done", uuid.uuid4(), NOW + timedelta(hours=1))
    assert not answered.escalation_due(TWO_DAYS, NOW + TWO_DAYS * 2)


def test_an_unsatisfied_customer_reopens_and_only_an_answered_complaint_closes() -> None:
    c = complaint()
    with pytest.raises(RuleViolation):
        c.close("satisfied", NOW)
    c.forward(uuid.uuid4(), NOW)
    c.resolve("redelivered", uuid.uuid4(), NOW + timedelta(hours=3))
    with pytest.raises(InvalidInput):
        c.close("happy", NOW)
    assert c.close("unsatisfied", NOW) is False
    assert (c.status, c.reopened, c.resolved_at) == (ComplaintStatus.FORWARDED, 1, None)
    c.resolve("refund", uuid.uuid4(), NOW + timedelta(hours=10, minutes=20))
    assert c.close("satisfied", NOW + timedelta(hours=11)) is True
    assert c.hours_to_resolve() == Decimal("10.33")
    with pytest.raises(RuleViolation):
        c.forward(uuid.uuid4(), NOW)


def test_the_monthly_analysis_counts_and_averages_half_up() -> None:
    a, b, c = complaint("delivery"), complaint("delivery"), complaint("billing")
    a.resolve("x", uuid.uuid4(), NOW + timedelta(hours=1))
    b.resolve("x", uuid.uuid4(), NOW + timedelta(hours=2, minutes=1))
    c.escalate(None, NOW + TWO_DAYS)
    result = analyse("2026-11", [a, b, c])
    assert (result.total, result.by_cause, result.escalated, result.resolved) == (
        3, {"delivery": 2, "billing": 1}, 1, 2)
    # (1.00 + 2.02) / 2 = 1.51
    assert result.average_hours_to_resolve == Decimal("1.51")
    assert analyse("2026-11", []).average_hours_to_resolve is None
