"""Inputs from crm and telesales, handled as the consumer runner would call the handlers:
counted once however often they arrive, in whatever order, and never applied to a closed period."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import cast

from appraisal_world import Person, World, d

from appraisal.service_layer import commands, handlers, views
from appraisal.service_layer.unit_of_work import AppraisalUnitOfWork
from shared.auth import Principal, Role
from shared.events.crm import DealWon, LeadAssigned, PaymentReceived
from shared.events.envelope import CloudEvent, Event
from shared.events.org import EmployeeHired, EmployeeTransferred
from shared.events.telesales import CallLogged

HR = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.HR}))
PERIOD = "2026-10"


def deal(rep: Person, amount: str, on: date = date(2026, 10, 12), deal_id: uuid.UUID | None = None) -> DealWon:
    return DealWon(deal_id=deal_id or uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal(amount),
                   signed_on=on)


def payment(rep: Person, amount: str, on: date = date(2026, 10, 20)) -> PaymentReceived:
    return PaymentReceived(payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal(amount),
                           received_on=on)


def assigned(rep: Person, lead_id: uuid.UUID, at: datetime) -> LeadAssigned:
    return LeadAssigned(lead_id=lead_id, level="rep", group_id=rep.group_id, rep_id=rep.id, assigned_by=uuid.uuid4(),
                        strategy="round_robin", assigned_at=at)


def call(agent: Person, call_id: str, effective: bool, on: date = date(2026, 10, 8)) -> CallLogged:
    return CallLogged(call_id=call_id, agent_id=agent.id, started_at=datetime(2026, 10, 8, 2, tzinfo=UTC),
                      call_date=on, duration_seconds=120 if effective else 5, connected=effective,
                      disposition="effective_conversation" if effective else "no_answer", effective=effective)


async def score_of(world: World, person: Person, period: str = PERIOD) -> views.EmployeeScore:
    return await views.employee_score(cast(AppraisalUnitOfWork, world.runtime.uow_factory()), HR, period, person.id)


def lines(card) -> dict[str, tuple]:
    return {line.key: (line.raw_value, line.points, line.inputs, line.status) for line in card.indicators}


async def test_the_same_deal_twice_counts_once(world: World) -> None:
    won = deal(world.rep, "40000")
    envelope = CloudEvent.wrap(won, source="/crm")
    # Redelivered (same envelope) and re-published by crm (same deal, new envelope).
    await world.apply(envelope, envelope, CloudEvent.wrap(won, source="/crm"))

    card = (await score_of(world, world.rep)).card
    assert lines(card)["sales_amount"][:3] == (d(40000), d(40), 1)
    assert lines(card)["contracts_signed"][:3] == (d(1), d(25), 1)
    assert await world.fact_count() == 2
    updates = await world.outbox("appraisal.score.updated.v1")
    assert [(u["data"]["employee_id"], u["data"]["score"]) for u in updates] == [(str(world.rep.id), "34.50")]


async def test_calls_feed_dials_and_effective_conversations_once_each(world: World) -> None:
    await world.apply(call(world.agent, "c-1", True), call(world.agent, "c-1", True), call(world.agent, "c-2", False))
    card = (await score_of(world, world.agent)).card
    assert lines(card)["calls_dialled"][:3] == (d(2), d("0.30"), 2)
    assert lines(card)["effective_conversations"][:3] == (d(1), d("0.67"), 1)


def mirrored_inputs(rep: Person) -> list[Event]:
    """The same month of work for any rep: a lead handed to them twice, two deals, a payment."""
    lead = uuid.uuid4()
    return [
        deal(rep, "30000", date(2026, 10, 3)),
        deal(rep, "95000.50", date(2026, 10, 28)),
        payment(rep, "12500.25"),
        assigned(rep, lead, datetime(2026, 10, 2, 3, tzinfo=UTC)),
        assigned(rep, lead, datetime(2026, 10, 9, 3, tzinfo=UTC)),
        assigned(rep, uuid.uuid4(), datetime(2026, 9, 30, 17, tzinfo=UTC)),  # 1 October in Shanghai
        deal(rep, "1000", date(2026, 9, 30)),  # another month altogether
    ]


async def test_inputs_in_two_different_orders_give_the_same_score(runtime) -> None:
    world = World(runtime)
    # Rep Wang's hire reaches us last, after all his inputs: the directory catches up and rescores.
    await world.build(skip=(world.rep2,))
    first, second = mirrored_inputs(world.rep), mirrored_inputs(world.rep2)
    await world.apply(*first)
    await world.apply(*reversed(second))
    updated = {u["data"]["employee_id"] for u in await world.outbox("appraisal.score.updated.v1")}
    assert updated == {str(world.rep.id)}, "no template is known for a rep the directory has not seen"
    await world.apply(world.rep2.hired())

    one, other = (await score_of(world, world.rep)).card, (await score_of(world, world.rep2)).card
    assert lines(one) == lines(other)
    assert one.total == other.total == d("57.84")  # 30 + 5 + 2.34 + 0.50 + 20 (assumed attendance)
    assert lines(one)["leads_worked"][:3] == (d(2), d(10), 2)
    assert lines(one)["sales_amount"][0] == d("125000.50")


async def test_a_late_event_for_a_closed_period_is_recorded_and_changes_nothing(world: World) -> None:
    await world.apply(deal(world.rep, "50000"))
    closing = cast(AppraisalUnitOfWork, world.runtime.uow_factory())
    await handlers.close_period(commands.ClosePeriod(period=PERIOD, by=HR), closing)
    frozen = await score_of(world, world.rep)
    updates_before = len(await world.outbox("appraisal.score.updated.v1"))

    late = deal(world.rep, "99999")
    await world.apply(late, payment(world.rep, "5000"))

    after = await score_of(world, world.rep)
    assert after.status == "closed"
    assert after.card == frozen.card and after.card.total == d("37.50")
    assert len(await world.outbox("appraisal.score.updated.v1")) == updates_before
    async with world.runtime.uow_factory() as uow:
        late_facts = await uow.facts.late(PERIOD)
    assert sorted((f.fact.kind, f.fact.value) for f in late_facts) == [
        ("collections", d(5000)), ("contracts_signed", d(1)), ("sales_amount", d(99999))]
    assert {f.fact.source_id for f in late_facts if f.fact.kind == "sales_amount"} == {f"deal:{late.deal_id}"}


async def test_a_transfer_rescores_the_open_period_under_the_new_roles_template(world: World) -> None:
    await world.apply(deal(world.rep, "50000"), call(world.rep, "c-9", True))
    assert (await score_of(world, world.rep)).card.template_key == "sales"

    await world.apply(EmployeeTransferred(
        employee_id=world.rep.id, effective_date=date(2026, 10, 15), from_department_id=world.sales,
        to_department_id=world.telesales, from_group_id=world.east1, to_group_id=world.phones,
        from_role=Role.SALES_REP, to_role=Role.TELESALES_AGENT))

    rescored = await score_of(world, world.rep)
    assert rescored.card.template_key == "telesales"
    assert lines(rescored.card)["calls_dialled"][:3] == (d(1), d("0.15"), 1)
    updates = await world.outbox("appraisal.score.updated.v1")
    # The call meant nothing to a rep's template: only the deal and the transfer moved the score.
    assert [u["data"]["score"] for u in updates] == ["37.50", "23.54"]


async def test_inputs_for_someone_the_directory_does_not_know_wait_for_the_hire(world: World) -> None:
    newcomer = Person("Newcomer Ma", Role.SALES_REP, world.sales, world.east1, world.leader)
    await world.apply(deal(newcomer, "100000"))
    assert await world.outbox("appraisal.score.updated.v1") == []

    await world.apply(EmployeeHired(employee_id=newcomer.id, name=newcomer.name, role=newcomer.role,
                                    department_id=world.sales, group_id=world.east1, hired_on=date(2026, 10, 1)))
    assert (await score_of(world, newcomer)).card.total == d("52.50")
    assert len(await world.outbox("appraisal.score.updated.v1")) == 1


async def test_concurrent_inputs_for_one_employee_all_reach_the_score(world: World) -> None:
    # Each in its own transaction, at once: the score row lock makes each recomputation see the others.
    await asyncio.gather(*(world.apply(deal(world.rep, "1000")) for _ in range(12)))
    card = (await score_of(world, world.rep)).card
    assert lines(card)["sales_amount"][:3] == (d(12000), d(12), 12)
    assert lines(card)["contracts_signed"][:3] == (d(12), d(100), 12)
    updates = await world.outbox("appraisal.score.updated.v1")
    assert updates[-1]["data"]["score"] == str(card.total) == "33.60"
