"""After-sales follow-ups (C7) and the new-customer flag of a won deal (C8): the dates as rules, and the
deal's use case through the in-memory unit of work."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from crm_fakes import FakeUnitOfWork, fake_bus

from crm.config import CrmSettings
from crm.domain.aftersales import AfterSalesPolicy, after_sales_plan, require_window_open, second_due_after_first
from crm.domain.deals import DealStatus
from crm.service_layer import commands
from crm.service_layer import followup_commands as fu
from shared.auth import Role
from shared.clock import FixedClock
from shared.directory import DirectoryEmployee, DirectoryGroup
from shared.errors import InvalidInput, RuleViolation
from shared.testing import principal

SHANGHAI = ZoneInfo("Asia/Shanghai")
SALES, EAST = uuid.uuid4(), uuid.uuid4()


def test_the_first_is_due_by_the_end_of_the_seventh_day_and_the_second_seven_days_later() -> None:
    plan = after_sales_plan(date(2026, 3, 1), AfterSalesPolicy(), SHANGHAI)
    assert plan.first_from == date(2026, 3, 4)
    assert plan.first_due == datetime(2026, 3, 8, 23, 59, 59, tzinfo=SHANGHAI)
    assert plan.second_due == datetime(2026, 3, 15, 23, 59, 59, tzinfo=SHANGHAI)
    custom = after_sales_plan(date(2026, 3, 1), AfterSalesPolicy(first_from_days=1, first_within_days=2,
                                                                 second_within_days=3), SHANGHAI)
    assert (custom.first_due.day, custom.second_due.day) == (3, 6)


def test_the_second_is_within_n_days_of_when_the_first_was_done() -> None:
    assert second_due_after_first(date(2026, 3, 5), AfterSalesPolicy(), SHANGHAI) == datetime(
        2026, 3, 12, 23, 59, 59, tzinfo=SHANGHAI)


def test_no_after_sales_follow_up_is_done_before_the_first_window_opens() -> None:
    with pytest.raises(RuleViolation) as refused:
        require_window_open(date(2026, 3, 3), date(2026, 3, 1), AfterSalesPolicy())
    assert refused.value.status == 409
    assert refused.value.extra == {"field": "done_on", "done_on": "2026-03-03", "signed_on": "2026-03-01",
                                   "earliest_on": "2026-03-04"}
    assert "not before 2026-03-04" in refused.value.detail
    require_window_open(date(2026, 3, 4), date(2026, 3, 1), AfterSalesPolicy())
    require_window_open(date(2026, 3, 1), date(2026, 3, 1), AfterSalesPolicy(first_from_days=0))
    with pytest.raises(RuleViolation):
        require_window_open(date(2026, 3, 1), date(2026, 3, 1), AfterSalesPolicy(first_from_days=1))


def test_a_window_that_closes_before_it_opens_is_refused() -> None:
    with pytest.raises(InvalidInput):
        AfterSalesPolicy(first_from_days=8, first_within_days=7)
    with pytest.raises(ValueError):
        CrmSettings(after_sales_first_from_days=8, after_sales_first_within_days=7)
    with pytest.raises(ValueError):
        CrmSettings(after_sales_method="fax")


class Company:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.manager = self.person(Role.DEPARTMENT_MANAGER, None)
        self.leader = self.person(Role.GROUP_LEADER, EAST)
        self.rep = self.person(Role.SALES_REP, EAST)
        uow.store.groups[EAST] = DirectoryGroup(EAST, "East", SALES, self.leader.employee_id)

    def person(self, role: str, group_id):
        person = principal(role, group_id=group_id, department_id=SALES)
        self.uow.store.employees[person.employee_id] = DirectoryEmployee(
            employee_id=person.employee_id, name=role, role=role, status="active", department_id=SALES,
            group_id=group_id, manager_id=None)
        return person


async def held_lead(bus, company: Company, phone: str) -> uuid.UUID:
    outcome = await bus.handle(commands.CreateLead(by=company.manager, name="Customer", source="marketing",
                                                   phone=phone))
    await bus.handle(commands.AssignLeadToGroup(by=company.manager, lead_id=outcome.lead.id, group_id=EAST))
    await bus.handle(commands.AssignLeadToRep(by=company.leader, lead_id=outcome.lead.id,
                                              rep_id=company.rep.employee_id))
    return outcome.lead.id


async def test_a_won_deal_plans_two_after_sales_visits_and_only_the_first_deal_wins_a_new_customer(
        clock: FixedClock) -> None:
    uow = FakeUnitOfWork(clock=clock)
    bus, company = fake_bus(uow), Company(uow)
    lead_id = await held_lead(bus, company, "13800000001")
    signed_on = clock.today()
    deal = await bus.handle(commands.RecordDeal(by=company.rep, lead_id=lead_id, amount=Decimal("100"),
                                                signed_on=signed_on))
    assert uow.published[-1].data["new_customer"] is True

    first, second = sorted(uow.store.follow_ups.values(), key=lambda f: f.due_at)
    assert all((f.kind, f.deal_id, f.rep_id, f.method, f.lead_id) == ("after_sales", deal.id,
                                                                     company.rep.employee_id, "visit", lead_id)
               for f in (first, second))
    assert clock.date_of(first.due_at) == signed_on + timedelta(days=7)
    assert clock.date_of(second.due_at) == signed_on + timedelta(days=14)

    await bus.handle(commands.RecordDeal(by=company.rep, customer_id=deal.customer_id, amount=Decimal("50"),
                                         signed_on=signed_on))
    assert uow.published[-1].data["new_customer"] is False

    # The first done on day 3 (the lead is won, no longer held): the second is due within 7 days of it.
    clock.advance(timedelta(days=3))
    await bus.handle(fu.CompleteFollowUp(by=company.rep, follow_up_id=first.id, outcome="all installed"))
    retimed = uow.store.follow_ups[second.id]
    assert clock.date_of(retimed.due_at) == clock.today() + timedelta(days=7)
    assert uow.published_types()[-1] == "crm.followup.done.v1"


async def test_a_cancelled_first_deal_leaves_the_next_one_new(clock: FixedClock) -> None:
    uow = FakeUnitOfWork(clock=clock)
    bus, company = fake_bus(uow), Company(uow)
    lead_id = await held_lead(bus, company, "13800000002")
    deal = await bus.handle(commands.RecordDeal(by=company.rep, lead_id=lead_id, amount=Decimal("100"),
                                                signed_on=clock.today()))
    uow.store.deals[deal.id].status = DealStatus.CANCELLED
    await bus.handle(commands.RecordDeal(by=company.rep, customer_id=deal.customer_id, amount=Decimal("80"),
                                         signed_on=clock.today()))
    assert uow.published[-1].data["new_customer"] is True


async def test_an_after_sales_follow_up_before_day_three_is_refused_and_changes_nothing(clock: FixedClock) -> None:
    uow = FakeUnitOfWork(clock=clock)
    bus, company = fake_bus(uow), Company(uow)
    lead_id = await held_lead(bus, company, "13800000003")
    signed_on = clock.today()
    deal = await bus.handle(commands.RecordDeal(by=company.rep, lead_id=lead_id, amount=Decimal("100"),
                                                signed_on=signed_on))
    first, second = sorted(uow.store.follow_ups.values(), key=lambda f: f.due_at)
    published = len(uow.published)

    # The last minute of the company's second day after the sale: still too early, for either of them.
    clock.set(datetime.combine(signed_on + timedelta(days=2), time(23, 59), tzinfo=clock.timezone))
    for follow_up in (first, second):
        with pytest.raises(RuleViolation) as refused:
            await bus.handle(fu.CompleteFollowUp(by=company.rep, follow_up_id=follow_up.id, outcome="dropped by"))
        assert refused.value.extra["earliest_on"] == (signed_on + timedelta(days=3)).isoformat()
        assert refused.value.extra["field"] == "done_on"
    assert [(f.status, f.done_at, f.due_at) for f in (uow.store.follow_ups[first.id], uow.store.follow_ups[second.id])
            ] == [(first.status, None, first.due_at), (second.status, None, second.due_at)]
    assert len(uow.published) == published
    assert uow.store.deals[deal.id].signed_on == signed_on

    # From the first minute of day 3 on, it is done.
    clock.advance(timedelta(minutes=1))
    await bus.handle(fu.CompleteFollowUp(by=company.rep, follow_up_id=first.id, outcome="all installed"))
    assert uow.store.follow_ups[first.id].status == "done"


async def test_a_configured_first_day_moves_the_earliest_day(clock: FixedClock) -> None:
    uow = FakeUnitOfWork(clock=clock)
    bus, company = fake_bus(uow, after_sales_first_from_days=0), Company(uow)
    lead_id = await held_lead(bus, company, "13800000004")
    await bus.handle(commands.RecordDeal(by=company.rep, lead_id=lead_id, amount=Decimal("100"),
                                         signed_on=clock.today()))
    first, _ = sorted(uow.store.follow_ups.values(), key=lambda f: f.due_at)
    await bus.handle(fu.CompleteFollowUp(by=company.rep, follow_up_id=first.id, outcome="same day call"))
    assert uow.store.follow_ups[first.id].status == "done"
