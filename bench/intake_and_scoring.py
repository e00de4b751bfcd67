"""Benchmark: telesales call intake end to end, and the delay until appraisal scores a call.

Prints two things (not a test; nothing is asserted):

1. Throughput: call records per second through the whole intake path — HTTP batches to the
   intake (through the gateway) → intake topic → telesales worker stores each call and
   updates the daily figures — timed from the first POST until ``GET /api/telesales/figures/daily``
   shows every posted call as a dial. The intake's own acceptance rate (until the last 202) is
   printed apart.
2. Latency: for single calls posted one at a time, the delay until the appraisal score
   endpoint of that agent counts the call among the inputs of its calls-dialled indicator
   (p50, p95, p99, max).

By default it starts its own dev stack (``python -m devstack``, via ``devstack.harness``) in a
temporary folder on free ports and stops it at the end; ``--gateway URL --admin-login L
--admin-password P`` measures an already running ``make dev`` instead. Either way it builds its
own telesales department, group and agents through the org API, so its figures are its own.

    .venv/bin/python bench/intake_and_scoring.py --agents 20 --calls 20000 --batch 1000 \\
        --latency-samples 200 --concurrency 4
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

try:  # a progress bar only when tqdm happens to be installed; it is not a dependency
    from tqdm import tqdm
except ImportError:  # pragma: no cover - depends on the environment
    tqdm = None

try:  # CPU accounting per process; psutil comes with the dev requirements
    import psutil
except ImportError:  # pragma: no cover
    psutil = None

INTAKE_BATCH = "/api/telesales-intake/calls/batch"
INTAKE_ONE = "/api/telesales-intake/calls"
FIGURES = "/api/telesales/figures/daily"
CALL = "/api/telesales/calls/{call_id}"
SCORE = "/api/appraisal/periods/{period}/employees/{employee_id}/score"
CALLS_SOURCE = "calls_dialled"  # the appraisal fact source CallLogged feeds (one per call)
AGENT_ROLE = "telesales_agent"
RETRYABLE = {502, 503, 504}

# Outcome mix of an outbound telesales floor: share, connected, (min, max) duration in seconds,
# furthest stage reached. Unconnected calls ring, they do not talk (talk_seconds counts 0).
MIX: list[tuple[str, float, bool, tuple[int, int], str | None]] = [
    ("no_answer", 0.34, False, (15, 45), None),
    ("busy", 0.10, False, (0, 10), None),
    ("invalid_number", 0.04, False, (0, 5), None),
    ("refused", 0.16, True, (5, 45), "opening"),
    ("effective_conversation", 0.16, True, (60, 420), "needs_discovery"),
    ("intent", 0.10, True, (90, 720), "objection_handling"),
    ("appointment", 0.05, True, (120, 900), "closing"),
    ("order", 0.02, True, (180, 1200), "wrap_up"),
    ("complaint", 0.02, True, (30, 300), "opening"),
    ("do_not_call", 0.01, True, (5, 60), "opening"),
]


class BenchError(RuntimeError):
    """The benchmark could not go on (a phase timed out, the system answered an error)."""


def say(text: str = "") -> None:
    # A closed stdout (piped into `head`) must not stop the run before the stack is stopped.
    with contextlib.suppress(OSError, ValueError):
        print(text, flush=True)


# --- arguments -----------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--agents", type=int, default=20, help="telesales agents to create")
    parser.add_argument("--calls", type=int, default=20_000, help="call records posted in the throughput phase")
    parser.add_argument("--batch", type=int, default=1000, help="records per POST /calls/batch (intake limit 1000)")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent HTTP clients posting batches")
    parser.add_argument("--latency-samples", type=int, default=200, help="single calls timed to the appraisal score")
    parser.add_argument("--poll-ms", type=float, default=10, help="pause between polls in the latency phase")
    parser.add_argument("--no-commit-probe", action="store_true",
                        help="do not also poll GET /api/telesales/calls/{id} during a latency sample")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the generated calls")
    parser.add_argument("--gateway", help="use a running stack at this gateway URL instead of starting one")
    parser.add_argument("--admin-login", default="admin", help="with --gateway")
    parser.add_argument("--admin-password", help="with --gateway (make dev prints it; .dev/admin.json keeps it)")
    parser.add_argument("--start-timeout", type=float, default=180, help="seconds for the own stack to be ready")
    parser.add_argument("--setup-timeout", type=float, default=120,
                        help="seconds for the org to be built and known to telesales and appraisal")
    parser.add_argument("--phase-timeout", type=float, default=900,
                        help="seconds each of throughput, appraisal catch-up and latency may take")
    parser.add_argument("--sample-timeout", type=float, default=30, help="seconds one latency sample may take")
    parser.add_argument("--raw-records", type=int, default=None,
                        help="records of the raw-limit run (bare aiokafka + asyncpg COPY); default --calls, 0 skips")
    parser.add_argument("--idle-seconds", type=float, default=60, help="idle-stack CPU window before the load; 0 skips")
    parser.add_argument("--idle-settle", type=float, default=15, help="seconds the fresh stack settles before it")
    parser.add_argument("--broker", help="with --gateway: the stack's broker, for the raw limit")
    parser.add_argument("--postgres", help="with --gateway: a PostgreSQL URL of the stack's server, for the raw limit")
    parser.add_argument("--json-out", type=Path, help="also write the figures as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the own stack's temporary folder (logs)")
    args = parser.parse_args(argv)
    if args.gateway and not args.admin_password:
        parser.error("--gateway needs --admin-password")
    for name in ("agents", "calls", "batch", "concurrency"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.raw_records is None:
        args.raw_records = args.calls
    if args.latency_samples < 0:
        parser.error("--latency-samples must not be negative")
    return args


# --- small helpers -------------------------------------------------------------------------------


def now() -> float:
    return time.perf_counter()


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99 by linear interpolation between closest ranks, with max, mean and count."""
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def rank(p: float) -> float:
        position = (len(ordered) - 1) * p
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (position - low)

    return {"count": len(ordered), "min": ordered[0], "p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99),
            "max": ordered[-1], "mean": statistics.fmean(ordered)}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def progress(total: int, label: str) -> Any:
    """A tqdm bar when tqdm is installed, otherwise a quiet stand-in."""
    if tqdm is not None:
        return tqdm(total=total, desc=label, unit="rec", leave=False)

    class _Quiet:
        def update(self, _n: int = 1) -> None: ...

        def close(self) -> None: ...

    return _Quiet()


