"""Choosing field by field when two customer records are merged (C3)."""

from __future__ import annotations

import pytest

from crm.domain.merge import audit, choose
from shared.errors import InvalidInput

KEPT = {"name": "Li Na", "phone": "13800000001", "email": None, "company": "ACME", "credit": None}
DROPPED = {"name": "Li Na (ACME)", "phone": "13900000002", "email": "na@acme.cn", "company": "ACME Ltd",
           "credit": {"rating": "C", "flag": "bad_credit", "reason": "unpaid"}}


def test_the_kept_record_wins_and_its_gaps_are_filled_from_the_dropped_one() -> None:
    result = {c.field: (c.value, c.source, c.discarded) for c in choose(KEPT, DROPPED, [])}
    assert result == {
        "name": ("Li Na", "kept", "Li Na (ACME)"),
        "phone": ("13800000001", "kept", "13900000002"),
        "email": ("na@acme.cn", "dropped", None),
        "company": ("ACME", "kept", "ACME Ltd"),
        "credit": (DROPPED["credit"], "dropped", None),
    }


def test_taken_fields_come_from_the_dropped_record_and_the_audit_says_what_was_lost() -> None:
    choices = choose(KEPT, DROPPED, ["phone", "company"])
    logged = audit(choices)
    assert logged["phone"] == {"kept": "13900000002", "from": "dropped", "dropped": "13800000001"}
    assert logged["company"] == {"kept": "ACME Ltd", "from": "dropped", "dropped": "ACME"}


def test_taking_an_empty_field_keeps_the_kept_value() -> None:
    choices = {c.field: c for c in choose(DROPPED, KEPT, ["email"])}
    assert (choices["email"].value, choices["email"].source) == ("na@acme.cn", "kept")


def test_an_unknown_field_is_bad_input() -> None:
    with pytest.raises(InvalidInput) as refused:
        choose(KEPT, DROPPED, ["owner"])
    assert refused.value.extra["errors"][0]["field"] == "take"
