"""Monthly periods (A1) and the events that feed them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from appraisal_builders import policy

from appraisal.domain.periods import Period
from appraisal.domain.templates import Source
from appraisal.service_layer import inputs
from shared.clock import FixedClock, first_day
from shared.errors import InvalidInput
from shared.events.crm import DealCancelled, DealWon, LeadAssigned, PaymentRefunded
from shared.events.telesales import CallLogged
from shared.testing import QUIET_INSTANT

REP = uuid.uuid4()


def test_periods_parse_and_print():
    assert str(Period.parse("2026-01")) == "2026-01"
    for bad in ("2026-13", "2026-1", "26-01", "2026-00", "2026-01-01"):
        with pytest.raises(InvalidInput):
            Period.parse(bad)


def test_neighbours_and_bounds_cross_the_year():
    assert str(Period(2026, 1).previous()) == "2025-12"
    assert str(Period(2025, 12).next()) == "2026-01"
    assert Period(2024, 2).last_day == date(2024, 2, 29)


def test_an_instant_falls_in_the_month_of_the_company_calendar():
    evening_utc = datetime(2026, 9, 30, 17, 0, tzinfo=UTC)  # 01:00 on 1 October in Shanghai
    assignment = LeadAssigned(lead_id=uuid.uuid4(), level="rep", group_id=uuid.uuid4(), rep_id=REP,
                              assigned_by=uuid.uuid4(), strategy="round_robin", assigned_at=evening_utc)
    [in_shanghai] = inputs.from_lead_assigned(assignment, uuid.uuid4(), FixedClock(evening_utc, "Asia/Shanghai"))
    [in_utc] = inputs.from_lead_assigned(assignment, uuid.uuid4(), FixedClock(evening_utc, "UTC"))
    assert in_shanghai.period == "2026-10"
    assert in_utc.period == "2026-09"


def test_an_assignment_at_half_past_midnight_on_the_1st_counts_in_the_new_month(clock):
    """00:30 on the 1st in Beijing is 16:30 the previous day in UTC: the company's new month."""
    new_month = clock.month()
    clock.set(datetime.combine(first_day(new_month), time(0, 30), tzinfo=clock.timezone))
    assignment = LeadAssigned(lead_id=uuid.uuid4(), level="rep", group_id=uuid.uuid4(), rep_id=REP,
                              assigned_by=uuid.uuid4(), strategy="round_robin", assigned_at=clock.now())
    assert clock.now().date() == first_day(new_month) - timedelta(days=1)  # UTC is still in the old day
    [fact] = inputs.from_lead_assigned(assignment, uuid.uuid4(), clock)
    assert (fact.period, fact.occurred_on) == (new_month, first_day(new_month))


def test_a_rep_level_assignment_counts_once_per_lead_rep_and_month():
    lead = uuid.uuid4()
    assignment = LeadAssigned(lead_id=lead, level="rep", group_id=uuid.uuid4(), rep_id=REP, assigned_by=uuid.uuid4(),
                              strategy="round_robin", assigned_at=datetime(2026, 9, 30, 17, 0, tzinfo=UTC))
    [fact] = inputs.from_lead_assigned(assignment, uuid.uuid4(), FixedClock(QUIET_INSTANT, "Asia/Shanghai"))
    assert (fact.period, fact.kind) == ("2026-10", Source.LEADS_ASSIGNED)
    assert fact.source_id == f"lead:{lead}:rep:{REP}:2026-10"
    group_level = assignment.model_copy(update={"level": "group", "rep_id": None})
    assert inputs.from_lead_assigned(group_level, uuid.uuid4(), FixedClock(QUIET_INSTANT, "Asia/Shanghai")) == []


