"""The dev stack's choice of ports, and how it reports a child that died while starting."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from devstack import embedded
from devstack.run import DevConfig, Stack


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


def test_a_child_that_dies_is_reported_with_the_end_of_its_log(tmp_path, monkeypatch):
    monkeypatch.setenv("DEV_DATA_DIR", str(tmp_path))
    stack = Stack(DevConfig.from_environment())
    stack.logs.mkdir(parents=True, exist_ok=True)
    (stack.logs / "crm-api.log").write_text("".join(f"line {n}\n" for n in range(100)) +
                                            "ERROR: [Errno 98] address already in use\n")
    child = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    child.wait()
    stack.processes["crm-api"] = child
    with pytest.raises(click.ClickException) as failure:
        stack.check_children()
    message = failure.value.message
    assert "crm-api exited with code 3" in message
    assert message.endswith("address already in use\n") and "line 99" in message and "line 50" not in message
