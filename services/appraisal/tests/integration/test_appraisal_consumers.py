"""Inputs from crm and telesales, handled as the consumer runner would call the handlers:
counted once however often they arrive, in whatever order, and never applied to a closed period.

``period`` (a fixture) is the clock's last month: ended, so it may be closed, on any date."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from appraisal_world import Person, World, d, on

from appraisal.service_layer import commands, views
from shared.auth import Role
from shared.clock import first_day
from shared.events.crm import DealWon, LeadAssigned, PaymentReceived
from shared.events.envelope import CloudEvent, Event
from shared.events.org import EmployeeHired, EmployeeTransferred
from shared.events.telesales import CallLogged
from shared.testing import principal

HR = principal(Role.HR)


def deal(rep: Person, amount: str, signed_on: date, deal_id: uuid.UUID | None = None) -> DealWon:
    return DealWon(deal_id=deal_id or uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal(amount),
                   signed_on=signed_on)


def payment(rep: Person, amount: str, received_on: date) -> PaymentReceived:
    return PaymentReceived(payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=rep.id, amount=Decimal(amount),
                           received_on=received_on)


def assigned(rep: Person, lead_id: uuid.UUID, at: datetime) -> LeadAssigned:
    return LeadAssigned(lead_id=lead_id, level="rep", group_id=rep.group_id, rep_id=rep.id, assigned_by=uuid.uuid4(),
                        strategy="round_robin", assigned_at=at)


def call(agent: Person, call_id: str, effective: bool, call_date: date) -> CallLogged:
    return CallLogged(call_id=call_id, agent_id=agent.id, started_at=datetime.combine(call_date, time(2), UTC),
                      call_date=call_date, duration_seconds=120 if effective else 5, connected=effective,
                      disposition="effective_conversation" if effective else "no_answer", effective=effective)


async def score_of(world: World, person: Person, period: str) -> views.EmployeeScore:
    return await views.employee_score(world.runtime.bus, HR, period, person.id)


def lines(card) -> dict[str, tuple]:
    return {line.key: (line.raw_value, line.points, line.inputs, line.status) for line in card.indicators}


async def test_the_same_deal_twice_counts_once(world: World, period: str) -> None:
    won = deal(world.rep, "40000", on(period, 12))
    envelope = CloudEvent.wrap(won, source="/crm")
    # Redelivered (same envelope) and re-published by crm (same deal, new envelope).
    await world.apply(envelope, envelope, CloudEvent.wrap(won, source="/crm"))

    card = (await score_of(world, world.rep, period)).card
    assert lines(card)["sales_amount"][:3] == (d(40000), d(40), 1)
    assert lines(card)["contracts_signed"][:3] == (d(1), d(25), 1)
    # Two facts for the rep, the same two rolled up once for their leader and once for the manager.
    assert await world.fact_count() == 6
    updates = await world.outbox("appraisal.score.updated.v1")
    assert [(u["data"]["employee_id"], u["data"]["score"]) for u in updates
            if u["data"]["employee_id"] == str(world.rep.id)] == [(str(world.rep.id), "34.25")]
    assert len([u for u in updates if u["data"]["employee_id"] == str(world.leader.id)]) == 1


async def test_calls_feed_dials_and_effective_conversations_once_each(world: World, period: str) -> None:
    day = on(period, 8)
    await world.apply(call(world.agent, "c-1", True, day), call(world.agent, "c-1", True, day),
                      call(world.agent, "c-2", False, day))
    card = (await score_of(world, world.agent, period)).card
    assert lines(card)["calls_dialled"][:3] == (d(2), d("0.30"), 2)
    assert lines(card)["effective_conversations"][:3] == (d(1), d("0.67"), 1)


def mirrored_inputs(rep: Person, period: str) -> list[Event]:
    """The same month of work for any rep: a lead handed to them twice, two deals, a payment."""
    lead = uuid.uuid4()
    eve = first_day(period) - timedelta(days=1)  # the last day of the month before
    return [
        deal(rep, "30000", on(period, 3)),
        deal(rep, "95000.50", on(period, 28)),
        payment(rep, "12500.25", on(period, 20)),
        assigned(rep, lead, datetime.combine(on(period, 2), time(3), UTC)),
        assigned(rep, lead, datetime.combine(on(period, 9), time(3), UTC)),
        assigned(rep, uuid.uuid4(), datetime.combine(eve, time(17), UTC)),  # 01:00 on the 1st in Shanghai
        deal(rep, "1000", eve),  # another month altogether
    ]


async def test_inputs_in_two_different_orders_give_the_same_score(runtime, period: str) -> None:
    world = World(runtime)
    # Rep Wang's hire reaches us last, after all his inputs: the directory catches up and rescores.
    await world.build(skip=(world.rep2,))
    first, second = mirrored_inputs(world.rep, period), mirrored_inputs(world.rep2, period)
    await world.apply(*first)
    await world.apply(*reversed(second))
    updated = {u["data"]["employee_id"] for u in await world.outbox("appraisal.score.updated.v1")}
    reps = {str(world.rep.id), str(world.rep2.id)}
    assert updated & reps == {str(world.rep.id)}, "no template is known for a rep the directory has not seen"
    await world.apply(world.rep2.hired())

    one, other = (await score_of(world, world.rep, period)).card, (await score_of(world, world.rep2, period)).card
    assert lines(one) == lines(other)
    # 20 + 2.50 + 1.56 + 0.50 + 20 (attendance, no absence recorded) + 5 (no complaint to handle)
    assert one.total == other.total == d("49.56")
    assert lines(one)["leads_worked"][:3] == (d(2), d(10), 2)
    assert lines(one)["sales_amount"][0] == d("125000.50")


async def test_a_late_event_for_a_closed_period_is_recorded_and_changes_nothing(world: World, period: str
                                                                                ) -> None:
    await world.apply(deal(world.rep, "50000", on(period, 12)))
    await world.runtime.bus.handle(commands.ClosePeriod(period=period, by=HR, missing_stages_rule="zero"))
    frozen = await score_of(world, world.rep, period)
    updates_before = len(await world.outbox("appraisal.score.updated.v1"))

    late = deal(world.rep, "99999", on(period, 12))
    await world.apply(late, payment(world.rep, "5000", on(period, 20)))

    after = await score_of(world, world.rep, period)
    assert after.status == "closed"
    assert after.card == frozen.card and after.card.total == d("36.25")
    assert len(await world.outbox("appraisal.score.updated.v1")) == updates_before
    async with world.runtime.uow_factory() as uow:
        late_facts = await uow.facts.late(period)
    assert sorted((f.fact.kind, f.fact.value) for f in late_facts if f.fact.employee_id == world.rep.id) == [
        ("collections", d(5000)), ("contracts_signed", d(1)), ("sales_amount", d(99999))]
    assert {f.fact.source_id for f in late_facts if f.fact.kind == "sales_amount"} == {f"deal:{late.deal_id}"}


async def test_a_transfer_rescores_the_open_period_under_the_new_roles_template(world: World, period: str
                                                                                ) -> None:
    await world.apply(deal(world.rep, "50000", on(period, 12)), call(world.rep, "c-9", True, on(period, 8)))
    assert (await score_of(world, world.rep, period)).card.template_key == "sales"

    await world.apply(EmployeeTransferred(
        employee_id=world.rep.id, effective_date=on(period, 15), from_department_id=world.sales,
        to_department_id=world.telesales, from_group_id=world.east1, to_group_id=world.phones,
        from_role=Role.SALES_REP, to_role=Role.TELESALES_AGENT))

    rescored = await score_of(world, world.rep, period)
    assert rescored.card.template_key == "telesales"
    assert lines(rescored.card)["calls_dialled"][:3] == (d(1), d("0.15"), 1)
    updates = await world.outbox("appraisal.score.updated.v1")
    # The call meant nothing to a rep's template: only the deal and the transfer moved the score.
    assert [u["data"]["score"] for u in updates if u["data"]["employee_id"] == str(world.rep.id)] == [
        "36.25", "23.49"]


async def test_inputs_for_someone_the_directory_does_not_know_wait_for_the_hire(world: World, period: str) -> None:
    newcomer = Person("Newcomer Ma", Role.SALES_REP, world.sales, world.east1, world.leader)
    await world.apply(deal(newcomer, "100000", on(period, 12)))
    assert await world.outbox("appraisal.score.updated.v1") == []

    await world.apply(EmployeeHired(employee_id=newcomer.id, name=newcomer.name, role=newcomer.role,
                                    department_id=world.sales, group_id=world.east1, hired_on=first_day(period)))
    assert (await score_of(world, newcomer, period)).card.total == d("46.25")
    updates = [u["data"]["employee_id"] for u in await world.outbox("appraisal.score.updated.v1")]
    # The newcomer's score, and the leader's now that the deal rolls up to their group.
    assert sorted(updates) == sorted([str(newcomer.id), str(world.leader.id)])


async def test_concurrent_inputs_for_one_employee_all_reach_the_score(world: World, period: str) -> None:
    # Each in its own transaction, at once: the score row lock makes each recomputation see the others.
    await asyncio.gather(*(world.apply(deal(world.rep, "1000", on(period, 12))) for _ in range(12)))
    card = (await score_of(world, world.rep, period)).card
    assert lines(card)["sales_amount"][:3] == (d(12000), d(12), 12)
    assert lines(card)["contracts_signed"][:3] == (d(12), d(100), 12)
    updates = await world.outbox("appraisal.score.updated.v1")
    assert updates[-1]["data"]["score"] == str(card.total) == "32.40"