async def wait_for(check: Callable[[], Awaitable[bool]], *, within: float, every: float, what: str) -> float:
    """Call ``check`` until it is true; returns the seconds it took, raises after ``within`` seconds."""
    start = now()
    while True:
        if await check():
            return now() - start
        if now() - start > within:
            raise BenchError(f"timed out after {within:.0f}s waiting for {what}")
        await asyncio.sleep(every)


def expect(response: httpx.Response, *codes: int) -> Any:
    if response.status_code not in codes:
        raise BenchError(f"{response.request.method} {response.request.url.path} answered "
                         f"{response.status_code}: {response.text[:500]}")
    return response.json() if response.content else None


# --- CPU accounting ------------------------------------------------------------------------------


def process_label(proc: Any) -> str:
    """A readable name for a process of the stack: `telesales worker`, `postgres (telesales db)`…"""
    try:
        cmd = proc.cmdline()
        name = proc.name()
    except Exception:
        return "?"
    if "-m" in cmd and cmd.index("-m") + 1 < len(cmd):
        at = cmd.index("-m")
        return " ".join(cmd[at + 1:at + 3])
    title = " ".join(cmd)
    if name == "postgres" or title.startswith("postgres"):
        parts = title.split()
        # A backend's title is "postgres: <user> <database> <client> <state>".
        if title.startswith("postgres:") and len(parts) >= 4 and parts[1] == "postgres" and "(" in parts[3]:
            return f"postgres ({parts[2]} db)"
        return "postgres (server)"
    if "tansu" in title or "tansu" in name:
        return "broker (tansu)"
    return name


MACHINE = -1  # the snapshot key of the whole machine's busy time
OTHER = "(not this stack nor this script)"


class CpuMeter:
    """CPU seconds per process of the stack (and of this load generator) between two snapshots."""

    def __init__(self, root_pid: int | None) -> None:
        self.root_pid = root_pid

    def snapshot(self) -> dict[int, tuple[str, float]]:
        if psutil is None:
            return {}
        processes = [psutil.Process()]
        if self.root_pid is not None:
            with contextlib.suppress(psutil.Error):
                root = psutil.Process(self.root_pid)
                processes += [root, *root.children(recursive=True)]
        machine = psutil.cpu_times()
        busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
        taken: dict[int, tuple[str, float]] = {MACHINE: (OTHER, busy)}
        for proc in processes:
            with contextlib.suppress(psutil.Error):
                times = proc.cpu_times()
                label = "load generator (this script)" if proc.pid == psutil.Process().pid else process_label(proc)
                taken[proc.pid] = (label, times.user + times.system)
        return taken

    @staticmethod
    def difference(before: dict[int, tuple[str, float]], after: dict[int, tuple[str, float]]) -> dict[str, float]:
        used: dict[str, float] = {}
        for pid, (label, seconds) in after.items():
            if pid == MACHINE:
                continue
            spent = seconds - before[pid][1] if pid in before else seconds
            used[label] = used.get(label, 0.0) + max(spent, 0.0)
        if MACHINE in before and MACHINE in after:
            # Whatever else kept the machine busy: other programs, and stack processes that ended.
            used[OTHER] = max(after[MACHINE][1] - before[MACHINE][1] - sum(used.values()), 0.0)
        return dict(sorted(used.items(), key=lambda item: -item[1]))


