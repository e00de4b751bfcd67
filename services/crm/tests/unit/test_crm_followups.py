"""Follow-up plans (C6) as domain rules: no database."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from crm.domain.followups import FollowUp, FollowUpStatus, planned_fields
from shared.errors import InvalidInput, RuleViolation
from shared.testing import QUIET_INSTANT

NOW = QUIET_INSTANT
METHODS = ("phone", "sms", "email", "visit", "wechat")


def planned(due_in: timedelta = timedelta(hours=1)) -> FollowUp:
    return FollowUp(id=uuid.uuid4(), lead_id=uuid.uuid4(), rep_id=uuid.uuid4(), group_id=None,
                    department_id=uuid.uuid4(), due_at=NOW + due_in, method="phone", content="call",
                    goal=None, status=FollowUpStatus.PLANNED, created_by=uuid.uuid4(), created_at=NOW)


def test_a_plan_needs_a_future_time_a_known_method_and_content() -> None:
    assert planned_fields(due_at=NOW + timedelta(minutes=1), method=" SMS ", content=" hi ", goal=" ",
                          methods=METHODS, now=NOW) == (NOW + timedelta(minutes=1), "sms", "hi", None)
    for kwargs, field in (({"due_at": NOW}, "due_at"), ({"due_at": NOW.replace(tzinfo=None)}, "due_at"),
                          ({"method": "fax"}, "method"),
                          ({"due_at": NOW + timedelta(days=366)}, "due_at"), ({"content": "  "}, "content")):
        arguments = {"due_at": NOW + timedelta(hours=1), "method": "phone", "content": "x", "goal": None,
                     "methods": METHODS, "now": NOW, **kwargs}
        with pytest.raises(InvalidInput) as refused:
            planned_fields(**arguments)
        assert refused.value.extra["errors"][0]["field"] == field


def test_overdue_only_while_planned_and_past_its_time() -> None:
    follow_up = planned()
    assert not follow_up.is_overdue(NOW + timedelta(minutes=59))
    assert follow_up.is_overdue(NOW + timedelta(minutes=61))
    follow_up.done(outcome="ok", at=NOW + timedelta(hours=2))
    assert not follow_up.is_overdue(NOW + timedelta(days=3))


def test_done_or_cancelled_once() -> None:
    follow_up = planned()
    follow_up.done(outcome="ok", at=NOW)
    with pytest.raises(RuleViolation):
        follow_up.done(outcome="again", at=NOW)
    with pytest.raises(RuleViolation):
        follow_up.cancel("too late")
