"""Benchmark: the month end at scale — appraisal's period close and payroll's pay run to locked payslips.

Prints figures (not a test; nothing is asserted). For each company size (default 1,000 and 10,000
employees, in groups of ten) it:

1. builds a month of inputs straight into the services' own databases with set-based SQL, not
   through the API and not through the events: the org directory replica of both services, the
   calls (100 per employee: 1M at 10,000) as appraisal stores them (the call versions and one fact
   per measure, rolled up to the group leader and the department's manager), 10 deals and 10
   payments per employee (100k each at 10,000) in both services, the live score rows, and the three
   required reviews of everyone appraised;
2. times the **period close**, through the real command handler (``ClosePeriod``): scores, bands,
   ranks, results, honours, and every event in the outbox;
3. times the **pay run**: the close's events, read back from appraisal's outbox in commit order, are
   handled by payroll's real consumer runner in batches as it polls them (``consumer_max_records``,
   one transaction per batch), which computes the run when the last result arrives; then the run is
   approved and locked through the command handlers;
4. times the **replay of a week of outbox events after a restart** (the relay's
   ``relay_replay_window_seconds``): a week's worth of published rows (as many as the calls of seven
   days) is marked unpublished and the outbox relay publishes them to a real broker (tansu).

It starts its own embedded PostgreSQL (and broker, for the replay) in a scratch folder on free ports,
runs both services' migrations, and runs the services in this process against them, so that the
figures are those of the close and the pay run alone. Sizes are independent: each one gets fresh
databases.

    .venv/bin/python bench/month_end.py                     # 1,000 and 10,000 employees
    .venv/bin/python bench/month_end.py --employees 200 --replay-events 2000
    .venv/bin/python bench/month_end.py --employees 10000 --profile /tmp/prof   # cProfile of each phase
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import json
import math
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

GROUP_SIZE = 10  # a leader and nine members
GROUPS_PER_DEPARTMENT = 10


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", default="1000,10000",
                        help="company sizes to measure, comma-separated (default: 1000,10000)")
    parser.add_argument("--calls-per-employee", type=int, default=100,
                        help="calls of the month per employee of the company, made by its telesales agents "
                             "(default 100: 1M calls at 10,000 employees)")
    parser.add_argument("--deals-per-employee", type=int, default=10,
                        help="deals won in the month per employee, by the field sales reps; each gets one "
                             "payment (default 10: 100k deals and 100k payments at 10,000)")
    parser.add_argument("--replay-events", type=int, default=None,
                        help="outbox rows replayed after a restart (default: a week of calls, 7/30 of the "
                             "month's calls of the largest size; 0 skips the replay)")
    parser.add_argument("--period", default="2026-10", help="the month closed and paid (default 2026-10)")
    parser.add_argument("--profile", type=Path, default=None,
                        help="write a cProfile of each timed phase into this folder (<size>-<phase>.prof)")
    parser.add_argument("--close-only", action="store_true",
                        help="time the close only (the pay run before its batching took about an hour at 10,000)")
    parser.add_argument("--plan-execution", action="store_true",
                        help="score the field sales reps on the plan-execution preset (A8: their daily logs, "
                             "weekly plans and reports read at the close) instead of the default sales template")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (databases) at the end")
    return parser.parse_args(argv)


# --- the company ---------------------------------------------------------------------------------


@dataclass
class Company:
    """``size`` employees in size/10 groups of ten, ten groups a department; departments alternate
    between telesales (agents) and field sales (reps). In each department's first group the last
    seat is the department manager's."""

    size: int
    hired_on: date
    rows: list[tuple] = field(default_factory=list)  # directory rows
    groups: list[tuple] = field(default_factory=list)  # (group_id, name, department_id, leader_id)

    def build(self) -> Company:
        # Seeded: the same size gives the same company, scores and pay in every run (before/after).
        rng = random.Random(self.size)

        def new_id() -> uuid.UUID:
            return uuid.UUID(int=rng.getrandbits(128), version=4)

        n_groups = max(1, self.size // GROUP_SIZE)
        placed = 0
        department_id = manager_id = None
        telesales = False
        for g in range(n_groups):
            if g % GROUPS_PER_DEPARTMENT == 0:
                department_id, manager_id = new_id(), new_id()
                telesales = (g // GROUPS_PER_DEPARTMENT) % 2 == 0
                self.rows.append((manager_id, f"Manager {g // GROUPS_PER_DEPARTMENT}", "department_manager",
                                  department_id, None, None))
                placed += 1
            group_id, leader_id = new_id(), new_id()
            self.groups.append((group_id, f"Group {g}", department_id, leader_id))
            self.rows.append((leader_id, f"Leader {g}", "group_leader", department_id, group_id, manager_id))
            placed += 1
            seats = GROUP_SIZE - 1 - (1 if g % GROUPS_PER_DEPARTMENT == 0 else 0)
            if g == n_groups - 1:
                seats = max(0, self.size - placed)
            for m in range(seats):
                self.rows.append((new_id(), f"Member {g}.{m}", "telesales_agent" if telesales else "sales_rep",
                                  department_id, group_id, leader_id))
                placed += 1
        return self


# --- scratch infrastructure ----------------------------------------------------------------------


def asyncpg_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


@contextlib.contextmanager
def profiled(args: argparse.Namespace, name: str) -> Iterator[None]:
    if args.profile is None:
        yield
        return
    args.profile.mkdir(parents=True, exist_ok=True)
    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        profile.dump_stats(str(args.profile / f"{name}.prof"))


def off_the_loop(work: Any, *args: Any) -> Any:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work, *args).result()


@dataclass
class Timings:
    size: int
    build: float = 0.0
    close: float = 0.0
    pay_run: float = 0.0
    consume: float = 0.0
    approve_lock: float = 0.0
    results: int = 0
    score_sum: Decimal = Decimal("0")
    payslips: int = 0
    blockers: int = 0
    events: int = 0
    total_gross: Decimal = Decimal("0")
    counts: dict[str, int] = field(default_factory=dict)


# --- building the month ---------------------------------------------------------------------------


DIRECTORY_COPY = ("employee_id", "name", "role", "status", "department_id", "region_id", "group_id",
                  "manager_id", "hired_on", "left_on", "as_of")


async def load_directory(conn: Any, company: Company, as_of: date) -> None:
    await conn.copy_records_to_table("directory_employees", columns=DIRECTORY_COPY, records=[
        (employee_id, name, role, "active", department_id, None, group_id, manager_id, company.hired_on, None, as_of)
        for employee_id, name, role, department_id, group_id, manager_id in company.rows])
    await conn.copy_records_to_table("directory_groups", columns=(
        "group_id", "name", "department_id", "region_id", "leader_id", "as_of"), records=[
        (group_id, name, department_id, None, leader_id, as_of) for group_id, name, department_id, leader_id
        in company.groups])


async def load_people(conn: Any, company: Company) -> None:
    """A scratch table of who is who: the members' index per kind, their leader and manager."""
    await conn.execute("""
        CREATE TEMP TABLE bench_people (employee_id uuid, role text, idx int, leader_id uuid, head_id uuid,
                                        group_id uuid, department_id uuid)""")
    managers = {department_id: employee_id for employee_id, _, role, department_id, _, _ in company.rows
                if role == "department_manager"}
    counters: dict[str, int] = {}
    records = []
    for employee_id, _, role, department_id, group_id, manager_id in company.rows:
        idx = counters.get(role, 0)
        counters[role] = idx + 1
        leader_id = manager_id if role in ("sales_rep", "telesales_agent") else None
        records.append((employee_id, role, idx, leader_id, managers.get(department_id), group_id, department_id))
    await conn.copy_records_to_table("bench_people", records=records)
    await conn.execute("CREATE INDEX ON bench_people (role, idx)")


ROLL_UPS = {  # Source.ROLLED_UP, as the facts are stored (a share for the leader, one for the manager)
    "calls_dialled": ("group_calls_dialled", "department_calls_dialled"),
    "effective_conversations": ("group_effective_conversations", "department_effective_conversations"),
    "sales_amount": ("group_sales_amount", "department_sales_amount"),
    "contracts_signed": ("group_contracts_signed", "department_contracts_signed"),
    "collections": ("group_collections", "department_collections"),
}


async def drop_fact_indexes(conn: Any) -> list[tuple[str, str]]:
    """The facts table's indexes and constraints, as ``(kind, definition)``, dropped for the load."""
    constraints = await conn.fetch("""
        SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = 'facts'::regclass AND contype IN ('p', 'u')""")
    indexes = await conn.fetch("""
        SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'facts'
          AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'facts'::regclass)""")
    for row in constraints:
        await conn.execute(f'ALTER TABLE facts DROP CONSTRAINT "{row["conname"]}"')
    for row in indexes:
        await conn.execute(f'DROP INDEX "{row["indexname"]}"')
    return ([("constraint", f'ALTER TABLE facts ADD CONSTRAINT "{row["conname"]}" {row["definition"]}')
             for row in constraints] + [("index", row["indexdef"]) for row in indexes])


async def restore_fact_indexes(conn: Any, dropped: list[tuple[str, str]]) -> None:
    for _, definition in dropped:
        await conn.execute(definition)


async def build_appraisal(conn: Any, company: Company, args: argparse.Namespace, period: str, first: date,
                          days: int) -> dict[str, int]:
    await load_directory(conn, company, first)
    await conn.executemany("INSERT INTO role_history (employee_id, effective_on, role) VALUES ($1, $2, $3)",
                           [(row[0], company.hired_on, row[2]) for row in company.rows])
    await load_people(conn, company)
    await conn.execute("INSERT INTO periods (period, status) VALUES ($1, 'open') ON CONFLICT DO NOTHING", period)
    agents = await conn.fetchval("SELECT count(*) FROM bench_people WHERE role = 'telesales_agent'")
    reps = await conn.fetchval("SELECT count(*) FROM bench_people WHERE role = 'sales_rep'")
    calls = args.calls_per_employee * company.size if agents else 0
    deals = args.deals_per_employee * company.size if reps else 0
    # Loaded without the facts' indexes, which are built once at the end (the same definitions).
    await conn.execute("SET maintenance_work_mem = '256MB'")
    dropped = await drop_fact_indexes(conn)
    # The calls as appraisal keeps them: the version applied, and its facts (a dial each, an effective
    # conversation one call in three, an intent customer one in ten).
    await conn.execute("""
        INSERT INTO calls (call_id, agent_id, lead_id, period, call_date, version, disposition, effective, event_id)
        SELECT 'c' || i, p.employee_id, NULL, $1, $2::date + (i % $3), 1,
               CASE WHEN i % 10 = 0 THEN 'intent' WHEN i % 3 = 0 THEN 'connected' ELSE 'no_answer' END,
               i % 3 = 0, gen_random_uuid()
        FROM generate_series(0, $4 - 1) AS i JOIN bench_people p ON p.role = 'telesales_agent' AND p.idx = i % $5
    """, period, first, days, calls, max(agents, 1))
    await conn.execute("""
        INSERT INTO facts (id, employee_id, period, kind, value, source_id, event_id, occurred_on)
        SELECT gen_random_uuid(), agent_id, period, 'calls_dialled', 1, 'call:' || call_id, event_id, call_date
        FROM calls
        UNION ALL
        SELECT gen_random_uuid(), agent_id, period, 'effective_conversations', 1, 'call:' || call_id, event_id,
               call_date FROM calls WHERE effective
        UNION ALL
        SELECT gen_random_uuid(), agent_id, period, 'intent_customers', 1,
               'intent:call:' || call_id || ':agent:' || agent_id || ':' || period, event_id, call_date
        FROM calls WHERE disposition = 'intent'
    """)
    # Deals and their payments, by the field sales reps.
    await conn.execute("""
        CREATE TEMP TABLE bench_deals AS
        SELECT gen_random_uuid() AS deal_id, gen_random_uuid() AS payment_id, p.employee_id AS rep_id,
               (1000 + (i * 37) % 9000)::numeric(18, 2) + 0.45 AS amount, $1::date + (i % $2) AS signed_on,
               $1::date + ((i + 3) % $2) AS received_on
        FROM generate_series(0, $3 - 1) AS i JOIN bench_people p ON p.role = 'sales_rep' AND p.idx = i % $4
    """, first, days, deals, max(reps, 1))
    await conn.execute("""
        INSERT INTO facts (id, employee_id, period, kind, value, source_id, event_id, occurred_on)
        SELECT gen_random_uuid(), rep_id, $1, 'sales_amount', amount, 'deal:' || deal_id, gen_random_uuid(), signed_on
        FROM bench_deals
        UNION ALL
        SELECT gen_random_uuid(), rep_id, $1, 'contracts_signed', 1, 'deal:' || deal_id, gen_random_uuid(), signed_on
        FROM bench_deals
        UNION ALL
        SELECT gen_random_uuid(), rep_id, $1, 'collections', amount, 'payment:' || payment_id, gen_random_uuid(),
               received_on FROM bench_deals
    """, period)
    # Every measure rolled up: a share for the member's group leader and one for the department manager.
    await conn.execute("""
        INSERT INTO facts (id, employee_id, period, kind, value, source_id, event_id, occurred_on)
        SELECT gen_random_uuid(), share.holder, f.period, share.kind, f.value, f.source_id || '@' || share.holder,
               f.event_id, f.occurred_on
        FROM facts f
        JOIN bench_people p ON p.employee_id = f.employee_id
        JOIN jsonb_each_text($1::jsonb) AS measure(kind, group_kind) ON measure.kind = f.kind
        CROSS JOIN LATERAL (VALUES (p.leader_id, measure.group_kind),
                                   (p.head_id, replace(measure.group_kind, 'group_', 'department_')))
                           AS share(holder, kind)
        WHERE share.holder IS NOT NULL
    """, json.dumps({kind: group_kind for kind, (group_kind, _) in ROLL_UPS.items()}))
    await restore_fact_indexes(conn, dropped)
    # The live scores the worker kept (rows only: the close scores afresh).
    await conn.execute("""
        INSERT INTO scores (employee_id, period) SELECT DISTINCT employee_id, period FROM facts WHERE period = $1
    """, period)
    # The three required reviews of everyone a template appraises, rating its rated indicators.
    rated = {row["key"]: [item["key"] for item in json.loads(row["indicators"]) if item["rule"] == "rating"]
             for row in await conn.fetch("SELECT key, indicators::text AS indicators FROM templates")}
    owners = {row["role"]: row["template_key"] for row in await conn.fetch("SELECT * FROM template_roles")}
    reviews = []
    rng = random.Random(company.size)
    submitted = datetime.combine(first, datetime.min.time(), UTC) + timedelta(days=days - 1)
    for employee_id, _, role, _, _, manager_id in company.rows:
        keys = rated.get(owners.get(role, ""), [])
        if not keys:
            continue
        for n, stage in enumerate(("self", "leader", "superior")):
            ratings = {key: str(rng.randint(60, 100)) for key in keys}
            total = (sum(Decimal(v) for v in ratings.values()) / len(ratings)).quantize(Decimal("0.01"))
            reviews.append((uuid.uuid4(), employee_id, period, stage, manager_id or employee_id, json.dumps(ratings),
                            total, submitted + timedelta(minutes=n)))
    await conn.executemany("""
        INSERT INTO reviews (id, employee_id, period, stage, reviewer_id, ratings, total, submitted_at)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)""", reviews)
    await conn.execute("ANALYZE")
    return {"calls": calls, "deals": deals, "payments": deals, "reviews": len(reviews),
            "appraisal facts": await conn.fetchval("SELECT count(*) FROM facts")}


async def plan_execution_for_reps(appraisal: Any, now: datetime) -> None:
    """The reps move to the plan-execution preset before anything is loaded (no score to redo)."""
    from sqlalchemy import delete

    from appraisal.adapters.tables import template_roles
    from appraisal.domain.presets import PRESETS

    template = PRESETS["regional_sales_plan_execution"].template("regional_sales", None, ("sales_rep",))
    async with appraisal.uow_factory() as uow:
        await uow.session.execute(delete(template_roles).where(template_roles.c.role == "sales_rep"))
        await uow.templates.save(template, uuid.uuid4(), now)
        await uow.commit()


async def build_payroll(conn: Any, appraisal: Any, company: Company, period: str) -> dict[str, int]:
    first = date.fromisoformat(period + "-01")
    await load_directory(conn, company, first)
    # The same deals and payments, as payroll recorded them from crm's events.
    deals = await appraisal.fetch("""
        SELECT d.deal_id, d.payment_id, d.rep_id, d.amount, d.signed_on, d.received_on, p.group_id, p.department_id
        FROM bench_deals d JOIN bench_people p ON p.employee_id = d.rep_id""")
    await conn.copy_records_to_table("deals", columns=(
        "deal_id", "rep_id", "group_id", "department_id", "amount", "currency", "signed_on", "period"), records=[
        (d["deal_id"], d["rep_id"], d["group_id"], d["department_id"], d["amount"], "CNY", d["signed_on"], period)
        for d in deals])
    await conn.copy_records_to_table("payments", columns=(
        "payment_id", "deal_id", "rep_id", "amount", "currency", "received_on", "period"), records=[
        (d["payment_id"], d["deal_id"], d["rep_id"], d["amount"], "CNY", d["received_on"], period) for d in deals])
    await conn.execute("ANALYZE")
    return {"payroll payments": len(deals)}


async def set_pay_plans(payroll: Any, period: str) -> None:
    from payroll.service_layer import commands as payroll_commands

    hr = uuid.uuid4()
    plans = {
        "sales_rep": ("5000.00", "3000.00", "1000.00", "0.0300"),
        "group_leader": ("8000.00", "4000.00", "2000.00", "0.0100"),
        "telesales_agent": ("4500.00", "2500.00", "800.00", "0.0000"),
        "department_manager": ("12000.00", "6000.00", "3000.00", "0.0050"),
    }
    for role, (base, standard, bonus, rate) in plans.items():
        await payroll.bus.handle(payroll_commands.SetPlan(
            role=role, effective_from=period, monthly_base=Decimal(base), performance_standard=Decimal(standard),
            bonus_base=Decimal(bonus), commission_rate=Decimal(rate), set_by=hr,
            # Nobody appraises department managers: their performance pay is fixed, and no bonus.
            performance_fixed=Decimal(standard) if role == "department_manager" else None,
            parts=frozenset({"base", "performance_pay", "commission"}) if role == "department_manager" else None))


class NoDeadLetters:
    """An event payroll failed to handle ends the benchmark (its error is logged above)."""

    async def send_and_wait(self, topic: str, **_: Any) -> None:
        raise SystemExit("payroll failed to handle an event of the close; see the log above")


# --- the timed phases ---------------------------------------------------------------------------


async def measure(size: int, args: argparse.Namespace, postgres: Any, broker: Any, replay_events: int) -> Timings:
    import asyncpg

    from appraisal.bootstrap import bootstrap as appraisal_bootstrap
    from appraisal.config import MIGRATIONS_DIR as APPRAISAL_MIGRATIONS
    from appraisal.config import AppraisalSettings
    from appraisal.service_layer import commands as appraisal_commands
    from payroll.bootstrap import bootstrap as payroll_bootstrap
    from payroll.config import MIGRATIONS_DIR as PAYROLL_MIGRATIONS
    from payroll.config import PayrollSettings
    from payroll.entrypoints.consumers import CONSUMERS as PAYROLL_CONSUMERS
    from payroll.service_layer import commands as payroll_commands
    from shared.auth import Principal, Role
    from shared.clock import FixedClock
    from shared.consumer import ConsumerRunner
    from shared.migrations import upgrade

    period = args.period
    first = date.fromisoformat(period + "-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    days = (following - first).days
    # Early on the 3rd of the next month, company time: the month has ended everywhere.
    clock = FixedClock(datetime.combine(following + timedelta(days=2), datetime.min.time(), UTC))
    timings = Timings(size)

    urls = {}
    for service, migrations in (("appraisal", APPRAISAL_MIGRATIONS), ("payroll", PAYROLL_MIGRATIONS)):
        name = f"bench_{service}_{size}"
        postgres.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        postgres.psql(f'CREATE DATABASE "{name}"')
        urls[service] = postgres.url(name)
        off_the_loop(upgrade, migrations, urls[service])
    common = {"environment": "development", "topic_prefix": f"bench{size}.",
              "kafka_bootstrap_servers": broker.bootstrap_servers if broker else "127.0.0.1:9"}
    appraisal = appraisal_bootstrap(AppraisalSettings(database_url=urls["appraisal"], **common), clock=clock)
    payroll = payroll_bootstrap(PayrollSettings(database_url=urls["payroll"], **common), clock=clock)
    try:
        company = Company(size, hired_on=date(first.year - 2, 1, 1)).build()
        started = time.perf_counter()
        a_conn = await asyncpg.connect(asyncpg_url(urls["appraisal"]))
        p_conn = await asyncpg.connect(asyncpg_url(urls["payroll"]))
        try:
            if args.plan_execution:
                await plan_execution_for_reps(appraisal, clock.now())
            timings.counts = await build_appraisal(a_conn, company, args, period, first, days)
            timings.counts |= await build_payroll(p_conn, a_conn, company, period)
        finally:
            await a_conn.close()
        await set_pay_plans(payroll, period)
        timings.build = time.perf_counter() - started
        print(f"  built {size:,} employees in {timings.build:.1f} s: "
              + ", ".join(f"{value:,} {name}" for name, value in timings.counts.items()), flush=True)

        hr = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.HR}))
        started = time.perf_counter()
        with profiled(args, f"{size}-close"):
            closed = await appraisal.bus.handle(appraisal_commands.ClosePeriod(period=period, by=hr))
        timings.close = time.perf_counter() - started
        timings.results = len(closed.results)
        timings.score_sum = sum((result.score for result in closed.results), Decimal("0"))

        a_conn = await asyncpg.connect(asyncpg_url(urls["appraisal"]))
        try:
            rows = await a_conn.fetch("SELECT envelope::text AS envelope FROM outbox WHERE published_at IS NULL "
                                      "ORDER BY seq")
        finally:
            await a_conn.close()
        timings.events = len(rows)

        if args.close_only:
            await p_conn.close()
            return timings
        # Payroll handles the close's events as its runner polls them: a batch per transaction.
        spec = next(spec for spec in PAYROLL_CONSUMERS if spec.name == "payroll-inputs")
        runner = ConsumerRunner(spec, consumer=None, bus=payroll.bus, dead_letters=NoDeadLetters(),  # type: ignore
                                dead_letter_topic="unused", max_records=payroll.settings.consumer_max_records,
                                max_attempts=1)
        batch = payroll.settings.consumer_max_records
        records = [SimpleNamespace(value=row["envelope"].encode(), key=None, headers=[], topic="appraisal",
                                   partition=0, offset=n) for n, row in enumerate(rows)]
        started = time.perf_counter()
        with profiled(args, f"{size}-pay-run"):
            for start in range(0, len(records), batch):
                await runner._process_batch(records[start:start + batch])
            timings.consume = time.perf_counter() - started
            run_id = await p_conn.fetchval("SELECT id FROM pay_runs WHERE period = $1", period)
            if run_id is None:
                raise SystemExit(f"payroll computed no run for {period} after {len(records)} events")
            finance = uuid.uuid4()
            blockers = await p_conn.fetchval("SELECT blockers::text FROM pay_runs WHERE id = $1", run_id)
            if blockers != "[]":
                raise SystemExit(f"the run cannot pay everyone: {blockers[:600]}")
            await payroll.bus.handle(payroll_commands.ApproveRun(run_id=run_id, by=finance))
            # Four eyes: another payroll officer locks it.
            run = await payroll.bus.handle(payroll_commands.LockRun(run_id=run_id, by=uuid.uuid4()))
        timings.pay_run = time.perf_counter() - started
        timings.approve_lock = timings.pay_run - timings.consume
        timings.payslips, timings.total_gross = run.payslip_count, run.total_gross
        timings.blockers = len(run.blockers)
        await p_conn.close()

        if replay_events:
            await measure_replay(appraisal, urls["appraisal"], replay_events, args, size)
    finally:
        await appraisal.dispose()
        await payroll.dispose()
    return timings


