"""Run the real dev stack (``python -m devstack``) as a child on free ports in a scratch
folder: used by the end-to-end tests and the benchmarks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx
import psutil

from devstack.embedded import free_port_block
from devstack.run import EXTRA_HTTP_PROCESSES, GATEWAY_PORT, REPO_ROOT, SERVICES

# The gateway and every service port sit in one block: gateway at base, the rest above it.
_BLOCK = max([*SERVICES.values(), *(port for _, port in EXTRA_HTTP_PROCESSES.values())]) - GATEWAY_PORT


class RunningStack:
    def __init__(self, data_dir: Path, clock_at: datetime | None = None, env: dict[str, str] | None = None) -> None:
        """``clock_at``: the instant the services' company clock starts at (``DEV_CLOCK_AT``);
        ``env``: more variables for the stack (``DEV_BROKER_STORAGE``, ``SALESTEAM_FAULT`` …)."""
        # One block: the gateway at base, the services above it, then PostgreSQL, the broker and
        # the S3 server (used with DEV_BROKER_STORAGE=s3 only).
        base = free_port_block(_BLOCK + 4)
        self.env = {
            **os.environ,
            "DEV_DATA_DIR": str(data_dir),
            "DEV_POSTGRES_PORT": str(base + _BLOCK + 1),
            "DEV_BROKER_PORT": str(base + _BLOCK + 2),
            "DEV_S3_PORT": str(base + _BLOCK + 3),
            "DEV_GATEWAY_PORT": str(base),
            "DEV_SERVICE_PORT_OFFSET": str(base - GATEWAY_PORT),
            **({"DEV_CLOCK_AT": clock_at.isoformat()} if clock_at is not None else {}),
            **(env or {}),
        }
        self.gateway = f"http://127.0.0.1:{base}"
        self.broker = f"127.0.0.1:{self.env['DEV_BROKER_PORT']}"
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None
        self.output: list[str] = []

    def start(self, ready_within: float = 120) -> None:
        self.output.clear()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devstack"], env=self.env, cwd=REPO_ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, start_new_session=True,
            # A shell's background job starts with SIGINT ignored, and Python then never turns it
            # into KeyboardInterrupt: stop()'s Ctrl-C would go unheard and the stack outlive the tests.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            self.output.append(line)
            if line.startswith("Ready."):
                return
        raise RuntimeError("the dev stack did not become ready:\n" + "".join(self.output))

    @staticmethod
    def still_running(process: psutil.Process) -> bool:
        """A process can exit between any two psutil calls; one that vanished is simply not running."""
        try:
            return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    def descendants(self) -> list[psutil.Process]:
        return psutil.Process(self.process.pid).children(recursive=True)

    def stop(self) -> list[int]:
        """Ctrl-C, as a person would; returns the pids that were running under it."""
        if self.process is None or self.process.poll() is not None:
            return []
        pids = [p.pid for p in self.descendants()]
        self.process.send_signal(signal.SIGINT)
        rest, _ = self.process.communicate(timeout=60)
        self.output.append(rest)
        return pids

    def admin_credentials(self) -> dict:
        return json.loads((self.data_dir / "admin.json").read_text())

    def login(self, login: str, password: str) -> str:
        response = httpx.post(f"{self.gateway}/auth/login", json={"login": login, "password": password}, timeout=10)
        if response.status_code != 200:
            raise RuntimeError(f"login as {login} failed: {response.status_code} {response.text}")
        return response.json()["access_token"]

    def admin_token(self) -> str:
        admin = self.admin_credentials()
        return self.login(admin["login"], admin["password"])
