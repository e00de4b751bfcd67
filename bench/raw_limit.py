"""Benchmark: the raw limit of the intake path's work, done with the bare parts.

What the intake path does for each call record, without the system around it: aiokafka produces
the records (acks=all, keyed by agent, as intake does) to a topic of the stack's broker; a consumer
in a group reads them back in bounded batches; each batch goes into a calls-shaped table with
asyncpg's COPY, plus one aggregate upsert per (agent, day) into a daily-figures-shaped table, in
one transaction per batch, offsets committed after it (as the workers do). Done one after the
other, produce then consume-and-store; the rate is records / (produce time + consume-and-store
time). The consumer's group join (slow on tansu by design) happens before the clock starts.

``bench/intake_and_scoring.py`` runs this against its own stack and prints the project's end-to-end
figure against it. Alone: give the broker and the PostgreSQL server (a scratch database is created
and dropped on it).

    .venv/bin/python bench/raw_limit.py --broker 127.0.0.1:9092 --postgres postgresql://postgres@127.0.0.1:55432/postgres
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

CALLS_TABLE = """
CREATE TABLE calls (
    call_id varchar(100) PRIMARY KEY, agent_id uuid NOT NULL, group_id uuid, department_id uuid, lead_id uuid,
    number_dialled varchar(32) NOT NULL, started_at timestamptz NOT NULL, call_date date NOT NULL,
    duration_seconds integer NOT NULL, connected boolean NOT NULL, disposition varchar(30) NOT NULL,
    effective boolean NOT NULL, stage_reached varchar(30), notes text, next_step text, submitted_by uuid,
    received_at timestamptz, stored_at timestamptz NOT NULL DEFAULT now(), number_normalised varchar(32),
    violations varchar(20)[] NOT NULL DEFAULT '{}', version integer NOT NULL DEFAULT 1, content_hash varchar(64),
    service_account_id uuid
);
CREATE INDEX ON calls (agent_id, started_at);
CREATE INDEX ON calls (group_id, call_date);
CREATE INDEX ON calls (department_id, call_date);
CREATE INDEX ON calls (call_date);
CREATE INDEX ON calls (number_normalised, started_at);
CREATE TABLE daily_figures (
    agent_id uuid NOT NULL, call_date date NOT NULL, group_id uuid, department_id uuid, dials integer NOT NULL,
    connected integer NOT NULL, effective integer NOT NULL, talk_seconds bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (agent_id, call_date)
);
"""
COLUMNS = ["call_id", "agent_id", "group_id", "department_id", "number_dialled", "started_at", "call_date",
           "duration_seconds", "connected", "disposition", "effective", "submitted_by", "received_at",
           "number_normalised"]
UPSERT = """
INSERT INTO daily_figures (agent_id, call_date, group_id, department_id, dials, connected, effective, talk_seconds)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (agent_id, call_date) DO UPDATE SET dials = daily_figures.dials + EXCLUDED.dials,
    connected = daily_figures.connected + EXCLUDED.connected, effective = daily_figures.effective + EXCLUDED.effective,
    talk_seconds = daily_figures.talk_seconds + EXCLUDED.talk_seconds, updated_at = now()
"""


@dataclass
class RawLimit:
    records: int
    produce_seconds: float
    consume_store_seconds: float
    batches: int

    @property
    def seconds(self) -> float:
        return self.produce_seconds + self.consume_store_seconds

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else float("nan")

    def as_dict(self) -> dict:
        return {"records": self.records, "produce_seconds": self.produce_seconds,
                "consume_store_seconds": self.consume_store_seconds, "batches": self.batches,
                "records_per_second": self.records_per_second}


def records(count: int, agents: int, seed: int = 1) -> list[tuple[bytes, bytes]]:
    """(key, value) pairs shaped like intake's messages (telesales.adapters.intake.CallSubmitted)."""
    rng = random.Random(seed)
    people = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(agents)]
    group, department = str(uuid.uuid4()), str(uuid.uuid4())
    now = datetime.now(UTC)
    out = []
    for number in range(count):
        agent = people[number % agents]
        started = now - timedelta(seconds=rng.uniform(0, 3600))
        connected = rng.random() < 0.5
        message = {
            "call_id": f"raw-{number:09d}", "agent_id": agent, "number_dialled": f"+8613{rng.randrange(10**9):09d}",
            "started_at": started.isoformat(), "duration_seconds": rng.randint(0, 600), "connected": connected,
            "disposition": "effective_conversation" if connected else "no_answer", "submitted_by": agent,
            "received_at": now.isoformat(), "claimed_group_id": group, "claimed_department_id": department,
        }
        out.append((agent.encode(), json.dumps(message).encode()))
    return out