async def measure_replay(runtime: Any, url: str, count: int, args: argparse.Namespace, size: int) -> None:
    """A week of published outbox rows, then a restart: the relay replays its window to the broker."""
    import asyncpg

    from shared.kafka import ensure_topics, new_producer
    from shared.relay import OutboxRelay

    settings = runtime.settings
    topic = settings.topic("appraisal.score")
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        # Score updates as the worker writes them, spread over the last week (published long ago: the
        # relay's window, not their age in the broker, decides what is replayed).
        await conn.execute("""
            INSERT INTO outbox (id, topic, message_key, event_type, envelope, created_at, published_at)
            SELECT id, $1, employee::text, 'appraisal.score.updated.v1',
                   jsonb_build_object('specversion', '1.0', 'id', id::text, 'source', '/appraisal',
                                      'type', 'appraisal.score.updated.v1', 'subject', employee::text,
                                      'time', now() - make_interval(secs => i * 604000.0 / $2),
                                      'datacontenttype', 'application/json',
                                      'data', jsonb_build_object('employee_id', employee::text, 'period', '2026-10',
                                                                 'total', '71.25', 'template_key', 'telesales',
                                                                 'computed_at', now()::text)),
                   now() - make_interval(secs => i * 604000.0 / $2), now() - make_interval(secs => i * 604000.0 / $2)
            FROM (SELECT i, gen_random_uuid() AS id, gen_random_uuid() AS employee
                  FROM generate_series(1, $2) AS i) AS rows
        """, topic, count)
        await conn.execute("UPDATE outbox SET published_at = now() - interval '1 hour' WHERE published_at IS NULL")
    finally:
        await conn.close()
    await ensure_topics(settings.kafka_bootstrap_servers, [topic, settings.topic("appraisal.period")],
                        settings.topic_partitions)
    producer = new_producer(settings)
    await producer.start()
    try:
        relay = OutboxRelay(runtime.sessions, producer, batch_size=settings.relay_batch_size)
        started = time.perf_counter()
        with profiled(args, f"{size}-replay"):
            marked = await relay.replay_recent(7 * 24 * 3600)
            while await relay.publish_batch():
                pass
        elapsed = time.perf_counter() - started
    finally:
        await producer.stop()
    print(f"  replay after a restart: {marked:,} outbox events of a week marked and published in {elapsed:.1f} s "
          f"= {relay.published_total / elapsed:,.0f} events/s (relay batch {settings.relay_batch_size})", flush=True)


