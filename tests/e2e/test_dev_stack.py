"""`make dev` end to end: the real orchestrator, PostgreSQL, broker, org, workers and gateway.

Proves the administrator flow through the gateway, that org changes reach the broker as
CloudEvents, that a worker killed with SIGKILL is restarted while the rest keeps running, that
stopping leaves no process behind, and that a restart loses neither the data nor the events
(the memory-only broker is refilled by the relay's replay)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import psutil
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from devstack.embedded import port_is_free
from devstack.harness import RunningStack
from shared.events import CloudEvent
from shared.events.org import DepartmentCreated, EmployeeHired, GroupCreated

REPO_ROOT = Path(__file__).resolve().parents[2]


async def read_events(bootstrap: str, topic: str, want: int, wait_seconds: float = 20) -> list:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    records: list = []
    try:
        await consumer._client.force_metadata_update()
        consumer.assign([TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()])
        deadline = time.monotonic() + wait_seconds
        while len(records) < want and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=300)).values():
                records.extend(batch)
    finally:
        await consumer.stop()
    return records


@pytest.fixture
def dev_stack(tmp_path, clock):
    stack = RunningStack(tmp_path / "dev", clock_at=clock.now())
    yield stack
    stack.stop()


async def test_admin_builds_the_organisation_and_events_survive_a_restart(dev_stack, clock):
    dev_stack.start()
    hired_on = clock.today() - timedelta(days=30)
    token = dev_stack.admin_token()
    api = httpx.AsyncClient(base_url=f"{dev_stack.gateway}/api/org", headers={"Authorization": f"Bearer {token}"},
                       timeout=10)
    department = await api.post("/departments", json={"name": "销售部 Field sales", "kind": "field_sales"})
    assert department.status_code == 201, department.text
    department_id = department.json()["id"]
    plan = await api.put(f"/departments/{department_id}/headcount/group_leader", json={"planned": 1})
    assert plan.status_code == 200, plan.text
    assert (await api.put(f"/departments/{department_id}/headcount/sales_rep", json={"planned": 1})).status_code == 200
    leader = await api.post("/employees", json={"name": "Wang Li", "role": "group_leader",
                                                "department_id": department_id, "hired_on": hired_on.isoformat(),
                                                "login": "wangli", "password": "leader-pass-1"})
    assert leader.status_code == 201, leader.text
    group = await api.post("/groups", json={"name": "Group 1", "department_id": department_id,
                                      "leader_id": leader.json()["id"]})
    assert group.status_code == 201, group.text
    rep = {"name": "Zhao Min", "role": "sales_rep", "department_id": department_id,
           "hired_on": (hired_on + timedelta(days=1)).isoformat(),
           "group_id": group.json()["id"], "manager_id": leader.json()["id"]}
    zhao = await api.post("/employees", json={**rep, "login": "zhaomin", "password": "rep-pass-1"})
    assert zhao.status_code == 201, zhao.text
    beyond_plan = await api.post("/employees", json={**rep, "name": "One Too Many"})
    assert beyond_plan.status_code == 409, beyond_plan.text
    assert beyond_plan.headers["content-type"].startswith("application/problem+json")
    assert (await api.get(f"/employees/{uuid.uuid4()}")).status_code == 404

    hired = await read_events(dev_stack.broker, EmployeeHired.topic, want=3)
    envelopes = [CloudEvent.model_validate_json(r.value) for r in hired]
    leader_hire = next(e for e in envelopes if e.subject == leader.json()["id"])
    assert leader_hire.type == EmployeeHired.event_type and leader_hire.source == "/org"
    assert EmployeeHired.model_validate(leader_hire.data).department_id == uuid.UUID(department_id)
    record = next(r for r in hired if r.key == leader.json()["id"].encode())
    assert dict(record.headers)["ce_type"] == EmployeeHired.event_type.encode()
    hires = [e.subject for e in envelopes if e.type == EmployeeHired.event_type]
    assert hires.count(leader.json()["id"]) == 1, "no event is doubled"

    # A session: the refresh token gets a new access token once; after logout it gets none.
    async with httpx.AsyncClient(base_url=f"{dev_stack.gateway}/auth", timeout=10) as auth:
        session = (await auth.post("/login", json={"login": "zhaomin", "password": "rep-pass-1"})).json()
        refreshed = await auth.post("/refresh", json={"refresh_token": session["refresh_token"]})
        assert refreshed.status_code == 200 and refreshed.json()["access_token"], refreshed.text
        assert (await auth.post("/refresh", json={"refresh_token": session["refresh_token"]})).status_code == 401
        later = refreshed.json()["refresh_token"]
        assert (await auth.post("/logout", json={"refresh_token": later})).status_code == 204
        assert (await auth.post("/refresh", json={"refresh_token": later})).status_code == 401

    # Zhao leaves: the token Zhao holds stops working in org at once and in crm once the event lands.
    zhao_headers = {"Authorization": f"Bearer {dev_stack.login('zhaomin', 'rep-pass-1')}"}
    async with httpx.AsyncClient(base_url=f"{dev_stack.gateway}/api", headers=zhao_headers, timeout=10) as as_zhao:
        assert (await as_zhao.get("/org/me")).status_code == 200
        await wait_for_status(as_zhao, "/crm/leads", 200)
        left = await api.post(f"/employees/{zhao.json()['id']}/leave", json={"left_on": clock.today().isoformat()})
        assert left.status_code == 200, left.text
        for path in ("/org/me", "/crm/leads", "/appraisal/templates", "/payroll/payslips/me",
                     f"/telesales/figures/daily?date={clock.today().isoformat()}"):
            await wait_for_status(as_zhao, path, 401)

    # A worker killed with SIGKILL is restarted; the stack keeps serving and the new relay publishes.
    worker = org_worker(dev_stack)
    worker.kill()
    deadline = time.monotonic() + 30
    while (replacement := org_worker(dev_stack)) is None or replacement.pid == worker.pid:
        assert time.monotonic() < deadline, "the killed org worker was not restarted"
        await asyncio.sleep(0.2)
    after_crash = await api.post("/departments", json={"name": "市场部 Marketing", "kind": "marketing"})
    assert after_crash.status_code == 201, after_crash.text
    # The seeded Administration department, the field sales one, and this one.
    created = await read_events(dev_stack.broker, DepartmentCreated.topic, want=3)
    assert after_crash.json()["id"] in {CloudEvent.model_validate_json(r.value).subject for r in created}

    # The development admin hands over to a second admin and leaves; the next start seeds a fresh
    # development admin rather than refusing to start.
    me = (await api.get("/me")).json()
    room = await api.put(f"/departments/{me['department_id']}/headcount/admin", json={"planned": 2})
    assert room.status_code == 200, room.text
    successor = await api.post("/employees", json={"name": "Second Admin", "role": "admin", "login": "admin2",
                                                   "password": "admin2-pass-1", "department_id": me["department_id"],
                                                   "hired_on": clock.today().isoformat()})
    assert successor.status_code == 201, successor.text
    left = await api.post(f"/employees/{me['id']}/leave", json={"left_on": clock.today().isoformat()})
    assert left.status_code == 200, left.text
    first_admin = dev_stack.admin_credentials()["login"]

    pids = dev_stack.stop()
    assert len(pids) >= 5
    assert not [pid for pid in pids if pid_running(pid)]

    dev_stack.start()
    assert dev_stack.admin_credentials()["login"] != first_admin
    token = dev_stack.admin_token()
    async with httpx.AsyncClient() as client:
        listed = await client.get(f"{dev_stack.gateway}/api/org/departments",
                                  headers={"Authorization": f"Bearer {token}"})
    assert department_id in {d["id"] for d in listed.json()}
    # The broker started empty; the relay's replay put the events back, once each.
    created = await read_events(dev_stack.broker, DepartmentCreated.topic, want=3)
    subjects = [CloudEvent.model_validate_json(r.value).subject for r in created]
    assert subjects.count(department_id) == 1
    groups = await read_events(dev_stack.broker, GroupCreated.topic, want=1)
    assert [CloudEvent.model_validate_json(r.value).subject for r in groups] == [group.json()["id"]]


async def wait_for_status(client: httpx.AsyncClient, path: str, status: int, within_seconds: float = 20) -> None:
    """Events reach the other services' directory replicas within seconds, never at once."""
    deadline = time.monotonic() + within_seconds
    while (response := await client.get(path)).status_code != status:
        assert time.monotonic() < deadline, f"GET {path}: {response.status_code} {response.text}, not {status}"
        await asyncio.sleep(0.2)