async def run(broker: str, postgres_dsn: str, count: int, *, agents: int = 20, partitions: int = 6,
              max_records: int = 500, give_up_after: float = 600) -> RawLimit:
    import asyncpg
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    tag = uuid.uuid4().hex[:8]
    topic, database = f"bench-raw-{tag}", f"bench_raw_{tag}"
    admin_db = await asyncpg.connect(postgres_dsn)
    await admin_db.execute(f'CREATE DATABASE "{database}"')
    dsn = postgres_dsn.rsplit("/", 1)[0] + f"/{database}"
    admin = AIOKafkaAdminClient(bootstrap_servers=broker, client_id="bench-raw")
    await admin.start()
    producer = AIOKafkaProducer(bootstrap_servers=broker, acks="all", linger_ms=5, client_id="bench-raw")
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=broker, group_id=f"bench-raw-{tag}", client_id="bench-raw",
                                enable_auto_commit=False, auto_offset_reset="earliest", session_timeout_ms=6000,
                                heartbeat_interval_ms=2000, fetch_max_wait_ms=100)
    db = None
    try:
        await admin.create_topics([NewTopic(topic, partitions, 1)])
        db = await asyncpg.connect(dsn)
        await db.execute(CALLS_TABLE)
        pairs = records(count, agents)
        await producer.start()
        await consumer.start()
        # The group join happens before the clock starts (tansu holds it for half the session timeout).
        while not consumer.assignment():
            await consumer.getmany(timeout_ms=200)

        started = time.perf_counter()
        for at in range(0, len(pairs), 1000):
            sent = [await producer.send(topic, value=value, key=key) for key, value in pairs[at:at + 1000]]
            await asyncio.gather(*sent)
        produced = time.perf_counter()

        stored = batches = 0
        deadline = produced + give_up_after
        while stored < count:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"stored {stored} of {count} records within {give_up_after:.0f} s")
            polled = await consumer.getmany(timeout_ms=500, max_records=max_records)
            for partition, batch in polled.items():
                await _store(db, batch)
                await consumer.commit({TopicPartition(partition.topic, partition.partition): batch[-1].offset + 1})
                stored += len(batch)
                batches += 1
        done = time.perf_counter()
        return RawLimit(records=count, produce_seconds=produced - started, consume_store_seconds=done - produced,
                        batches=batches)
    finally:
        await consumer.stop()
        await producer.stop()
        await admin.close()
        if db is not None:
            await db.close()
        await admin_db.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin_db.close()


async def _store(db, batch) -> None:
    rows = []
    days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for record in batch:
        call = json.loads(record.value)
        agent = uuid.UUID(call["agent_id"])
        started = datetime.fromisoformat(call["started_at"])
        day = started.date()
        effective = call["connected"] and call["duration_seconds"] >= 60
        rows.append((call["call_id"], agent, uuid.UUID(call["claimed_group_id"]),
                     uuid.UUID(call["claimed_department_id"]), call["number_dialled"], started, day,
                     call["duration_seconds"], call["connected"], call["disposition"], effective,
                     uuid.UUID(call["submitted_by"]), datetime.fromisoformat(call["received_at"]),
                     call["number_dialled"]))
        totals = days[(agent, day, uuid.UUID(call["claimed_group_id"]), uuid.UUID(call["claimed_department_id"]))]
        totals[0] += 1
        totals[1] += int(call["connected"])
        totals[2] += int(effective)
        totals[3] += call["duration_seconds"] if call["connected"] else 0
    async with db.transaction():
        await db.copy_records_to_table("calls", records=rows, columns=COLUMNS)
        for (agent, day, group, department), (dials, connected, effective, talk) in sorted(
                days.items(), key=lambda item: (str(item[0][0]), item[0][1])):
            await db.execute(UPSERT, agent, day, group, department, dials, connected, effective, talk)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--broker", required=True, help="bootstrap servers of the broker")
    parser.add_argument("--postgres", required=True,
                        help="a PostgreSQL URL whose server gets a scratch database (postgresql://user@host:port/db)")
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--max-records", type=int, default=500, help="records per consumer poll")
    args = parser.parse_args(argv)
    result = asyncio.run(run(args.broker, args.postgres, args.records, agents=args.agents,
                             max_records=args.max_records))
    print(f"RAW LIMIT {result.records_per_second:,.0f} records/s ({result.records} records: produce "
          f"{result.produce_seconds:.2f} s, consume + COPY + upserts {result.consume_store_seconds:.2f} s, "
          f"{result.batches} batches)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
