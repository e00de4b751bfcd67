"""Start the whole system on one machine: PostgreSQL (a database per service), the tansu
broker, migrations, topics, every service's API and worker, and the gateway.

Everything runs as a child of this process and stops with it (Ctrl-C); a child that exits (the
broker included) is restarted after a back-off, and the stack gives up only on one that keeps
crashing. The database lives under ``.dev/`` and is kept between runs; the broker keeps nothing
between runs, so each relay replays its recent outbox on start and consumers drop what their inbox
has seen. Within a run, ``DEV_BROKER_STORAGE=s3`` keeps the broker's data in an embedded S3 server
so that a broker restart loses nothing; with ``memory`` (the default) a restarted broker comes back
empty and the relays notice and replay (docs/design.md, "What a dev broker restart loses").
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click
import httpx

from devstack.embedded import (
    EmbeddedPostgres,
    EmbeddedS3,
    PortInUse,
    TansuBroker,
    dying_with_parent,
    port_is_free,
    stop_process,
)
from shared.clock import WALL_CLOCK, as_utc
from shared.faults import ENVIRONMENT_VARIABLE as FAULT_VARIABLE

REPO_ROOT = Path(__file__).resolve().parents[2]

# Every service the system has, with its development port; one that is not built yet is skipped.
SERVICES: dict[str, int] = {"org": 8001, "crm": 8002, "telesales": 8003, "appraisal": 8004, "payroll": 8005}
# Processes that scale apart from a service's API and worker: (service, command) -> (gateway route, port).
EXTRA_HTTP_PROCESSES: dict[tuple[str, str], tuple[str, int]] = {("telesales", "intake"): ("telesales-intake", 8006)}
GATEWAY_PORT = 8000
# Where the broker keeps its data (DEV_BROKER_STORAGE): memory, or an embedded S3 server.
BROKER_STORAGES = ("memory", "s3")
# org's seed-admin exit status for a login that is no longer a current admin's (org/__main__.py).
LOGIN_UNUSABLE = 3


@dataclass
class DevConfig:
    data_dir: Path
    postgres_port: int
    broker_port: int
    gateway_port: int
    service_ports: dict[str, int]
    replay_window_seconds: int
    admin_login: str
    extra_ports: dict[tuple[str, str], int]
    # A test clock (DEV_CLOCK_AT, an ISO instant with its offset): every service's company clock
    # starts there when the stack starts and runs on. Unset: the wall clock.
    clock_offset_seconds: float = 0.0
    broker_storage: str = "memory"
    s3_port: int = 9000

    @classmethod
    def from_environment(cls) -> DevConfig:
        env = os.environ
        offset = int(env.get("DEV_SERVICE_PORT_OFFSET", "0"))
        return cls(
            data_dir=Path(env.get("DEV_DATA_DIR", REPO_ROOT / ".dev")).resolve(),
            postgres_port=int(env.get("DEV_POSTGRES_PORT", "55432")),
            broker_port=int(env.get("DEV_BROKER_PORT", "9092")),
            gateway_port=int(env.get("DEV_GATEWAY_PORT", str(GATEWAY_PORT))),
            service_ports={name: port + offset for name, port in SERVICES.items() if _built(name)},
            replay_window_seconds=int(env.get("DEV_REPLAY_WINDOW_SECONDS", str(7 * 24 * 3600))),
            admin_login=env.get("DEV_ADMIN_LOGIN", "admin"),
            extra_ports={key: port + offset for key, (_, port) in EXTRA_HTTP_PROCESSES.items()
                         if _built(key[0]) and key[1] in _commands(key[0])},
            clock_offset_seconds=_clock_offset(env.get("DEV_CLOCK_AT", "")),
            broker_storage=_broker_storage(env.get("DEV_BROKER_STORAGE", "memory")),
            s3_port=int(env.get("DEV_S3_PORT", "9000")),
        )

    def routes(self) -> dict[str, int]:
        """What the gateway routes to: every service's API and every extra HTTP process."""
        routes = dict(self.service_ports)
        routes.update({EXTRA_HTTP_PROCESSES[key][0]: port for key, port in self.extra_ports.items()})
        return routes


def _clock_offset(clock_at: str) -> float:
    """Seconds from the wall clock to ``clock_at``, taken once, so that every process agrees."""
    if not clock_at.strip():
        return 0.0
    try:
        instant = as_utc(datetime.fromisoformat(clock_at.strip()))
    except ValueError as error:
        raise click.UsageError(f"DEV_CLOCK_AT must be an ISO 8601 instant with its offset: {error}") from error
    return (instant - WALL_CLOCK.now()).total_seconds()