def pid_running(pid: int) -> bool:
    try:
        return RunningStack.still_running(psutil.Process(pid))
    except psutil.NoSuchProcess:
        return False


def org_worker(stack: RunningStack) -> psutil.Process | None:
    for process in stack.descendants():
        with contextlib.suppress(psutil.Error):
            if process.cmdline()[-2:] == ["org", "worker"] and process.status() != psutil.STATUS_ZOMBIE:
                return process
    return None


def test_a_port_in_use_gives_a_clear_message_not_a_traceback(dev_stack):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", int(dev_stack.env["DEV_GATEWAY_PORT"])))
        squatter.listen()
        result = subprocess.run([sys.executable, "-m", "devstack"], env=dev_stack.env, cwd=REPO_ROOT,
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "already in use" in result.stderr and dev_stack.env["DEV_GATEWAY_PORT"] in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_killed_make_dev_takes_its_database_broker_and_services_with_it(dev_stack):
    dev_stack.start()
    children = dev_stack.descendants()
    assert any("postgres" in p.name() for p in children) and len(children) >= 8
    ports = [int(dev_stack.env[name]) for name in ("DEV_POSTGRES_PORT", "DEV_BROKER_PORT", "DEV_GATEWAY_PORT")]

    dev_stack.process.kill()  # SIGKILL: no chance to clean up
    dev_stack.process.wait()

    deadline = time.monotonic() + 30
    while alive := [p for p in children if RunningStack.still_running(p)]:
        assert time.monotonic() < deadline, f"outlived make dev: {[(p.pid, p.name()) for p in alive]}"
        time.sleep(0.2)
    assert all(port_is_free(port) for port in ports)