def find_devstack_pid() -> int | None:
    """With --gateway: the one `python -m devstack` running on this machine, if there is exactly one."""
    if psutil is None:
        return None
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info.get("cmdline") or []
        if "-m" in cmd and cmd.index("-m") + 1 < len(cmd) and cmd[cmd.index("-m") + 1] == "devstack":
            found.append(proc.pid)
    return found[0] if len(found) == 1 else None


def print_cpu(used: dict[str, float], wall: float, top: int = 12) -> None:
    if not used or wall <= 0:
        return
    total = sum(used.values())
    other = used.get(OTHER, 0.0)
    cores = psutil.cpu_count() if psutil is not None else None
    say(f"  CPU over {wall:.1f} s: machine {total / wall:.2f} cores busy on average"
        + (f" of {cores}" if cores else "") + f"; outside this stack and script {other / wall:.2f}")
    shown = [item for item in used.items() if item[0] != OTHER][:top]
    for label, seconds in shown:
        say(f"    {label:<34} {seconds:7.1f} CPU-s  {100 * seconds / wall:5.0f}% of a core")


# --- the organisation ----------------------------------------------------------------------------


@dataclass
class Org:
    department_id: str
    group_id: str
    leader_id: str
    agents: list[str]


async def build_org(api: httpx.AsyncClient, agents: int) -> Org:
    suffix = uuid.uuid4().hex[:8]
    hired_on = (datetime.now(UTC).date() - timedelta(days=30)).isoformat()
    department = expect(await api.post("/api/org/departments",
                                       json={"name": f"Bench telesales {suffix}", "kind": "telesales"}), 201)
    department_id = department["id"]
    for role, planned in (("group_leader", 1), (AGENT_ROLE, agents)):
        expect(await api.put(f"/api/org/departments/{department_id}/headcount/{role}", json={"planned": planned}), 200)
    leader = expect(await api.post("/api/org/employees", json={
        "name": f"Bench leader {suffix}", "role": "group_leader", "department_id": department_id,
        "hired_on": hired_on}), 201)
    group = expect(await api.post("/api/org/groups", json={
        "name": f"Bench group {suffix}", "department_id": department_id, "leader_id": leader["id"]}), 201)
    gate = asyncio.Semaphore(4)

    async def hire(number: int) -> str:
        async with gate:
            hired = expect(await api.post("/api/org/employees", json={
                "name": f"Bench agent {suffix}-{number:04d}", "role": AGENT_ROLE, "department_id": department_id,
                "group_id": group["id"], "manager_id": leader["id"], "hired_on": hired_on}), 201)
            return hired["id"]

    ids = await asyncio.gather(*(hire(number) for number in range(agents)))
    return Org(department_id=department_id, group_id=group["id"], leader_id=leader["id"], agents=list(ids))


async def figures(api: httpx.AsyncClient, org: Org, day: date) -> dict:
    return expect(await api.get(FIGURES, params={"department_id": org.department_id, "date": day.isoformat()}), 200)


async def calls_inputs(api: httpx.AsyncClient, period: str, employee_id: str) -> int | None:
    """How many calls fed the employee's calls-dialled indicator; None while appraisal cannot score them."""
    response = await api.get(SCORE.format(period=period, employee_id=employee_id))
    if response.status_code == 404:
        return None
    score = expect(response, 200)
    for indicator in score["indicators"]:
        if indicator["source"] == CALLS_SOURCE:
            return int(indicator["inputs"])
    raise BenchError(f"the score of {employee_id} has no indicator fed by {CALLS_SOURCE}: "
                     f"template {score['template_key']}")


# --- call records --------------------------------------------------------------------------------


@dataclass
class CallFactory:
    run_id: str
    tz: ZoneInfo
    rng: random.Random
    counter: int = 0
    weights: list[float] = field(default_factory=lambda: [share for _, share, *_ in MIX])

    def make(self, agent_id: str, started_at: datetime) -> dict:
        self.counter += 1
        disposition, _, connected, (low, high), stage = self.rng.choices(MIX, weights=self.weights)[0]
        record = {
            "call_id": f"bench-{self.run_id}-{self.counter:08d}",
            "agent_id": agent_id,
            "number_dialled": f"+86 13{self.rng.randrange(10**9):09d}",
            "started_at": started_at.isoformat(),
            "duration_seconds": self.rng.randint(low, high),
            "connected": connected,
            "disposition": disposition,
        }
        if stage is not None:
            record["stage_reached"] = stage
        if disposition in ("intent", "appointment", "order"):
            record["notes"] = "Interested in the annual plan; asked for the price list."
            record["next_step"] = "Send the quote, call back on Thursday."
        return record

    def today_start(self, span_seconds: float) -> datetime:
        """A moment earlier today (company time), at most ``span_seconds`` ago, never before midnight."""
        moment = datetime.now(self.tz)
        since_midnight = (moment - moment.replace(hour=0, minute=0, second=0, microsecond=0)).total_seconds()
        back = self.rng.uniform(0, max(min(span_seconds, since_midnight - 1), 0))
        return moment - timedelta(seconds=back)


