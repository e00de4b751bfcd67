"""Customer credit (C11) as domain rules: no database."""

from __future__ import annotations

import uuid

import pytest

from crm.domain.credit import Credit, change_credit, deal_warnings
from shared.errors import InvalidInput, RuleViolation
from shared.testing import QUIET_INSTANT

RATINGS, FLAGS = ("A", "B", "C"), ("bad_credit", "abnormal")


def change(current: Credit = Credit(), **kwargs) -> Credit:
    arguments = {"rating": None, "flag": None, "clear_flag": False, "reason": "because", "ratings": RATINGS,
                 "flags": FLAGS, "by": uuid.uuid4(), "at": QUIET_INSTANT, **kwargs}
    return change_credit(current, **arguments)


def test_rating_and_flag_keep_each_other_and_clearing_keeps_the_rating() -> None:
    rated = change(rating="B")
    flagged = change(rated, flag="abnormal", reason="odd orders")
    assert (flagged.rating, flagged.flag) == ("B", "abnormal")
    assert deal_warnings(flagged) == ["the customer is flagged abnormal: odd orders"]
    cleared = change(flagged, clear_flag=True)
    assert (cleared.rating, cleared.flag, deal_warnings(cleared)) == ("B", None, [])


def test_refusals() -> None:
    for kwargs, field in (({"rating": "Z"}, "rating"), ({"flag": "vip"}, "flag"), ({"reason": " "}, "reason"),
                          ({"flag": "abnormal", "clear_flag": True}, "flag")):
        with pytest.raises(InvalidInput) as refused:
            change(**kwargs)
        assert refused.value.extra["errors"][0]["field"] == field
    with pytest.raises(RuleViolation):
        change(Credit(rating="A"), rating="A")
