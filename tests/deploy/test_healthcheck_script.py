"""deploy/docker/healthcheck.py, the image's `healthcheck` command: exit 0 on 2xx, 1 otherwise."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "docker" / "healthcheck.py"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = {"/healthz": 200, "/readyz": 503}.get(self.path, 404)
        body = b'{"status": "ok"}'
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # The image runs it with the interpreter only (no project on the path): do the same.
    return subprocess.run([sys.executable, "-I", str(SCRIPT), *args], capture_output=True, text=True, timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_healthy_answer_exits_zero(server: str) -> None:
    result = run(f"{server}/healthz")
    assert result.returncode == 0, result.stdout
    assert "HTTP 200" in result.stdout


def test_not_ready_answer_exits_one(server: str) -> None:
    result = run(f"{server}/readyz")
    assert result.returncode == 1
    assert "HTTP 503" in result.stdout


def test_missing_path_exits_one(server: str) -> None:
    assert run(f"{server}/nope").returncode == 1


def test_nobody_listening_exits_one() -> None:
    result = run(f"http://127.0.0.1:{free_port()}/healthz")
    assert result.returncode == 1
    assert "URLError" in result.stdout or "Error" in result.stdout


def test_default_url_uses_healthcheck_port(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    result = subprocess.run([sys.executable, "-I", str(SCRIPT)], capture_output=True, text=True, timeout=30,
                            env={"HEALTHCHECK_PORT": port})
    assert result.returncode == 0, result.stdout