# --- phase 1: throughput -------------------------------------------------------------------------


@dataclass
class Throughput:
    posted: int = 0
    accepted: int = 0
    rejected: int = 0
    requests: int = 0
    retries: int = 0
    request_seconds: list[float] = field(default_factory=list)
    intake_seconds: float = 0.0
    end_to_end_seconds: float = 0.0
    stored_when_intake_done: int = 0
    curve: list[tuple[float, int]] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)


async def throughput_phase(args: argparse.Namespace, gateway: str, headers: dict, api: httpx.AsyncClient,
                           org: Org, day: date, factory: CallFactory, meter: CpuMeter
                           ) -> tuple[Throughput, dict[str, int]]:
    per_agent = dict.fromkeys(org.agents, 0)
    records = []
    for number in range(args.calls):
        agent = org.agents[number % len(org.agents)]
        records.append(factory.make(agent, factory.today_start(4 * 3600)))
        per_agent[agent] += 1
    # Serialised before the clock starts: the load generator's JSON encoding is not the system's time.
    bodies = [json.dumps({"calls": records[i:i + args.batch]}).encode() for i in range(0, len(records), args.batch)]
    result = Throughput(posted=len(records))
    baseline = (await figures(api, org, day))["total"]["figures"]["dials"]

    clients = [httpx.AsyncClient(base_url=gateway, headers={**headers, "content-type": "application/json"},
                                 timeout=httpx.Timeout(60, connect=5)) for _ in range(args.concurrency)]
    for client in clients:  # connections open before the clock starts
        expect(await client.get("/healthz"), 200)
    queue: Iterator[bytes] = iter(bodies)
    bar = progress(len(records), "intake")
    intake_done = asyncio.Event()
    last_202 = 0.0

    async def post_all(client: httpx.AsyncClient) -> None:
        nonlocal last_202
        for body in queue:
            for attempt in range(6):
                sent = now()
                response = await client.post(INTAKE_BATCH, content=body)
                result.requests += 1
                result.request_seconds.append(now() - sent)
                if response.status_code == 202:
                    break
                if response.status_code in RETRYABLE and attempt < 5:
                    result.retries += 1  # retried whole: call_id makes a repeat harmless
                    await asyncio.sleep(0.2 * 2 ** attempt)
                    continue
                expect(response, 202)
            answer = response.json()
            last_202 = now()
            result.accepted += answer["accepted"]
            result.rejected += len(answer["rejected"])
            if answer["rejected"] and result.rejected == len(answer["rejected"]):
                say(f"  first rejection: {json.dumps(answer['rejected'][0])[:400]}")
            bar.update(answer["accepted"] + len(answer["rejected"]))

    async def watch_figures() -> float:
        """Polls the daily figures until every accepted call is a dial; returns when it saw that."""
        while True:
            dials = (await figures(api, org, day))["total"]["figures"]["dials"] - baseline
            seen = now()
            result.curve.append((seen - t0, dials))
            if intake_done.is_set() and dials >= result.accepted:
                return seen
            if seen - t0 > args.phase_timeout:
                raise BenchError(f"daily figures showed {dials} of {result.accepted} calls after "
                                 f"{args.phase_timeout:.0f}s")
            await asyncio.sleep(0.25)

    cpu_before = meter.snapshot()
    t0 = now()
    watcher = asyncio.create_task(watch_figures())
    try:
        async with asyncio.timeout(args.phase_timeout):
            await asyncio.gather(*(post_all(client) for client in clients))
        intake_done.set()
        result.intake_seconds = last_202 - t0
        result.stored_when_intake_done = result.curve[-1][1] if result.curve else 0
        done_at = await watcher
    except TimeoutError as error:
        raise BenchError(f"intake did not accept {len(records)} records within {args.phase_timeout:.0f}s") from error
    finally:
        watcher.cancel()
        bar.close()
        for client in clients:
            await client.aclose()
    result.end_to_end_seconds = done_at - t0
    result.cpu = CpuMeter.difference(cpu_before, meter.snapshot())
    if result.rejected:
        say(f"  note: intake refused {result.rejected} generated records; only the accepted ones are counted")
    return result, per_agent


# --- between the phases: appraisal catches up ----------------------------------------------------


