"""The use cases over an in-memory unit of work: scores are a function of the stored inputs,
whatever order or how often those arrived, and closing freezes them and says so once."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast

import pytest
from appraisal_builders import policy, sales_template
from appraisal_fakes import FakeUnitOfWork

from appraisal.entrypoints.consumers import CONSUMERS
from appraisal.service_layer import commands, handlers
from shared.auth import Principal, Role
from shared.directory import DirectoryEmployee
from shared.errors import Conflict, RuleViolation
from shared.events import CloudEvent
from shared.events.crm import DealWon, LeadAssigned, PaymentReceived

HANDLERS = {event_type: handler for spec in CONSUMERS for event_type, handler in spec.handlers.items()}
HR = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.HR}))
REP = uuid.uuid4()


def company() -> FakeUnitOfWork:
    uow = FakeUnitOfWork(policy())
    uow.store.templates["sales"] = sales_template()
    uow.store.employees[REP] = DirectoryEmployee(employee_id=REP, name="Li", role=Role.SALES_REP, status="active",
                                                 department_id=uuid.uuid4(), group_id=None, manager_id=None)
    return uow


async def deliver(uow: FakeUnitOfWork, envelope: CloudEvent) -> None:
    async with uow:  # as the consumer runner does, minus the inbox
        await HANDLERS[envelope.type](envelope, cast(Any, uow))
        await uow.commit()


def month_of_work() -> list[CloudEvent]:
    lead = uuid.uuid4()
    events = [
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP, amount=Decimal("31000.10"),
                signed_on=date(2026, 10, 2)),
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP, amount=Decimal("17000"),
                signed_on=date(2026, 10, 30)),
        PaymentReceived(payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=REP, amount=Decimal("9999.99"),
                        received_on=date(2026, 10, 3)),
        *(LeadAssigned(lead_id=lead if i < 2 else uuid.uuid4(), level="rep", group_id=uuid.uuid4(), rep_id=REP,
                       assigned_by=uuid.uuid4(), strategy="least_loaded",
                       assigned_at=datetime(2026, 10, 1 + i, tzinfo=UTC)) for i in range(5)),
    ]
    return [CloudEvent.wrap(event, source="/crm") for event in events]


async def test_any_order_and_any_repetition_give_the_same_score():
    events = month_of_work()
    totals = set()
    for seed in range(8):
        uow = company()
        shuffled = events + random.Random(seed).sample(events, 3)  # some delivered twice
        random.Random(seed).shuffle(shuffled)
        for envelope in shuffled:
            await deliver(uow, envelope)
        totals.add(uow.store.scores[(REP, "2026-10")].total)
    # 30% × 48.00 + 10% × 50 + 15% × 12.50 (1.875, half up) + 5% × 20 + 20 = 14.40 + 5 + 1.88 + 1 + 20
    assert totals == {Decimal("42.28")}


async def test_a_repeat_emits_no_second_score_update():
    uow = company()
    envelope = month_of_work()[0]
    await deliver(uow, envelope)
    await deliver(uow, envelope)
    assert uow.published_types() == ["appraisal.score.updated.v1"]


async def test_a_batch_in_one_transaction_rescores_once_with_the_same_result():
    uow = company()
    async with uow:  # as the consumer runner handles a batch: every event, then one commit
        for envelope in month_of_work():
            await HANDLERS[envelope.type](envelope, cast(Any, uow))
        assert (REP, "2026-10") not in uow.store.scores  # rescored at the commit, not per event
        await uow.commit()
    assert uow.store.scores[(REP, "2026-10")].total == Decimal("42.28")  # as event by event
    assert uow.published_types() == ["appraisal.score.updated.v1"]


async def test_closing_emits_one_result_per_employee_and_one_period_closed():
    uow = company()
    for envelope in month_of_work():
        await deliver(uow, envelope)
    uow.published.clear()
    closed = await handlers.close_period(commands.ClosePeriod(period="2026-10", by=HR), cast(Any, uow))
    assert uow.published_types() == ["appraisal.result.finalized.v1", "appraisal.period.closed.v1"]
    assert [(r.employee_id, r.score, r.coefficient, r.rank) for r in closed.results] == [
        (REP, Decimal("42.28"), Decimal("0.50"), 1)]
    with pytest.raises(Conflict, match="already closed"):
        await handlers.close_period(commands.ClosePeriod(period="2026-10", by=HR), cast(Any, uow))
    assert len(uow.published) == 2


async def test_an_unended_period_cannot_be_closed():
    uow = company()
    this_month = datetime.now(UTC).strftime("%Y-%m")
    with pytest.raises(RuleViolation, match="has not ended"):
        await handlers.close_period(commands.ClosePeriod(period=this_month, by=HR), cast(Any, uow))
    assert uow.published == [] and uow.store.periods == {}


async def test_late_inputs_are_kept_and_not_scored():
    uow = company()
    first, *rest = month_of_work()
    await deliver(uow, first)
    await handlers.close_period(commands.ClosePeriod(period="2026-10", by=HR), cast(Any, uow))
    before = (len(uow.published), uow.store.scores[(REP, "2026-10")].total)
    for envelope in rest:
        await deliver(uow, envelope)
    assert (len(uow.published), uow.store.scores[(REP, "2026-10")].total) == before
    # A deal (amount and contract), a payment, four leads (one handed over twice counts once).
    assert len(await uow.facts.late("2026-10")) == 2 + 1 + 4