def _broker_storage(value: str) -> str:
    storage = value.strip().lower() or "memory"
    if storage not in BROKER_STORAGES:
        raise click.UsageError(f"DEV_BROKER_STORAGE must be one of {', '.join(BROKER_STORAGES)}, not {value!r}")
    return storage


def _built(service: str) -> bool:
    return importlib.util.find_spec(service) is not None and importlib.util.find_spec(f"{service}.__main__") is not None


def _commands(service: str) -> set[str]:
    module = importlib.import_module(f"{service}.__main__")
    return set(module.cli.commands)


class Stack:
    def __init__(self, config: DevConfig) -> None:
        self.config = config
        self.logs = config.data_dir / "logs"
        self.postgres = EmbeddedPostgres(config.data_dir / "pgdata", config.postgres_port)
        self.s3 = (EmbeddedS3(config.s3_port, log_path=self.logs / "s3.log")
                   if config.broker_storage == "s3" else None)
        self.broker = TansuBroker(config.broker_port, log_path=self.logs / "broker.log", s3=self.s3)
        self.processes: dict[str, subprocess.Popen] = {}
        self.commands: dict[str, tuple[str, ...]] = {}
        self.supervisor = Supervisor()

    # -- environment of each service ------------------------------------------------------
    def service_env(self, service: str) -> dict[str, str]:
        prefix = f"{service.upper()}_"
        env = {
            **os.environ,
            f"{prefix}ENVIRONMENT": "development",
            f"{prefix}DATABASE_URL": self.postgres.url(service),
            f"{prefix}KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap_servers,
            f"{prefix}HOST": "127.0.0.1",
            f"{prefix}PORT": str(self.config.service_ports.get(service, self.config.gateway_port)),
            f"{prefix}RELAY_REPLAY_WINDOW_SECONDS": str(self.config.replay_window_seconds),
            # tansu answers a consumer's JoinGroup after half the session timeout: 30 s would keep
            # every worker idle for 15 s after each start.
            f"{prefix}CONSUMER_SESSION_TIMEOUT_MS": "6000",
            f"{prefix}CONSUMER_HEARTBEAT_INTERVAL_MS": "2000",
            f"{prefix}CLOCK_OFFSET_SECONDS": repr(self.config.clock_offset_seconds),
            **{f"{prefix}{command.upper()}_PORT": str(port)
               for (owner, command), port in self.config.extra_ports.items() if owner == service},
            "PYTHONUNBUFFERED": "1",
        }
        if self.config.broker_storage == "s3":
            # The S3 broker keeps what it acknowledged, and tansu's S3 engine answers stale end
            # offsets (2 after acknowledging offset 21, measured), which the relays' loss check
            # would take for a lost broker every time, replaying their whole outbox window.
            env[f"{prefix}RELAY_BROKER_CHECK_SECONDS"] = "0"
        if service == "gateway":
            env["GATEWAY_SERVICES"] = json.dumps(
                {name: f"http://127.0.0.1:{port}" for name, port in self.config.routes().items()}
            )
        return env

    def run_once(self, service: str, *args: str, tolerate: tuple[int, ...] = ()) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", service, *args], env=self.service_env(service),
                                capture_output=True, text=True, cwd=REPO_ROOT)
        if result.returncode != 0 and result.returncode not in tolerate:
            raise click.ClickException(f"`python -m {service} {' '.join(args)}` failed:\n{result.stderr[-3000:]}")
        return result

    def spawn(self, name: str, service: str, *args: str) -> None:
        env = self.service_env(service)
        if name in self.commands:
            # A restart: an injected fault (shared.faults) happens once, not again in every restart.
            env.pop(FAULT_VARIABLE, None)
        self.commands[name] = (service, *args)
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - handed to the child
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", service, *args], env=env, cwd=REPO_ROOT,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=dying_with_parent(signal.SIGTERM),
        )
        log.close()

    # -- lifecycle ---------------------------------------------------------------------------
    def check_ports(self) -> None:
        wanted = {"PostgreSQL": self.config.postgres_port, "The Kafka broker": self.config.broker_port,
                  "The gateway": self.config.gateway_port}
        if self.s3 is not None:
            wanted["The S3 server"] = self.config.s3_port
        wanted.update({f"The {name} service": port for name, port in self.config.routes().items()})
        for what, port in wanted.items():
            if not port_is_free(port):
                raise PortInUse(what, port)

    def start(self) -> dict:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.check_ports()
        step("PostgreSQL", f"127.0.0.1:{self.config.postgres_port}, data in {self.postgres.data_dir}")
        self.postgres.start()
        for service in self.config.service_ports:
            self.postgres.ensure_database(service)
            self.run_once(service, "migrate")
        step("Migrations", "applied for " + ", ".join(self.config.service_ports))
        if self.s3 is not None:
            self.s3.start()
        step("Kafka broker (tansu)", f"{self.broker.bootstrap_servers}, storage: {self.broker.storage}")
        self.broker.start()
        self.run_topic_setup()
        admin = self.seed_admin()
        for service in self.config.service_ports:
            self.spawn(f"{service}-api", service, "api")
            self.spawn(f"{service}-worker", service, "worker")
        for service, command in self.config.extra_ports:
            self.spawn(f"{service}-{command}", service, command)
        self.spawn("gateway", "gateway", "api")
        return admin

    def run_topic_setup(self) -> None:
        """Create every public topic now, so that a subscriber can read one before the
        first event of its kind is produced."""
        import asyncio

        from shared.events import REGISTRY
        from shared.kafka import ensure_topics

        asyncio.run(ensure_topics(self.broker.bootstrap_servers, REGISTRY.topics(), partitions=6))

    def seed_admin(self) -> dict:
        credentials_file = self.config.data_dir / "admin.json"
        if credentials_file.exists():
            admin = json.loads(credentials_file.read_text())
        else:
            admin = {"login": self.config.admin_login, "password": secrets.token_urlsafe(12)}
        outcome = self.seed("org", admin)
        if outcome.returncode == LOGIN_UNUSABLE:
            # The saved admin left or lost the role (another admin remains, or org would have
            # refused): a fresh development admin, rather than a stack nobody can log in to.
            previous = admin["login"]
            admin = {"login": f"{self.config.admin_login}-{secrets.token_hex(3)}",
                     "password": secrets.token_urlsafe(12)}
            step("Administrator", f"{previous!r} is no longer a current admin; seeding {admin['login']!r}")
            outcome = self.seed("org", admin)
            if outcome.returncode != 0:
                raise click.ClickException(f"seeding {admin['login']!r} failed:\n{outcome.stderr[-3000:]}")
        credentials_file.write_text(json.dumps(admin))
        credentials_file.chmod(0o600)
        step("Administrator", outcome.stdout.strip())
        return admin

    def seed(self, service: str, admin: dict) -> subprocess.CompletedProcess:
        return self.run_once(service, "seed-admin", "--login", admin["login"], "--password", admin["password"],
                             tolerate=(LOGIN_UNUSABLE,))

    def wait_ready(self, timeout: float = 60) -> dict:
        url = f"http://127.0.0.1:{self.config.gateway_port}/readyz"
        deadline = time.monotonic() + timeout
        last: dict = {}
        while time.monotonic() < deadline:
            self.check_children()
            with contextlib.suppress(httpx.HTTPError, ValueError):
                response = httpx.get(url, timeout=2)
                last = response.json()
                if response.status_code == 200:
                    return last
            time.sleep(0.3)
        raise click.ClickException(f"the system was not ready within {timeout:.0f}s: {json.dumps(last)}; "
                                   f"see the logs in {self.logs}")

    def check_children(self) -> None:
        """Restart a child that exited, after a back-off; give up (and stop everything) only when
        one keeps crashing, so that one killed worker never takes the whole stack down."""
        now = time.monotonic()
        self.check_broker(now)
        for name, process in list(self.processes.items()):
            if process.poll() is None:
                continue
            log_file = self.logs / (name + ".log")
            due = self.supervisor.restart_due(name, now)
            if due is None:
                raise click.ClickException(
                    f"{name} exited with code {process.returncode} {self.supervisor.max_crashes} times within "
                    f"{self.supervisor.window_seconds:.0f} s; see {log_file}; it ended with:\n{tail_of(log_file)}")
            if due > now:
                continue
            click.echo(click.style("Restarted: ", fg="yellow", bold=True) +
                       f"{name} had exited with code {process.returncode} (see {log_file})")
            sys.stdout.flush()
            self.spawn(name, *self.commands[name])
            self.supervisor.restarted(name)

    def check_broker(self, now: float) -> None:
        """Restart a broker that exited, under the same back-off; the services keep running and
        reconnect. Its topics are created again at once (a memory broker comes back empty)."""
        process = self.broker.process
        if process is None or process.poll() is None:
            return
        due = self.supervisor.restart_due("broker", now)
        if due is None:
            raise click.ClickException(f"the broker exited with code {process.returncode} "
                                       f"{self.supervisor.max_crashes} times within "
                                       f"{self.supervisor.window_seconds:.0f} s; see {self.broker.log_path}")
        if due > now:
            return
        click.echo(click.style("Restarted: ", fg="yellow", bold=True) +
                   f"the broker had exited with code {process.returncode} (storage: {self.broker.storage})")
        sys.stdout.flush()
        self.broker.start()
        self.run_topic_setup()
        self.supervisor.restarted("broker")

    def stop(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            stop_process(process, signal.SIGTERM, timeout=10)
        self.processes.clear()
        self.broker.stop()
        if self.s3 is not None:
            self.s3.stop()
        self.postgres.stop()


@dataclass
class Supervisor:
    """When to restart a child that exited: after a back-off that doubles with each crash in the
    window (1 s, 2 s, 4 s … up to ``max_backoff_seconds``), never when it crashed ``max_crashes``
    times within ``window_seconds``."""

    max_crashes: int = 5
    window_seconds: float = 120.0
    first_backoff_seconds: float = 1.0
    max_backoff_seconds: float = 30.0
    crashes: dict[str, list[float]] = field(default_factory=dict)
    pending: dict[str, float] = field(default_factory=dict)

    def restart_due(self, name: str, now: float) -> float | None:
        """The monotonic time to restart ``name`` at, noting the crash once; None: give up."""
        if name not in self.pending:
            recent = [at for at in self.crashes.get(name, []) if now - at < self.window_seconds] + [now]
            self.crashes[name] = recent
            if len(recent) >= self.max_crashes:
                return None
            backoff = min(self.first_backoff_seconds * 2 ** (len(recent) - 1), self.max_backoff_seconds)
            self.pending[name] = now + backoff
        return self.pending[name]

    def restarted(self, name: str) -> None:
        self.pending.pop(name, None)


def tail_of(log_file: Path, lines: int = 25) -> str:
    """The end of a child's log, so that a failure explains itself where it is reported (in CI
    the scratch folder with the log is gone by the time anyone reads the output)."""
    try:
        return "".join(log_file.read_text(errors="replace").splitlines(keepends=True)[-lines:])
    except OSError as error:
        return f"(log unreadable: {error})"


def step(what: str, detail: str) -> None:
    click.echo(f"  {click.style(what, bold=True)}: {detail}")


def main() -> int:
    try:
        config = DevConfig.from_environment()
    except click.ClickException as error:
        click.echo(click.style("Cannot start: ", fg="red", bold=True) + error.format_message(), err=True)
        return 1
    stack = Stack(config)
    stopping = False

    def request_stop(signum, frame) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, request_stop)
    click.echo("Starting the sales-team system on embedded defaults…")
    try:
        admin = stack.start()
        readiness = stack.wait_ready()
        gateway = f"http://127.0.0.1:{config.gateway_port}"
        click.echo("")
        click.echo(click.style("Ready.", fg="green", bold=True) + " Services: " +
                   ", ".join(f"{name} {state['status']}" for name, state in readiness.get("services", {}).items()))
        click.echo(f"  Gateway:        {gateway}   (API under {gateway}/api/<service>/…, docs at {gateway}/docs)")
        click.echo(f"  Log in (development only): login {admin['login']!r}, password {admin['password']!r}")
        click.echo(f"      curl -s -X POST {gateway}/auth/login -H 'content-type: application/json' "
                   f"-d '{{\"login\": \"{admin['login']}\", \"password\": \"{admin['password']}\"}}'")
        click.echo(f"  Kafka broker:   {stack.broker.bootstrap_servers}, storage: {stack.broker.storage}   "
                   # Not kcat: Debian's librdkafka cannot parse tansu's ApiVersions answer (docs/design.md).
                   f"(watch a topic: {sys.executable} -m devstack.tail org.department)")
        click.echo(f"  PostgreSQL:     {stack.postgres.url('<service>', driver='postgresql')}")
        click.echo(f"  Logs:           {stack.logs}")
        if config.clock_offset_seconds:
            click.echo(f"  Test clock:     the services' clock runs {config.clock_offset_seconds:+.0f} s from the wall "
                       "clock (DEV_CLOCK_AT)")
        click.echo("Press Ctrl-C to stop everything.")
        sys.stdout.flush()
        while True:
            stack.check_children()
            time.sleep(1)
    except KeyboardInterrupt:
        click.echo("\nStopping…")
        return 0
    except PortInUse as error:
        click.echo(click.style("Cannot start: ", fg="red", bold=True) + str(error), err=True)
        return 2
    except click.ClickException as error:
        click.echo(click.style("Cannot start: ", fg="red", bold=True) + error.format_message(), err=True)
        return 1
    finally:
        stack.stop()
        click.echo("Stopped; the data is kept in " + str(config.data_dir))