async def appraisal_catch_up(args: argparse.Namespace, api: httpx.AsyncClient, period: str,
                             expected: dict[str, int], curve: list[tuple[float, int]]
                             ) -> tuple[float, dict[str, int]]:
    """Waits until appraisal counts every call of the throughput phase; returns seconds waited.
    ``curve`` receives (seconds since the wait began, calls counted so far) at every poll."""
    seen: dict[str, int] = {}
    began = now()

    async def caught_up() -> bool:
        counts = await asyncio.gather(*(calls_inputs(api, period, agent) for agent in expected))
        seen.update({agent: count or 0 for agent, count in zip(expected, counts, strict=True)})
        curve.append((now() - began, sum(min(seen[agent], want) for agent, want in expected.items())))
        return all(seen[agent] >= want for agent, want in expected.items())

    try:
        waited = await wait_for(caught_up, within=args.phase_timeout, every=1.0, what="appraisal to score every call")
    except BenchError as error:
        behind = sum(max(want - seen.get(agent, 0), 0) for agent, want in expected.items())
        raise BenchError(f"{error}; {behind} calls not yet counted") from error
    return waited, seen


# --- phase 2: latency ----------------------------------------------------------------------------


@dataclass
class Latency:
    from_202: list[float] = field(default_factory=list)
    from_post: list[float] = field(default_factory=list)
    from_stored_seen: list[float] = field(default_factory=list)
    to_stored_seen: list[float] = field(default_factory=list)
    poll_round_trips: list[float] = field(default_factory=list)
    timeouts: int = 0
    received_at_exposed: bool = False
    stored_at_exposed: bool = False
    seconds: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)


async def latency_phase(args: argparse.Namespace, api: httpx.AsyncClient, org: Org, factory: CallFactory,
                        counts: dict[str, int], meter: CpuMeter) -> Latency:
    result = Latency()
    pause = args.poll_ms / 1000
    bar = progress(args.latency_samples, "latency")
    cpu_before = meter.snapshot()
    phase_start = now()

    async def poll_score(period: str, agent: str, want: int) -> float:
        while True:
            sent = now()
            count = await calls_inputs(api, period, agent)
            arrived = now()
            result.poll_round_trips.append(arrived - sent)
            if count is not None and count >= want:
                return arrived
            await asyncio.sleep(pause)

    async def poll_stored(call_id: str) -> float:
        while True:
            sent = now()
            response = await api.get(CALL.format(call_id=call_id))
            arrived = now()
            result.poll_round_trips.append(arrived - sent)
            if response.status_code == 200:
                body = response.json()
                result.received_at_exposed = "received_at" in body
                result.stored_at_exposed = any(key in body for key in ("stored_at", "created_at", "committed_at"))
                return arrived
            if response.status_code != 404:
                expect(response, 200)
            await asyncio.sleep(pause)

    try:
        for sample in range(args.latency_samples):
            if now() - phase_start > args.phase_timeout:
                raise BenchError(f"the latency phase took over {args.phase_timeout:.0f}s after {sample} samples")
            agent = org.agents[sample % len(org.agents)]
            record = factory.make(agent, datetime.now(factory.tz) - timedelta(seconds=1))
            period = record["started_at"][:7]  # the company month of the call (started_at is in company time)
            want = counts[agent] + 1
            posted = now()
            expect(await api.post(INTAKE_ONE, json=record), 202)
            answered = now()
            stored_task = None if args.no_commit_probe else asyncio.create_task(poll_stored(record["call_id"]))
            try:
                async with asyncio.timeout(args.sample_timeout):
                    scored = await poll_score(period, agent, want)
                    stored = await stored_task if stored_task is not None else None
            except TimeoutError:
                result.timeouts += 1
                say(f"  sample {sample}: appraisal did not count call {record['call_id']} within "
                    f"{args.sample_timeout:.0f}s")
                counts[agent] = await calls_inputs(api, period, agent) or counts[agent]
                continue
            finally:
                if stored_task is not None:
                    stored_task.cancel()
            counts[agent] = want
            result.from_202.append(scored - answered)
            result.from_post.append(scored - posted)
            if stored is not None:
                result.to_stored_seen.append(stored - answered)
                result.from_stored_seen.append(max(scored - stored, 0.0))
            bar.update()
            await asyncio.sleep(factory.rng.uniform(0.020, 0.050))
    finally:
        bar.close()
    result.seconds = now() - phase_start
    result.cpu = CpuMeter.difference(cpu_before, meter.snapshot())
    return result


# --- the run -------------------------------------------------------------------------------------


