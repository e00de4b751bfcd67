"""Intake's synchronous checks, on an in-memory database: a service account's batch is refused whole
when the account is revoked or any agent is outside its scope or unknown, every such record named
and nothing published; the directory is read at most once per batch and then trusted for the
cache's lifetime; a call_id stored with other content is a 409 naming the fields that differ, the
same content again is accepted. The clock stands at NOW."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from telesales_fakes import FakeIntakeUnitOfWork, FakePublisher, IntakeStore

from shared.auth import Principal, Role
from shared.clock import FixedClock
from shared.directory import DirectoryEmployee
from shared.errors import Forbidden, InvalidInput
from telesales.adapters.intake_reads import StoredCall
from telesales.bootstrap import bootstrap
from telesales.config import TelesalesSettings
from telesales.domain.calls import Placement
from telesales.domain.corrections import content_fingerprint
from telesales.domain.intake import CallContent, RecordAgent, ScopeProblem, differing_fields, scope_problems
from telesales.domain.service_accounts import INTAKE_SCOPE, ServiceAccount
from telesales.entrypoints.intake.schemas import parse_batch
from telesales.service_layer.intake import submit_calls
from telesales.service_layer.unit_of_work import TelesalesBus

NOW = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
DEPARTMENT, OTHER_DEPARTMENT, GROUP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
ACCOUNT = ServiceAccount(id=uuid.uuid4(), name="dialler", client_id="sa_1", secret_hash="x",
                         department_ids=frozenset({DEPARTMENT}), group_ids=frozenset(), created_by=uuid.uuid4(),
                         created_at=NOW - timedelta(days=1))
DIALLER = Principal(employee_id=ACCOUNT.id, roles=frozenset({Role.SYSTEM}), extra={"scope": INTAKE_SCOPE})
AGENT = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.TELESALES_AGENT}), group_id=GROUP,
                  department_id=DEPARTMENT)


def person(department_id: uuid.UUID | None, group_id: uuid.UUID | None = None) -> DirectoryEmployee:
    return DirectoryEmployee(employee_id=uuid.uuid4(), name="x", role="telesales_agent", status="active",
                             department_id=department_id, group_id=group_id, manager_id=None)


OURS, THEIRS = person(DEPARTMENT, GROUP), person(OTHER_DEPARTMENT)


def record(call_id: str, agent_id: uuid.UUID = OURS.employee_id, **overrides) -> dict:
    return {"call_id": call_id, "agent_id": str(agent_id), "number_dialled": "13800138000",
            "started_at": "2026-05-04T09:30:00+08:00", "duration_seconds": 75, "connected": True,
            "disposition": "intent", "notes": "wants a quote", **overrides}


@pytest.fixture
def store() -> IntakeStore:
    return IntakeStore(people={OURS.employee_id: OURS, THEIRS.employee_id: THEIRS},
                       accounts={ACCOUNT.id: ACCOUNT})


@pytest.fixture
def bus(clock: FixedClock, store: IntakeStore) -> TelesalesBus:
    clock.set(NOW)
    fake = FakeIntakeUnitOfWork(store, clock=clock)
    return bootstrap(TelesalesSettings(environment="test", intake_directory_cache_seconds=10), clock=clock,
                     uow_factory=lambda: fake).bus


async def submit(bus: TelesalesBus, items: list, submitter: Principal = DIALLER):
    publisher = FakePublisher()
    parsed, unparsed = parse_batch(items)
    return await submit_calls(bus, parsed, submitter=submitter, publisher=publisher, unparsed=unparsed), publisher


async def test_an_agent_outside_the_accounts_scope_refuses_the_whole_batch(bus: TelesalesBus) -> None:
    stranger = uuid.uuid4()
    publisher = FakePublisher()
    parsed, _ = parse_batch([record("ok"), record("theirs", THEIRS.employee_id), record("who", stranger)])
    with pytest.raises(Forbidden) as refused:
        await submit_calls(bus, parsed, submitter=DIALLER, publisher=publisher)

    assert publisher.calls == 0, "nothing of the batch is published"
    assert [(r["index"], r["call_id"], r["agent_id"], r["problem"]) for r in refused.value.extra["records"]] == [
        (1, "theirs", str(THEIRS.employee_id), "out_of_scope"), (2, "who", str(stranger), "unknown_agent")]
    assert [e["field"] for e in refused.value.extra["errors"]] == ["calls[1].agent_id", "calls[2].agent_id"]


async def test_an_agent_unknown_to_telesales_is_a_422_and_accepted_once_known(
        bus: TelesalesBus, store: IntakeStore, clock: FixedClock) -> None:
    newcomer = person(DEPARTMENT)
    with pytest.raises(InvalidInput) as refused:
        await submit(bus, [record("new", newcomer.employee_id)])
    assert refused.value.status == 422
    assert "unknown to telesales" in refused.value.extra["records"][0]["reason"]

    store.people[newcomer.employee_id] = newcomer  # org's hire event reached the replica
    clock.advance(timedelta(seconds=11))
    result, publisher = await submit(bus, [record("new", newcomer.employee_id)])
    assert result.accepted == ["new"] and [m.call_id for m in publisher.published] == ["new"]


async def test_a_revoked_account_cannot_post_even_a_batch_of_bad_records(
        bus: TelesalesBus, store: IntakeStore) -> None:
    store.accounts[ACCOUNT.id] = ServiceAccount(**{**ACCOUNT.__dict__, "revoked_at": NOW - timedelta(minutes=1)})
    for items in ([record("ok")], [record("bad", duration_seconds=-1)]):
        with pytest.raises(Forbidden, match="revoked"):
            await submit(bus, items)


async def test_a_batch_costs_one_directory_query_and_the_next_none_within_the_ttl(
        bus: TelesalesBus, store: IntakeStore, clock: FixedClock) -> None:
    more = [person(DEPARTMENT) for _ in range(5)]
    store.people.update({p.employee_id: p for p in more})
    result, _ = await submit(bus, [record(f"c{i}", p.employee_id) for i, p in enumerate(more)])
    assert len(result.accepted) == 5
    assert store.queries.count("directory") == 1

    clock.advance(timedelta(seconds=9))
    await submit(bus, [record(f"d{i}", p.employee_id) for i, p in enumerate(more)])
    assert store.queries.count("directory") == 1, "trusted within intake_directory_cache_seconds"
    assert store.queries.count("account") == 1

    clock.advance(timedelta(seconds=2))
    await submit(bus, [record("e", more[0].employee_id)])
    assert (store.queries.count("directory"), store.queries.count("account")) == (2, 2)


async def test_a_transfer_out_of_scope_is_seen_once_the_cache_expires(
        bus: TelesalesBus, store: IntakeStore, clock: FixedClock) -> None:
    await submit(bus, [record("before")])
    store.people[OURS.employee_id] = DirectoryEmployee(**{**OURS.__dict__, "department_id": OTHER_DEPARTMENT,
                                                          "group_id": None})
    clock.advance(timedelta(seconds=10))
    with pytest.raises(Forbidden):
        await submit(bus, [record("after")])


def stored(call_id: str, **overrides) -> StoredCall:
    content = CallContent(agent_id=OURS.employee_id, number_dialled="13800138000",
                          started_at=datetime(2026, 5, 4, 1, 30, tzinfo=UTC), duration_seconds=75, connected=True,
                          disposition="intent", lead_id=None, stage_reached=None, notes="wants a quote",
                          next_step=None)
    first = CallContent(**{**content.__dict__, **overrides})
    return StoredCall(call_id, content_fingerprint(**first.__dict__), first)


async def test_a_call_id_stored_with_other_content_is_a_409_naming_the_fields(
        bus: TelesalesBus, store: IntakeStore) -> None:
    store.calls["same"] = stored("same")
    store.calls["changed"] = stored("changed", duration_seconds=80, disposition="appointment")
    result, publisher = await submit(bus, [record("same"), record("changed"), record("new")])

    assert result.accepted == ["same", "new"], "an identical resubmission stays accepted (stored once)"
    assert [m.call_id for m in publisher.published] == ["same", "new"]
    [conflict] = result.rejected
    assert (conflict.index, conflict.call_id, conflict.status) == (1, "changed", 409)
    assert [e.field for e in conflict.errors] == ["call_id", "duration_seconds", "disposition"]
    assert store.queries.count("calls") == 1, "one query per batch"


async def test_an_agents_own_resubmission_is_checked_too(bus: TelesalesBus, store: IntakeStore) -> None:
    store.calls["mine"] = stored("mine", agent_id=AGENT.employee_id, notes="other notes")
    result, _ = await submit(bus, [record("mine", AGENT.employee_id)], submitter=AGENT)
    assert [(r.status, [e.field for e in r.errors]) for r in result.rejected] == [(409, ["call_id", "notes"])]
    assert "account" not in store.queries, "a person's own calls need no service account"


def test_scope_problems_name_each_record() -> None:
    unknown = uuid.uuid4()
    records = [RecordAgent(0, "a", OURS.employee_id), RecordAgent(1, "b", THEIRS.employee_id),
               RecordAgent(2, "c", unknown)]
    found = scope_problems(ACCOUNT, records, {
        OURS.employee_id: Placement(GROUP, DEPARTMENT), THEIRS.employee_id: Placement(None, OTHER_DEPARTMENT),
        unknown: None})
    assert [(p.record.call_id, p.problem) for p in found] == [("b", ScopeProblem.OUT_OF_SCOPE),
                                                              ("c", ScopeProblem.UNKNOWN_AGENT)]
    by_group = ServiceAccount(**{**ACCOUNT.__dict__, "department_ids": frozenset(), "group_ids": frozenset({GROUP})})
    assert scope_problems(by_group, records[:1], {OURS.employee_id: Placement(GROUP, DEPARTMENT)}) == []


def test_instants_are_compared_as_instants() -> None:
    content = stored("x").content
    shifted = CallContent(**{**content.__dict__,
                             "started_at": content.started_at.astimezone(FixedClock(NOW).timezone)})
    assert differing_fields(content, shifted) == ()
    assert differing_fields(content, CallContent(**{**content.__dict__, "next_step": "call back"})) == ("next_step",)