def test_a_deal_gives_its_amount_and_one_contract():
    deal = DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP, amount=Decimal("1234.50"),
                   signed_on=date(2026, 10, 31))
    facts = inputs.from_deal_won(deal, uuid.uuid4())
    assert [(f.kind, f.value, f.period) for f in facts] == [
        (Source.SALES_AMOUNT, Decimal("1234.50"), "2026-10"), (Source.CONTRACTS_SIGNED, Decimal(1), "2026-10")]


def test_an_effective_call_counts_as_a_dial_and_a_conversation():
    call = CallLogged(call_id="c-1", agent_id=REP, started_at=datetime(2026, 10, 5, 2, tzinfo=UTC),
                      call_date=date(2026, 10, 5), duration_seconds=90, connected=True, disposition="intent",
                      effective=True)
    assert [f.kind for f in inputs.from_call_logged(call, uuid.uuid4(), policy())] == [
        Source.CALLS_DIALLED, Source.EFFECTIVE_CONVERSATIONS, Source.INTENT_CUSTOMERS]
    ineffective = call.model_copy(update={"effective": False, "disposition": "no_answer"})
    assert [f.kind for f in inputs.from_call_logged(ineffective, uuid.uuid4(), policy())] == [Source.CALLS_DIALLED]


def test_an_intent_customer_counts_once_per_lead_and_month():
    lead = uuid.uuid4()
    first = CallLogged(call_id="c-1", agent_id=REP, lead_id=lead, started_at=datetime(2026, 10, 5, 2, tzinfo=UTC),
                       call_date=date(2026, 10, 5), duration_seconds=90, connected=True, disposition="intent",
                       effective=True)
    again = first.model_copy(update={"call_id": "c-2", "call_date": date(2026, 10, 9)})
    intents = [f for call in (first, again) for f in inputs.from_call_logged(call, uuid.uuid4(), policy())
               if f.kind == Source.INTENT_CUSTOMERS]
    assert len({f.source_id for f in intents}) == 1
    # The dispositions that count are the company's.
    assert [f.kind for f in inputs.from_call_logged(first, uuid.uuid4(), policy(intent_dispositions=frozenset()))
            ] == [Source.CALLS_DIALLED, Source.EFFECTIVE_CONVERSATIONS]


def test_a_deals_profit_is_measured_when_crm_knows_it():
    deal = DealWon(deal_id=uuid.uuid4(), customer_id=uuid.uuid4(), rep_id=REP, amount=Decimal("1000"),
                   cost=Decimal("600.25"), signed_on=date(2026, 10, 31))
    assert [(f.kind, f.value) for f in inputs.from_deal_won(deal, uuid.uuid4())][-1] == (
        Source.SALES_PROFIT, Decimal("399.75"))
    stated = deal.model_copy(update={"profit": Decimal("100"), "cost": None})
    assert [(f.kind, f.value) for f in inputs.from_deal_won(stated, uuid.uuid4())][-1] == (
        Source.SALES_PROFIT, Decimal("100"))


def test_refunds_and_cancellations_count_back_in_their_own_month():
    refund = PaymentRefunded(refund_id=uuid.uuid4(), payment_id=uuid.uuid4(), deal_id=uuid.uuid4(), rep_id=REP,
                             amount=Decimal("50"), refunded_on=date(2026, 11, 2), reason="r", recorded_by=REP)
    [fact] = inputs.from_payment_refunded(refund, uuid.uuid4())
    assert (fact.period, fact.kind, fact.value) == ("2026-11", Source.COLLECTIONS, Decimal("-50"))
    cancelled = DealCancelled(deal_id=uuid.uuid4(), rep_id=REP, amount=Decimal("900"), cancelled_on=date(2026, 12, 1),
                              reason="r", cancelled_by=REP)
    assert [(f.period, f.kind, f.value) for f in inputs.from_deal_cancelled(cancelled, uuid.uuid4())] == [
        ("2026-12", Source.SALES_AMOUNT, Decimal("-900")), ("2026-12", Source.CONTRACTS_SIGNED, Decimal("-1"))]
