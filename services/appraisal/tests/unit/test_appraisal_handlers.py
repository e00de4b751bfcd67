"""The use cases over an in-memory unit of work: scores are a function of the stored inputs,
whatever order or how often those arrived, and closing freezes them and says so once.

The month worked is the clock's last month, which has ended whatever the date the suite runs at."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from appraisal_builders import sales_template
from appraisal_fakes import FakeAppraisalUnitOfWork

from appraisal.bootstrap import bootstrap
from appraisal.config import AppraisalSettings
from appraisal.entrypoints.consumers import CONSUMERS
from appraisal.service_layer import commands
from appraisal.service_layer.handlers import ClosedPeriod
from appraisal.service_layer.unit_of_work import AppraisalBus
from shared.auth import Role
from shared.clock import FixedClock, first_day, last_day, shift_month
from shared.directory import DirectoryEmployee
from shared.errors import Conflict, RuleViolation
from shared.events import CloudEvent
from shared.events.crm import DealWon, LeadAssigned, PaymentReceived
from shared.testing import principal

HANDLERS = {event_type: handler for spec in CONSUMERS for event_type, handler in spec.handlers.items()}
HR = principal(Role.HR)
REP = uuid.uuid4()


@dataclass
class Company:
    uow: FakeAppraisalUnitOfWork
    bus: AppraisalBus


def company(clock: FixedClock) -> Company:
    uow = FakeAppraisalUnitOfWork(clock=clock)
    uow.store.templates["sales"] = sales_template()
    uow.store.employees[REP] = DirectoryEmployee(employee_id=REP, name="Li", role=Role.SALES_REP, status="active",
                                                 department_id=uuid.uuid4(), group_id=None, manager_id=None)
    bus = bootstrap(AppraisalSettings(_env_file=None), uow_factory=lambda: uow, clock=clock).bus
    return Company(uow, bus)


def last_month(clock: FixedClock) -> str:
    return shift_month(clock.month(), -1)


def on(period: str, day: int) -> date:
    return first_day(period) + timedelta(days=day - 1)


async def deliver(company: Company, envelope: CloudEvent) -> None:
    async with company.uow as uow:  # as the consumer runner does, minus the inbox
        await HANDLERS[envelope.type](envelope, uow, company.bus)
        await uow.commit()


async def close(company: Company, period: str) -> ClosedPeriod:
    return await company.bus.handle(commands.ClosePeriod(period=period, by=HR, missing_stages_rule="zero"))


def month_of_work(period: str) -> list[CloudEvent]:
    lead = uuid.uuid4()
    events = [
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP, amount=Decimal("31000.10"),
                signed_on=on(period, 2)),
        DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP, amount=Decimal("17000"),
                signed_on=last_day(period)),
        PaymentReceived(payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=REP, amount=Decimal("9999.99"),
                        received_on=on(period, 3)),
        *(LeadAssigned(lead_id=lead if i < 2 else uuid.uuid4(), level="rep", group_id=uuid.uuid4(), rep_id=REP,
                       assigned_by=uuid.uuid4(), strategy="least_loaded",
                       assigned_at=datetime.combine(on(period, 1 + i), time(0), UTC)) for i in range(5)),
    ]
    return [CloudEvent.wrap(event, source="/crm") for event in events]


async def test_any_order_and_any_repetition_give_the_same_score(clock):
    period = last_month(clock)
    events = month_of_work(period)
    totals = set()
    for seed in range(8):
        firm = company(clock)
        shuffled = events + random.Random(seed).sample(events, 3)  # some delivered twice
        random.Random(seed).shuffle(shuffled)
        for envelope in shuffled:
            await deliver(firm, envelope)
        totals.add(firm.uow.store.scores[(REP, period)].total)
    # 30% × 48.00 + 10% × 50 + 15% × 12.50 (1.875, half up) + 5% × 20 + 20 = 14.40 + 5 + 1.88 + 1 + 20
    assert totals == {Decimal("42.28")}


async def test_a_repeat_emits_no_second_score_update(clock):
    firm = company(clock)
    envelope = month_of_work(last_month(clock))[0]
    await deliver(firm, envelope)
    await deliver(firm, envelope)
    assert firm.uow.published_types() == ["appraisal.score.updated.v1"]


async def test_a_batch_in_one_transaction_rescores_once_with_the_same_result(clock):
    firm, period = company(clock), last_month(clock)
    async with firm.uow as uow:  # as the consumer runner handles a batch: every event, then one commit
        for envelope in month_of_work(period):
            await HANDLERS[envelope.type](envelope, uow, firm.bus)
        assert (REP, period) not in uow.store.scores  # rescored at the commit, not per event
        await uow.commit()
    assert firm.uow.store.scores[(REP, period)].total == Decimal("42.28")  # as event by event
    assert firm.uow.published_types() == ["appraisal.score.updated.v1"]


async def test_closing_emits_one_result_per_employee_and_one_period_closed(clock):
    firm, period = company(clock), last_month(clock)
    for envelope in month_of_work(period):
        await deliver(firm, envelope)
    firm.uow.published.clear()
    closed = await close(firm, period)
    # The rep's sales make them Sales Champion (honours are configuration: A7, domain.honours).
    assert firm.uow.published_types() == ["appraisal.result.finalized.v1", "appraisal.honour.awarded.v1",
                                          "appraisal.period.closed.v1"]
    assert [(r.employee_id, r.score, r.coefficient, r.rank) for r in closed.results] == [
        (REP, Decimal("42.28"), Decimal("0.50"), 1)]
    with pytest.raises(Conflict, match="already closed"):
        await close(firm, period)
    assert len(firm.uow.published) == 3  # the refused second close added nothing


async def test_an_unended_period_cannot_be_closed(clock):
    firm = company(clock)
    this_month = clock.month()
    with pytest.raises(RuleViolation, match="has not ended"):
        await close(firm, this_month)
    assert firm.uow.published == [] and firm.uow.store.periods == {}


async def test_at_half_past_midnight_on_the_1st_in_shanghai_the_previous_month_has_ended(clock):
    """00:30 on the 1st in Beijing is still 16:30 the day before in UTC: the company's month has
    turned all the same, so the month just gone may be closed and the new one may not."""
    new_month = clock.month()
    clock.set(datetime.combine(first_day(new_month), time(0, 30), tzinfo=clock.timezone))
    assert clock.now() == datetime.combine(first_day(new_month) - timedelta(days=1), time(16, 30), UTC)
    firm, previous_month = company(clock), shift_month(new_month, -1)

    with pytest.raises(RuleViolation, match="has not ended"):
        await close(firm, new_month)
    assert firm.uow.published == [] and firm.uow.store.periods == {}

    closed = await close(firm, previous_month)
    assert (closed.period.period, closed.period.status) == (previous_month, "closed")
    assert firm.uow.published_types()[-1] == "appraisal.period.closed.v1"


async def test_late_inputs_are_kept_and_not_scored(clock):
    firm, period = company(clock), last_month(clock)
    first, *rest = month_of_work(period)
    await deliver(firm, first)
    await close(firm, period)
    before = (len(firm.uow.published), firm.uow.store.scores[(REP, period)].total)
    for envelope in rest:
        await deliver(firm, envelope)
    assert (len(firm.uow.published), firm.uow.store.scores[(REP, period)].total) == before
    # A deal (amount and contract), a payment, four leads (one handed over twice counts once).
    assert len(await firm.uow.facts.late(period)) == 2 + 1 + 4