async def run(args: argparse.Namespace, gateway: str, token: str, root_pid: int | None) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    meter = CpuMeter(root_pid)
    figures_out: dict[str, Any] = {"arguments": {k: (str(v) if isinstance(v, Path) else v)
                                                 for k, v in vars(args).items() if k != "admin_password"}}
    async with httpx.AsyncClient(base_url=gateway, headers=headers, timeout=httpx.Timeout(30, connect=5)) as api:
        # --- setup
        started = now()
        try:
            async with asyncio.timeout(args.setup_timeout):
                org = await build_org(api, args.agents)
                say(f"Org: department {org.department_id}, group {org.group_id} (leader {org.leader_id}), "
                    f"{len(org.agents)} {AGENT_ROLE}s, built in {now() - started:.1f} s")
                first = await figures(api, org, datetime.now(UTC).date())
                tz = ZoneInfo(first["timezone"])
                day = datetime.now(tz).date()
                period = f"{day:%Y-%m}"
                agents = set(org.agents)

                async def telesales_knows() -> bool:
                    lines = (await figures(api, org, day))["agents"]
                    known = sum(line["agent_id"] in agents and line["role"] == AGENT_ROLE for line in lines)
                    return known == len(agents)

                async def appraisal_knows() -> bool:
                    counts = await asyncio.gather(*(calls_inputs(api, period, agent) for agent in org.agents))
                    return all(count is not None for count in counts)

                known_t = await wait_for(telesales_knows, within=args.setup_timeout, every=0.2,
                                         what="telesales' directory replica to know the agents")
                known_a = await wait_for(appraisal_knows, within=args.setup_timeout, every=0.2,
                                         what="appraisal's directory replica to know the agents")
        except TimeoutError as error:
            raise BenchError(f"setup did not finish within {args.setup_timeout:.0f}s") from error
        say(f"Directory replicas know the agents: telesales after {known_t:.1f} s, appraisal {known_a:.1f} s "
            f"later. Company day {day} ({tz.key}), period {period}.")
        factory = CallFactory(run_id=uuid.uuid4().hex[:10], tz=tz, rng=random.Random(args.seed))

        # --- phase 1
        say("")
        say(f"== Throughput: {args.calls} records in batches of {args.batch}, {args.concurrency} concurrent clients ==")
        result, per_agent = await throughput_phase(args, gateway, headers, api, org, day, factory, meter)
        intake_rate = result.accepted / result.intake_seconds if result.intake_seconds else float("nan")
        e2e_rate = result.accepted / result.end_to_end_seconds if result.end_to_end_seconds else float("nan")
        stored_after = result.accepted - result.stored_when_intake_done
        drain = result.end_to_end_seconds - result.intake_seconds
        requests = percentiles(result.request_seconds)
        say(f"  records accepted       {result.accepted} of {result.posted} posted "
            f"({result.rejected} refused, {result.requests} requests, {result.retries} retried)")
        say(f"  END TO END             {result.accepted} records in {result.end_to_end_seconds:.2f} s = "
            f"{e2e_rate:,.0f} records/s  (first POST → daily figures show every call)")
        say(f"  intake acceptance only {result.accepted} records in {result.intake_seconds:.2f} s = "
            f"{intake_rate:,.0f} records/s  (first POST → last 202)")
        say(f"  batch POST round trip  p50 {requests['p50']:.2f} s, p95 {requests['p95']:.2f} s, "
            f"max {requests['max']:.2f} s")
        say(f"  stored when intake had answered everything: {result.stored_when_intake_done} "
            f"({100 * result.stored_when_intake_done / max(result.accepted, 1):.0f}%); the other {stored_after} "
            f"took {drain:.2f} s more")
        print_cpu(result.cpu, result.end_to_end_seconds)
        figures_out["throughput"] = {
            "records": result.accepted, "posted": result.posted, "rejected": result.rejected,
            "retries": result.retries, "end_to_end_seconds": result.end_to_end_seconds,
            "end_to_end_records_per_second": e2e_rate, "intake_seconds": result.intake_seconds,
            "intake_records_per_second": intake_rate, "stored_when_intake_done": result.stored_when_intake_done,
            "batch_round_trip_seconds": requests, "figures_curve": result.curve, "cpu_seconds": result.cpu,
        }

        # --- appraisal catches up with phase 1 before latency is measured (else it measures the backlog)
        say("")
        say("== Appraisal catching up with the throughput phase (CallLogged → scores) ==")
        cpu_before = meter.snapshot()
        catch_start = now()
        curve: list[tuple[float, int]] = []
        waited, counts = await appraisal_catch_up(args, api, period, per_agent, curve)
        scored_total = sum(counts.values())
        say(f"  every call counted by appraisal {waited:.1f} s after telesales had stored them all "
            f"(polled every 1 s; {scored_total} calls over {len(counts)} agents)")
        if len(curve) >= 3 and curve[-1][0] > 0:
            behind = result.accepted - curve[0][1]
            say(f"  appraisal was {behind} calls ({100 * behind / max(result.accepted, 1):.0f}%) behind when "
                f"telesales had stored the last one; it then scored {behind / max(curve[-1][0], 1e-9):,.0f} calls/s")
        total_seconds = result.end_to_end_seconds + waited
        say(f"  first POST → last score updated: ≈{total_seconds:.1f} s = "
            f"{result.accepted / total_seconds:,.0f} calls/s through intake, telesales and appraisal")
        catch_cpu = CpuMeter.difference(cpu_before, meter.snapshot())
        print_cpu(catch_cpu, now() - catch_start)
        figures_out["worker_cpu_ms_per_call"] = {
            worker: 1000 * (result.cpu.get(worker, 0.0) + catch_cpu.get(worker, 0.0)) / max(result.accepted, 1)
            for worker in ("telesales worker", "appraisal worker")}
        figures_out["appraisal_catch_up"] = {"cpu_seconds": catch_cpu, "seconds_after_figures_complete": waited,
                                             "first_post_to_all_scored_seconds": total_seconds,
                                             "calls_per_second_all_the_way": result.accepted / total_seconds,
                                             "curve": curve}

        # --- phase 2
        if args.latency_samples:
            say("")
            say(f"== Latency: {args.latency_samples} single calls, one at a time, spaced 20–50 ms; "
                f"score polled every {args.poll_ms:g} ms ==")
            latency = await latency_phase(args, api, org, factory, counts, meter)
            figures_out["latency"] = report_latency(args, latency)
    return figures_out


