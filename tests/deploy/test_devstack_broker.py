"""The dev stack's broker storage option, its supervision of the broker, and a fault that is
injected once: a restarted child runs unarmed."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from devstack.run import DevConfig, Stack, Supervisor
from shared.faults import ENVIRONMENT_VARIABLE


def test_memory_is_the_default_storage_and_s3_adds_an_s3_server(tmp_path, monkeypatch):
    monkeypatch.setenv("DEV_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DEV_BROKER_STORAGE", raising=False)
    assert Stack(DevConfig.from_environment()).s3 is None
    monkeypatch.setenv("DEV_BROKER_STORAGE", "s3")
    monkeypatch.setenv("DEV_S3_PORT", "19000")
    stack = Stack(DevConfig.from_environment())
    assert stack.s3 is not None and stack.s3.port == 19000 and stack.broker.s3 is stack.s3
    assert stack.s3.broker_env()["AWS_ENDPOINT"] == "http://127.0.0.1:19000"
    # tansu's S3 engine answers stale end offsets: the relays' loss check is off, not misled.
    assert stack.service_env("telesales")["TELESALES_RELAY_BROKER_CHECK_SECONDS"] == "0"


def test_an_unknown_storage_is_refused_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("DEV_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DEV_BROKER_STORAGE", "disk")
    with pytest.raises(click.UsageError, match="DEV_BROKER_STORAGE must be one of memory, s3"):
        DevConfig.from_environment()


def test_a_fault_reaches_the_first_start_of_a_child_only(tmp_path, monkeypatch):
    monkeypatch.setenv("DEV_DATA_DIR", str(tmp_path))
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "relay-after-publish:telesales:3")
    stack = Stack(DevConfig.from_environment())
    stack.logs.mkdir(parents=True, exist_ok=True)
    started: list[dict] = []
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(kwargs["env"]))
    stack.spawn("telesales-worker", "telesales", "worker")
    stack.spawn("telesales-worker", "telesales", "worker")  # as check_children restarts it
    assert started[0][ENVIRONMENT_VARIABLE] == "relay-after-publish:telesales:3"
    assert ENVIRONMENT_VARIABLE not in started[1]


class FakeBroker:
    def __init__(self, process) -> None:
        self.process = process
        self.starts = 0
        self.storage = "memory"
        self.log_path = None

    def start(self) -> None:
        self.starts += 1
        self.process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])


def test_a_broker_that_exited_is_restarted_and_its_topics_created_again(tmp_path, monkeypatch):
    monkeypatch.setenv("DEV_DATA_DIR", str(tmp_path))
    stack = Stack(DevConfig.from_environment())
    stack.supervisor = Supervisor(first_backoff_seconds=0)
    dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(137)"])
    dead.wait()
    stack.broker = FakeBroker(dead)
    topic_setups: list[bool] = []
    monkeypatch.setattr(stack, "run_topic_setup", lambda: topic_setups.append(True))
    try:
        stack.check_children()
        assert stack.broker.starts == 1 and topic_setups == [True]
        stack.check_children()  # running: left alone
        assert stack.broker.starts == 1
    finally:
        stack.broker.process.kill()
        stack.broker.process.wait()


def test_a_broker_that_keeps_crashing_stops_the_stack(tmp_path, monkeypatch):
    monkeypatch.setenv("DEV_DATA_DIR", str(tmp_path))
    stack = Stack(DevConfig.from_environment())
    stack.supervisor = Supervisor(max_crashes=1)
    dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])
    dead.wait()
    stack.broker = FakeBroker(dead)
    with pytest.raises(click.ClickException, match="the broker exited with code 1"):
        stack.check_children()
