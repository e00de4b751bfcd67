"""Use cases through the in-memory unit of work: what they change, what they announce, and that
a refusal leaves nothing behind."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from crm_fakes import FakeUnitOfWork, fake_bus

from crm.domain.dedupe import OnDuplicate
from crm.domain.model import LeadStatus
from crm.service_layer import commands
from crm.service_layer.unit_of_work import CrmBus as Bus
from shared.auth import Principal, Role
from shared.clock import FixedClock
from shared.directory import DirectoryEmployee, DirectoryGroup
from shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from shared.testing import principal

SALES, EAST, WEST = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


class Company:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.manager = self.person(Role.DEPARTMENT_MANAGER)
        self.leader = self.person(Role.GROUP_LEADER, EAST)
        self.west_leader = self.person(Role.GROUP_LEADER, WEST)
        self.reps = [self.person(Role.SALES_REP, EAST, name) for name in ("Wang Wei", "Li Na", "Sun Li")]
        self.assistant_in_group = self.person(Role.SALES_ASSISTANT, EAST)
        self.finance = self.person(Role.FINANCE, None)
        uow.store.groups[EAST] = DirectoryGroup(EAST, "East", SALES, self.leader.employee_id)
        uow.store.groups[WEST] = DirectoryGroup(WEST, "West", SALES, self.west_leader.employee_id)

    def person(self, role: str, group_id: uuid.UUID | None = None, name: str = "Someone") -> Principal:
        person = principal(role, group_id=group_id, department_id=SALES)
        self.uow.store.employees[person.employee_id] = DirectoryEmployee(
            employee_id=person.employee_id, name=name, role=role, status="active", department_id=SALES,
            group_id=group_id, manager_id=None)
        return person


@pytest.fixture
def uow(clock: FixedClock) -> FakeUnitOfWork:
    return FakeUnitOfWork(clock=clock)


@pytest.fixture
def company(uow: FakeUnitOfWork) -> Company:
    return Company(uow)


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> Bus:
    return fake_bus(uow, rep_open_lead_cap=2)


async def new_lead(bus: Bus, company: Company, phone: str, **more):
    return await bus.handle(commands.CreateLead(by=company.manager, name="Customer", source="marketing", phone=phone,
                                                **more))


async def pooled(bus: Bus, company: Company, count: int) -> list[uuid.UUID]:
    ids = []
    for index in range(count):
        outcome = await new_lead(bus, company, f"1380000{index:04d}")
        await bus.handle(commands.AssignLeadToGroup(by=company.manager, lead_id=outcome.lead.id, group_id=EAST))
        ids.append(outcome.lead.id)
    return ids


class TestLeads:
    async def test_a_duplicate_is_refused_naming_the_owner_and_leaves_nothing(
            self, bus: Bus, company: Company, uow: FakeUnitOfWork) -> None:
        [lead_id] = await pooled(bus, company, 1)
        await bus.handle(commands.AssignLeadToRep(by=company.leader, lead_id=lead_id,
                                                  rep_id=company.reps[0].employee_id))
        published = len(uow.published)

        with pytest.raises(Conflict) as refused:
            await new_lead(bus, company, "+86 138 0000 0000")

        assert refused.value.extra["owner"] == "Wang **"
        assert len(uow.store.leads) == 1 and len(uow.published) == published

    async def test_linking_adds_a_lead_to_the_known_customer(self, bus: Bus, company: Company,
                                                             uow: FakeUnitOfWork) -> None:
        first = await new_lead(bus, company, "13800000000")
        linked = await new_lead(bus, company, "0086 13800000000", on_duplicate=OnDuplicate.LINK)
        assert linked.linked and linked.customer.id == first.customer.id
        assert len(uow.store.customers) == 1 and len(uow.store.leads) == 2

    async def test_an_import_keeps_each_valid_row_and_reports_the_rest(self, bus: Bus, company: Company,
                                                                       uow: FakeUnitOfWork) -> None:
        rows = [commands.ImportRow(2, {"name": "A", "phone": "13800000001"}),
                commands.ImportRow(3, {"name": "B", "phone": "bad"}),
                commands.ImportRow(4, {"name": "C", "phone": "13800000001"})]
        report = await bus.handle(commands.ImportLeads(by=company.manager, rows=rows, default_source="exhibition"))
        assert [row for row, _ in report.created] == [2]
        assert [(r.row, r.field) for r in report.refused] == [(3, "phone"), (4, "phone")]
        assert uow.published_types() == ["crm.lead.created.v1"]


class TestDistribution:
    async def test_round_robin_respects_cap_and_rotation_and_skips_non_selling_members(
            self, bus: Bus, company: Company, uow: FakeUnitOfWork) -> None:
        leads = await pooled(bus, company, 7)
        report = await bus.handle(commands.DistributeGroupLeads(by=company.leader, group_id=EAST))

        reps = [a.to_id for a in report.assigned]
        assert sorted(reps.count(r.employee_id) for r in company.reps) == [2, 2, 2]
        assert company.assistant_in_group.employee_id not in reps
        assert report.left_over == [leads[-1]]
        assert uow.published_types().count("crm.lead.assigned.v1") == 7 + 6

    async def test_the_hand_assigned_rep_goes_to_the_back_of_the_queue(self, bus: Bus, company: Company) -> None:
        leads = await pooled(bus, company, 3)
        by_hand = company.reps[2].employee_id
        await bus.handle(commands.AssignLeadToRep(by=company.leader, lead_id=leads[0], rep_id=by_hand))
        report = await bus.handle(commands.DistributeGroupLeads(by=company.leader, group_id=EAST))
        assert by_hand not in [a.to_id for a in report.assigned]

    async def test_the_default_strategy_comes_from_the_settings_and_every_assignment_says_why(
            self, company: Company, uow: FakeUnitOfWork) -> None:
        bus = fake_bus(uow, rep_open_lead_cap=5, distribution_strategy="least_loaded")
        leads = await pooled(bus, company, 3)
        await bus.handle(commands.AssignLeadToRep(by=company.leader, lead_id=leads[0],
                                                  rep_id=company.reps[0].employee_id))
        report = await bus.handle(commands.DistributeGroupLeads(by=company.leader, group_id=EAST))
        assert report.strategy.value == "least_loaded"
        assert company.reps[0].employee_id not in [a.to_id for a in report.assigned], "Wang holds one already"
        reasons = [envelope.data["reason"] for envelope in uow.published
                   if envelope.type == "crm.lead.assigned.v1"]
        assert len(reasons) == 3 + 1 + 2 and all(reasons)
        assert reasons[3] == "by hand: Wang Wei held 0 open leads, cap 5"
        assert [a.reason for a in uow.store.assignments] == reasons

    async def test_a_leader_cannot_hand_out_another_groups_leads(self, bus: Bus, company: Company) -> None:
        await pooled(bus, company, 1)
        with pytest.raises(Forbidden):
            await bus.handle(commands.DistributeGroupLeads(by=company.west_leader, group_id=EAST))

    async def test_a_rep_outside_the_group_is_refused(self, bus: Bus, company: Company, uow: FakeUnitOfWork) -> None:
        [lead_id] = await pooled(bus, company, 1)
        with pytest.raises(RuleViolation):
            await bus.handle(commands.AssignLeadToRep(by=company.leader, lead_id=lead_id,
                                                      rep_id=company.west_leader.employee_id))
        assert uow.store.leads[lead_id].status is LeadStatus.IN_GROUP


class TestDealsAndPayments:
    async def test_a_deal_then_payments_up_to_the_amount(self, bus: Bus, company: Company,
                                                         uow: FakeUnitOfWork, clock: FixedClock) -> None:
        [lead_id] = await pooled(bus, company, 1)
        rep = company.reps[1]
        await bus.handle(commands.AssignLeadToRep(by=company.leader, lead_id=lead_id, rep_id=rep.employee_id))
        signed_on = clock.today() - timedelta(days=1)
        deal = await bus.handle(commands.RecordDeal(by=rep, lead_id=lead_id, amount=Decimal("500"),
                                                    cost=Decimal("120.10"), signed_on=signed_on))
        won = uow.published[-1]
        assert (won.type, won.data["profit"], won.data["group_id"]) == ("crm.deal.won.v1", "379.90", str(EAST))

        await bus.handle(commands.RecordPayment(by=company.finance, deal_id=deal.id, amount=Decimal("450"),
                                                received_on=clock.today()))
        with pytest.raises(RuleViolation) as refused:
            await bus.handle(commands.RecordPayment(by=company.finance, deal_id=deal.id, amount=Decimal("60"),
                                                    received_on=clock.today()))
        assert refused.value.extra["outstanding"] == "50.00"
        assert [p.amount for p in uow.store.payments] == [Decimal("450.00")]
        assert uow.published_types()[-2:] == ["crm.deal.won.v1", "crm.payment.received.v1"]

    async def test_the_rep_cannot_book_a_payment(self, bus: Bus, company: Company, clock: FixedClock) -> None:
        with pytest.raises(Forbidden):
            await bus.handle(commands.RecordPayment(by=company.reps[0], deal_id=uuid.uuid4(), amount=Decimal("1"),
                                                    received_on=clock.today()))


class TestTheCompanysToday:
    """"Not in the future" is the company's date: at 00:30 in Beijing on 1 March, UTC still says
    28 February, and a deal or payment dated 1 March is today's, not tomorrow's."""

    @pytest.fixture
    def clock(self) -> FixedClock:
        clock = FixedClock.at_local("2027-03-01 00:30")
        assert clock.now().isoformat() == "2027-02-28T16:30:00+00:00"
        return clock

    async def test_a_deal_and_a_payment_dated_the_companys_today_are_accepted_before_eight_in_beijing(
            self, bus: Bus, company: Company, uow: FakeUnitOfWork, clock: FixedClock) -> None:
        [lead_id] = await pooled(bus, company, 1)
        rep = company.reps[0]
        await bus.handle(commands.AssignLeadToRep(by=company.leader, lead_id=lead_id, rep_id=rep.employee_id))
        today = clock.today()
        assert today.isoformat() == "2027-03-01" and clock.now().date().isoformat() == "2027-02-28"

        deal = await bus.handle(commands.RecordDeal(by=rep, lead_id=lead_id, amount=Decimal("500"), signed_on=today))
        await bus.handle(commands.RecordPayment(by=company.finance, deal_id=deal.id, amount=Decimal("100"),
                                                received_on=today))

        assert deal.signed_on == today
        assert [p.received_on for p in uow.store.payments] == [today]
        assert uow.published_types()[-2:] == ["crm.deal.won.v1", "crm.payment.received.v1"]

    async def test_a_deal_and_a_payment_dated_the_companys_tomorrow_are_refused(
            self, bus: Bus, company: Company, uow: FakeUnitOfWork, clock: FixedClock) -> None:
        [lead_id] = await pooled(bus, company, 1)
        rep = company.reps[0]
        await bus.handle(commands.AssignLeadToRep(by=company.leader, lead_id=lead_id, rep_id=rep.employee_id))
        tomorrow = clock.today() + timedelta(days=1)
        assert tomorrow.isoformat() == "2027-03-02"

        with pytest.raises(InvalidInput) as refused_deal:
            await bus.handle(commands.RecordDeal(by=rep, lead_id=lead_id, amount=Decimal("500"), signed_on=tomorrow))
        assert refused_deal.value.extra["errors"][0]["field"] == "signed_on"
        assert uow.store.deals == {}

        deal = await bus.handle(commands.RecordDeal(by=rep, lead_id=lead_id, amount=Decimal("500"),
                                                    signed_on=clock.today()))
        with pytest.raises(InvalidInput) as refused_payment:
            await bus.handle(commands.RecordPayment(by=company.finance, deal_id=deal.id, amount=Decimal("100"),
                                                    received_on=tomorrow))
        assert refused_payment.value.extra["errors"][0]["field"] == "received_on"
        assert uow.store.payments == []