def report_latency(args: argparse.Namespace, latency: Latency) -> dict:
    main_figures = percentiles(latency.from_202)
    if latency.stored_at_exposed:
        start_note = "(the API exposes a stored timestamp, but this script times from the 202)"
    else:
        start_note = ("the API does not expose when telesales committed a call (GET /api/telesales/calls/{id} has "
                      "received_at, the intake's arrival time, but no stored/committed time), so the clock starts "
                      "when intake answered 202: an UPPER BOUND that includes intake topic → telesales worker "
                      "→ commit, then outbox relay → telesales.call → appraisal worker → commit")
    say(f"  start moment: {start_note}")
    say("  end moment: the response of the first score poll whose calls-dialled input count had gone up")
    say(f"  samples {main_figures.get('count', 0)} ({latency.timeouts} timed out after "
        f"{args.sample_timeout:.0f} s), {latency.seconds:.1f} s in all")
    if main_figures.get("count"):
        say(f"  202 → score readable   p50 {ms(main_figures['p50'])}  p95 {ms(main_figures['p95'])}  "
            f"p99 {ms(main_figures['p99'])}  max {ms(main_figures['max'])}  (mean {ms(main_figures['mean'])})")
    out = {"start": "intake 202" if not latency.stored_at_exposed else "intake 202 (stored timestamp exposed)",
           "from_202_seconds": main_figures, "from_post_seconds": percentiles(latency.from_post),
           "timeouts": latency.timeouts, "cpu_seconds": latency.cpu}
    if latency.from_stored_seen:
        stored = percentiles(latency.from_stored_seen)
        to_stored = percentiles(latency.to_stored_seen)
        say(f"  of which 202 → call readable in telesales (polled): p50 {ms(to_stored['p50'])}  "
            f"p95 {ms(to_stored['p95'])}  p99 {ms(to_stored['p99'])}  max {ms(to_stored['max'])}")
        say(f"  call readable in telesales → score readable:        p50 {ms(stored['p50'])}  "
            f"p95 {ms(stored['p95'])}  p99 {ms(stored['p99'])}  max {ms(stored['max'])}")
        say("    (the commit seen by polling GET /api/telesales/calls/{id}: a commit-to-score estimate good to "
            "about one poll interval plus one round trip)")
        out["from_202_to_call_readable_seconds"] = to_stored
        out["from_call_readable_to_score_seconds"] = stored
    trips = percentiles(latency.poll_round_trips)
    if trips.get("count"):
        say(f"  poll round trip through the gateway: p50 {ms(trips['p50'])}, p95 {ms(trips['p95'])} "
            f"(+{args.poll_ms:g} ms pause = the resolution)")
        out["poll_round_trip_seconds"] = trips
    print_cpu(latency.cpu, latency.seconds)
    return out


def machine_check() -> None:
    """Say how busy the machine is before we start, and whether another dev stack runs on it."""
    if psutil is None:
        return
    busy = psutil.cpu_percent(interval=2) / 100 * (psutil.cpu_count() or 1)
    say(f"Machine: {psutil.cpu_count()} logical CPUs, {busy:.2f} of them busy before the benchmark; the stack "
        f"and this load generator share them.")
    stacks = [proc.pid for proc in psutil.process_iter(["cmdline"])
              if (proc.info.get("cmdline") or [])[1:3] == ["-m", "devstack"]]
    if stacks:
        say(f"  warning: {len(stacks)} other dev stack(s) already running here (pids {stacks}); "
            f"they take CPU from the one measured")


