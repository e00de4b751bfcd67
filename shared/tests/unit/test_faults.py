"""The test-only fault hook: armed only by SALESTEAM_FAULT, for one point of one service, once."""

from __future__ import annotations

import pytest

from shared.faults import KILLED_STATUS, Fault, FaultHook, InvalidFault, armed


class Exited(Exception):
    pass


def exit_raising(status: int) -> None:
    raise Exited(status)


def test_unset_or_blank_arms_nothing():
    assert armed("relay-after-publish", "telesales", {}) is None
    assert armed("relay-after-publish", "telesales", {"SALESTEAM_FAULT": "  "}) is None


def test_it_arms_the_named_point_of_the_named_service_only():
    env = {"SALESTEAM_FAULT": "relay-after-publish:telesales:3"}
    hook = armed("relay-after-publish", "telesales", env)
    assert hook is not None and hook.fault == Fault("relay-after-publish", "telesales", 3)
    assert armed("relay-after-publish", "appraisal", env) is None


@pytest.mark.parametrize("value", [
    "relay-after-publish:telesales",            # no count
    "relay-after-publish:telesales:3:extra",    # too many parts
    "relay-before-publish:telesales:3",         # no such point
    "relay-after-publish::3",                   # no service
    "relay-after-publish:telesales:0",          # counts from 1
    "relay-after-publish:telesales:-1",
    "relay-after-publish:telesales:three",
])
def test_a_malformed_value_is_refused_rather_than_silently_ignored(value):
    with pytest.raises(InvalidFault, match="SALESTEAM_FAULT"):
        armed("relay-after-publish", "telesales", {"SALESTEAM_FAULT": value})


def test_the_hook_exits_on_the_nth_pass_exactly_with_the_sigkill_status(capsys):
    hook = FaultHook(Fault("relay-after-publish", "telesales", 3), exit_process=exit_raising)
    hook("batch 1")
    hook("batch 2")
    with pytest.raises(Exited) as exited:
        hook("500 rows published, not marked")
    assert exited.value.args == (KILLED_STATUS,) and KILLED_STATUS == 137
    assert "FAULT INJECTED: relay-after-publish in telesales, pass 3: 500 rows published" in capsys.readouterr().err
