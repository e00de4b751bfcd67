"""The dev stack's choice of ports, and how it reports a child that died while starting."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from devstack import embedded
from devstack.run import DevConfig, Stack, Supervisor


def test_a_chosen_block_is_free_and_outside_the_ephemeral_range():
    low, high = embedded._ephemeral_range()
    for _ in range(20):
        base = embedded.free_port_block(9)
        assert all(not low <= port <= high for port in range(base, base + 9)), (base, low, high)
        assert all(embedded.port_is_free(port) for port in range(base, base + 9))


def test_a_block_with_a_port_in_use_is_not_chosen(monkeypatch):
    # Candidate bases 20000, 20001 and 20002 for a block of three; 20003 is taken, so only 20000 fits.
    monkeypatch.setattr(embedded, "_ephemeral_range", lambda: (20005, 65535))
    monkeypatch.setattr(embedded, "_LOWEST_CHOSEN_PORT", 20000)
    monkeypatch.setattr(embedded, "port_is_free", lambda port, host="127.0.0.1": port != 20003)
    assert {embedded.free_port_block(3) for _ in range(30)} == {20000}


def test_a_child_that_keeps_dying_is_reported_with_the_end_of_its_log(tmp_path, monkeypatch):
    monkeypatch.setenv("DEV_DATA_DIR", str(tmp_path))
    stack = Stack(DevConfig.from_environment())
    stack.supervisor = Supervisor(max_crashes=1)  # this crash is the one too many
    stack.logs.mkdir(parents=True, exist_ok=True)
    (stack.logs / "crm-api.log").write_text("".join(f"line {n}\n" for n in range(100)) +
                                            "ERROR: [Errno 98] address already in use\n")
    child = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    child.wait()
    stack.processes["crm-api"] = child
    with pytest.raises(click.ClickException) as failure:
        stack.check_children()
    message = failure.value.message
    assert "crm-api exited with code 3 1 times within" in message
    assert message.endswith("address already in use\n") and "line 99" in message and "line 50" not in message


def test_a_child_that_exits_is_restarted_after_its_back_off(tmp_path, monkeypatch):
    monkeypatch.setenv("DEV_DATA_DIR", str(tmp_path))
    stack = Stack(DevConfig.from_environment())
    stack.logs.mkdir(parents=True, exist_ok=True)
    stack.supervisor = Supervisor(first_backoff_seconds=0)
    stack.spawn("json-worker", "json.tool", "--help")  # any module that exits at once
    first = stack.processes["json-worker"]
    first.wait()
    stack.check_children()
    second = stack.processes["json-worker"]
    assert second is not first and second.args == first.args
    second.wait()
    assert stack.supervisor.crashes["json-worker"] and "json-worker" not in stack.supervisor.pending


def test_the_back_off_doubles_and_the_supervisor_gives_up_on_a_child_that_keeps_crashing():
    supervisor = Supervisor(max_crashes=4, window_seconds=100, first_backoff_seconds=1, max_backoff_seconds=3)
    assert supervisor.restart_due("w", now=0) == 1
    assert supervisor.restart_due("w", now=0.5) == 1, "a crash is counted once, however often it is looked at"
    supervisor.restarted("w")
    assert supervisor.restart_due("w", now=10) == 12
    supervisor.restarted("w")
    assert supervisor.restart_due("w", now=20) == 23, "capped at max_backoff_seconds"
    supervisor.restarted("w")
    assert supervisor.restart_due("w", now=30) is None, "the fourth crash within the window"
    calm = Supervisor(max_crashes=2, window_seconds=5)
    assert calm.restart_due("w", now=0) == 1
    calm.restarted("w")
    assert calm.restart_due("w", now=60) == 61, "crashes long ago are forgotten"
