"""Contract: a non-Python subscriber can read our events off the broker.

Our events travel as CloudEvents 1.0 in structured JSON mode (the envelope is the Kafka
value) with the core attributes repeated as Kafka headers (``ce_id``, ``ce_type``,
``ce_source``, ``ce_specversion``, ``content-type``). Here a KafkaJS consumer (pure
JavaScript, ``node/read_events.mjs``) reads two events from the real tansu broker and must
see exactly what Python put there. Debian's kcat (librdkafka 2.0.2) cannot talk to tansu at
all ("ApiVersionRequest failed: Read underflow"), hence Node.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from shared.events import CloudEvent
from shared.events.org import DepartmentCreated

NODE_DIR = Path(__file__).resolve().parent / "node"
READER = NODE_DIR / "read_events.mjs"
READ_TIMEOUT_MS = 20_000

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None,
    reason="node and npm are needed to run the KafkaJS (non-Python) reader; install Node.js >= 18",
)


@pytest.fixture(scope="module")
def node_reader() -> Path:
    """The reader script, with its pinned dependencies (package-lock.json) installed."""
    if not (NODE_DIR / "node_modules" / "kafkajs" / "package.json").exists():
        installed = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR, capture_output=True, text=True, timeout=180,
        )
        assert installed.returncode == 0, f"npm ci failed in {NODE_DIR}:\n{installed.stdout}\n{installed.stderr}"
    return READER


async def read_with_kafkajs(reader: Path, bootstrap_servers: str, topic: str, count: int) -> list[dict]:
    process = await asyncio.create_subprocess_exec(
        "node", str(reader), bootstrap_servers, topic, str(count), str(READ_TIMEOUT_MS),
        cwd=NODE_DIR, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), READ_TIMEOUT_MS / 1000 + 10)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError("the KafkaJS reader did not exit in time") from None
    assert process.returncode == 0, (
        f"the KafkaJS reader exited with {process.returncode}\n"
        f"stdout:\n{stdout.decode()}\nstderr:\n{stderr.decode()}"
    )
    return [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]


async def test_kafkajs_reads_our_cloudevents_and_headers(stack, topic_prefix, node_reader):
    topic = topic_prefix + DepartmentCreated.topic
    events = [
        DepartmentCreated(department_id=uuid.uuid4(), name="销售部", kind="field_sales"),
        DepartmentCreated(department_id=uuid.uuid4(), name="电销部", kind="telesales"),
    ]
    envelopes = [CloudEvent.wrap(event, source="/org") for event in events]

    producer = AIOKafkaProducer(bootstrap_servers=stack.broker.bootstrap_servers, acks="all")
    await producer.start()
    try:
        written = [
            await producer.send_and_wait(
                topic, value=envelope.to_bytes(), key=event.key().encode(), headers=envelope.kafka_headers(),
            )
            for event, envelope in zip(events, envelopes, strict=True)
        ]
    finally:
        await producer.stop()

    records = await read_with_kafkajs(node_reader, stack.broker.bootstrap_servers, topic, len(events))

    # Different keys may land on different partitions: match records by where Python wrote them.
    by_position = {(r["partition"], int(r["offset"])): r for r in records}
    assert len(by_position) == len(records) == len(events)
    for event, envelope, metadata in zip(events, envelopes, written, strict=True):
        record = by_position.pop((metadata.partition, metadata.offset))
        assert record["topic"] == topic
        assert record["key"] == event.key() == str(event.department_id)

        # The value is the CloudEvent, byte for byte, and means what the contract says.
        assert record["value"] == envelope.to_bytes().decode()
        cloudevent = json.loads(record["value"])
        assert cloudevent["specversion"] == "1.0"
        assert cloudevent["id"] == str(envelope.id)
        assert cloudevent["type"] == "org.department.created.v1"
        assert cloudevent["source"] == "/org"
        assert cloudevent["subject"] == str(event.department_id)
        assert cloudevent["datacontenttype"] == "application/json"
        assert cloudevent["data"] == {
            "department_id": str(event.department_id), "name": event.name, "kind": event.kind,
        }

        assert record["headers"] == {
            "ce_id": str(envelope.id),
            "ce_type": "org.department.created.v1",
            "ce_source": "/org",
            "ce_specversion": "1.0",
            "content-type": "application/cloudevents+json",
        }
    assert by_position == {}