def summary(figures_out: dict) -> None:
    """The figures issue 13 asks for, together, from this one run."""
    say("\n== Summary (one run, one stack; wall-clock rates depend on what else the machine ran) ==")
    raw = figures_out.get("raw_limit", {}).get("records_per_second")
    e2e = figures_out.get("throughput", {}).get("end_to_end_records_per_second")
    if raw:
        say(f"  raw limit                     {raw:10,.0f} records/s")
    if e2e:
        say(f"  end to end (HTTP → figures)   {e2e:10,.0f} records/s")
    if raw and e2e:
        figures_out["end_to_end_share_of_raw_limit"] = e2e / raw
        say(f"  end to end / raw limit        {100 * e2e / raw:10.0f} %      (goal ≥ 40 %)")
    for worker, per_call in figures_out.get("worker_cpu_ms_per_call", {}).items():
        say(f"  {worker + ' CPU per call':<29} {per_call:10.2f} ms    (goal ≤ 0.3 ms; its relay included)")
    latency = figures_out.get("latency", {}).get("from_call_readable_to_score_seconds")
    if latency and latency.get("count"):
        say(f"  commit → score p50/p95/p99    {1000 * latency['p50']:.0f} / {1000 * latency['p95']:.0f} / "
            f"{1000 * latency['p99']:.0f} ms   (goal p99 ≤ 250 ms; commit seen by polling)")
    idle = figures_out.get("idle", {}).get("stack_share_of_a_core")
    if idle is not None:
        say(f"  idle stack                    {100 * idle:10.1f} % of one core (goal < 5 %)")


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stack = None
    scratch = None
    began = now()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `timeout`, `kill`: still stop the stack
    try:
        machine_check()
        if args.gateway:
            gateway = args.gateway.rstrip("/")
            answer = httpx.post(f"{gateway}/auth/login", json={"login": args.admin_login,
                                                             "password": args.admin_password}, timeout=10)
            token = expect(answer, 200)["access_token"]
            root_pid = find_devstack_pid()
            say(f"Using the running stack at {gateway}" + ("" if root_pid else " (its processes not found: no CPU "
                                                                               "breakdown)"))
        else:
            from devstack.harness import RunningStack

            scratch = tempfile.mkdtemp(prefix="bench-intake-")
            stack = RunningStack(Path(scratch) / "dev")
            say(f"Starting the dev stack in {scratch} (gateway {stack.gateway})…")
            start = now()
            stack.start(ready_within=args.start_timeout)
            say(f"Ready in {now() - start:.1f} s.")
            gateway = stack.gateway
            token = stack.admin_token()
            root_pid = stack.process.pid if stack.process else None
        before: dict[str, Any] = {}
        if args.idle_seconds and root_pid is not None:
            import idle_cpu

            say(f"\n== Idle stack: {args.idle_seconds:g} s after {args.idle_settle:g} s settling, no traffic ==")
            time.sleep(args.idle_settle)
            before["idle"] = idle_cpu.measure(root_pid, args.idle_seconds)
            idle_cpu.report(before["idle"], top=8)
        broker, postgres = (args.broker, args.postgres) if args.gateway else (
            stack.broker, f"postgresql://postgres@127.0.0.1:{stack.env['DEV_POSTGRES_PORT']}/postgres")
        if args.raw_records and broker and postgres:
            import raw_limit

            say(f"\n== Raw limit: {args.raw_records} records, bare aiokafka (acks=all) → group consumer → asyncpg "
                f"COPY + one upsert per agent-day, on the stack's broker and PostgreSQL ==")
            raw_cpu = CpuMeter(root_pid).snapshot()
            raw = asyncio.run(raw_limit.run(broker, postgres, args.raw_records, agents=args.agents))
            before["raw_limit"] = raw.as_dict()
            say(f"  RAW LIMIT              {raw.records_per_second:,.0f} records/s  "
                f"(produce {raw.produce_seconds:.2f} s, consume + COPY + upserts {raw.consume_store_seconds:.2f} s, "
                "one after the other)")
            print_cpu(CpuMeter.difference(raw_cpu, CpuMeter(root_pid).snapshot()), raw.seconds, top=4)
        figures_out = {**before, **asyncio.run(run(args, gateway, token, root_pid))}
        summary(figures_out)
        if args.json_out:
            args.json_out.write_text(json.dumps(figures_out, indent=2, default=str))
            say(f"\nFigures written to {args.json_out}")
        say(f"\nDone in {now() - began:.0f} s.")
        return 0
    except (BenchError, RuntimeError, httpx.HTTPError) as error:
        say(f"\nBENCHMARK FAILED: {type(error).__name__}: {error}")
        if stack is not None and stack.process is not None and stack.process.poll() is not None:
            say(f"  the dev stack had exited (code {stack.process.returncode}) — stopped from outside?")
        if stack is not None and scratch is not None:
            say(f"  stack logs: {Path(scratch) / 'dev' / 'logs'}" + (" (kept)" if args.keep else
                                                                     " (deleted; use --keep to look at them)"))
        return 1
    except KeyboardInterrupt:
        say("\ninterrupted")
        return 130
    finally:
        if stack is not None:
            with contextlib.suppress(Exception):
                stack.stop()
            say("Stopped the dev stack.")
        if scratch is not None and not args.keep:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