# --- main -------------------------------------------------------------------------------------------


async def main_async(args: argparse.Namespace) -> int:
    from devstack.embedded import EmbeddedPostgres, TansuBroker, free_port

    sizes = [int(part) for part in args.employees.split(",") if part.strip()]
    replay = args.replay_events
    if replay is None:
        replay = math.ceil(max(sizes) * args.calls_per_employee * 7 / 30)
    root = Path(tempfile.mkdtemp(prefix="salesteam-bench-month-end-"))
    postgres = EmbeddedPostgres(root / "pgdata", free_port())
    broker = TansuBroker(free_port(), log_path=root / "broker.log") if replay else None
    print(f"scratch folder {root}; period {args.period}", flush=True)
    postgres.start()
    try:
        if broker:
            broker.start()
        measured = []
        for size in sizes:
            print(f"{size:,} employees:", flush=True)
            timings = await measure(size, args, postgres, broker, replay if size == max(sizes) else 0)
            measured.append(timings)
            print(f"  close: {timings.close:.2f} s ({timings.results:,} results, {timings.events:,} events in the "
                  f"outbox; scores sum to {timings.score_sum})\n  pay run: {timings.pay_run:.2f} s (consuming the "
                  f"close's events and computing {timings.consume:.2f} s, approve + lock {timings.approve_lock:.2f} s; "
                  f"{timings.payslips:,} "
                  f"payslips, {timings.blockers} blockers, gross {timings.total_gross:,})\n"
                  f"  close + pay run: {timings.close + timings.pay_run:.2f} s", flush=True)
    finally:
        if broker:
            broker.stop()
        postgres.stop()
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)

    print("\nsize        close    pay run  close+pay")
    for t in measured:
        print(f"{t.size:>6,}  {t.close:>8.2f} s {t.pay_run:>8.2f} s {t.close + t.pay_run:>8.2f} s")
    if len(measured) >= 2:
        small, large = measured[0], measured[-1]
        factor = (large.close + large.pay_run) / max(small.close + small.pay_run, 1e-9)
        print(f"growth {small.size:,} → {large.size:,} employees (×{large.size / small.size:.0f}): "
              f"close ×{large.close / max(small.close, 1e-9):.1f}, "
              f"pay run ×{large.pay_run / max(small.pay_run, 1e-9):.1f}, together ×{factor:.1f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
