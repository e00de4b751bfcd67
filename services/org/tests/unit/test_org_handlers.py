"""Use cases through the in-memory unit of work: what they change, what they announce, and that
a refusal leaves nothing behind."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from org_fakes import FakeOrgUnitOfWork, Org

from org.domain.model import EmployeeStatus
from org.service_layer import commands
from org.service_layer.unit_of_work import OrgBus
from shared.clock import FixedClock
from shared.errors import Conflict, InvalidInput, NotFound, RuleViolation, Unauthorized


def transfer(org: Org, employee_id, effective_date: date | None = None, **changes) -> commands.TransferEmployee:
    """A transfer dated, unless told otherwise, some months after the helper's hires and before today."""
    return commands.TransferEmployee(employee_id=employee_id, effective_date=effective_date or org.after_hire(147),
                                     **changes)


class TestHiring:
    async def test_hire_within_plan_records_the_employee_their_first_assignment_and_an_event(
            self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        hired = await org.hire("Li Lei")

        assert org.employee(hired.id).status == EmployeeStatus.ACTIVE
        history = await self.history(uow, hired.id)
        assert [(a.valid_from, a.valid_to, a.reason) for a in history] == [(org.hired_on, None, "hired")]
        assert uow.published_types() == ["org.employee.hired.v1"]
        assert uow.published[0].data["department_id"] == str(org.sales.id)

    async def test_hire_beyond_plan_is_refused(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        await org.plan("sales_assistant", 1)
        await org.hire("First assistant", role="sales_assistant")
        uow.published.clear()

        with pytest.raises(RuleViolation) as refused:
            await org.hire("Second assistant", role="sales_assistant")

        assert (refused.value.extra["planned"], refused.value.extra["filled"]) == (1, 1)
        assert [e.name for e in uow.store.employees.values()] == ["First assistant"]
        assert uow.published == []

    async def test_a_role_without_a_plan_cannot_be_hired(self, org: Org) -> None:
        with pytest.raises(RuleViolation):
            await org.hire("Finance clerk", role="finance")

    async def test_raising_the_plan_makes_room_for_the_hire(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        await org.plan("sales_assistant", 1)
        await org.hire("First assistant", role="sales_assistant")
        await org.plan("sales_assistant", 2)

        await org.hire("Second assistant", role="sales_assistant")

        assert len(uow.store.employees) == 2

    async def test_a_leaver_frees_their_position(self, org: Org) -> None:
        await org.plan("sales_assistant", 1)
        first = await org.hire("First assistant", role="sales_assistant")
        await org.bus.handle(commands.RecordLeaving(employee_id=first.id, left_on=org.after_hire(54)))

        await org.hire("Second assistant", role="sales_assistant")

    async def test_an_unknown_group_is_not_found_naming_the_field(self, org: Org) -> None:
        command = commands.HireEmployee(name="Nobody", role="sales_rep", department_id=org.telesales.id,
                                        hired_on=org.hired_on, group_id=org.sales.id)
        with pytest.raises(NotFound) as missing:
            await org.bus.handle(command)
        assert missing.value.extra["field"] == "group_id"

    async def test_a_group_of_another_department_is_invalid(self, org: Org) -> None:
        leader = await org.hire("Leader", role="group_leader")
        east = await org.group("East", leader)
        with pytest.raises(InvalidInput) as invalid:
            await org.hire("Agent", role="telesales_agent", department=org.telesales, group_id=east.id)
        assert invalid.value.extra["errors"][0]["field"] == "group_id"

    async def test_a_member_of_a_regional_group_sits_in_that_region(self, org: Org) -> None:
        north = await org.bus.handle(commands.CreateRegion(department_id=org.sales.id, name="North"))
        leader = await org.hire("Leader", role="group_leader")
        group = await org.group("North 1", leader, region_id=north.id)

        member = await org.hire("Member", group_id=group.id)

        assert org.employee(member.id).region_id == north.id
        assert org.employee(leader.id).region_id == north.id

    async def test_a_duplicate_login_is_refused_naming_its_holder(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        holder = await org.hire("Li Lei", login="lilei", password="correct horse")
        with pytest.raises(Conflict) as refused:
            await org.hire("Li Lei (2)", login="LiLei", password="battery staple")
        assert refused.value.extra["conflicting_employee_id"] == str(holder.id)
        assert len(uow.store.employees) == 1

    async def test_a_login_needs_a_password(self, org: Org) -> None:
        with pytest.raises(InvalidInput) as invalid:
            await org.hire("Li Lei", login="lilei")
        assert invalid.value.extra["errors"][0]["field"] == "password"

    async def history(self, uow: FakeOrgUnitOfWork, employee_id):
        async with uow:
            return await uow.assignments.history(employee_id)


class TestReportingLines:
    async def test_cycle_in_reporting_line_is_refused(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        manager = await org.hire("Manager", role="department_manager")
        rep = await org.hire("Rep", manager_id=manager.id)
        uow.published.clear()

        with pytest.raises(RuleViolation) as refused:
            await org.bus.handle(transfer(org, manager.id, to_manager_id=rep.id))

        assert refused.value.extra["cycle"] == [str(manager.id), str(rep.id), str(manager.id)]
        assert org.employee(manager.id).manager_id is None
        assert uow.published == []
        assert uow.reporting_lines_locked

    async def test_a_manager_who_left_cannot_take_new_reports(self, org: Org) -> None:
        manager = await org.hire("Manager", role="department_manager")
        await org.bus.handle(commands.RecordLeaving(employee_id=manager.id, left_on=org.after_hire(26)))
        with pytest.raises(InvalidInput) as invalid:
            await org.hire("Rep", manager_id=manager.id)
        assert invalid.value.extra["errors"][0]["field"] == "manager_id"


class TestTransfers:
    async def test_a_transfer_keeps_the_past_and_opens_a_new_assignment(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        rep = await org.hire("Rep")
        uow.published.clear()

        await org.bus.handle(
            transfer(org, rep.id, to_department_id=org.telesales.id, to_role="telesales_agent", reason="phone work"))

        moved = org.employee(rep.id)
        assert (moved.department_id, moved.role) == (org.telesales.id, "telesales_agent")
        async with uow:
            history = await uow.assignments.history(rep.id)
        assert [(a.placement.role, a.valid_from, a.valid_to) for a in history] == [
            ("sales_rep", org.hired_on, org.after_hire(147)),
            ("telesales_agent", org.after_hire(147), None),
        ]
        assert uow.published_types() == ["org.employee.transferred.v1"]
        assert uow.published[0].data["from_role"] == "sales_rep"
        assert uow.published[0].data["to_department_id"] == str(org.telesales.id)

    async def test_a_transfer_dated_before_the_current_assignment_is_refused(self, org: Org) -> None:
        rep = await org.hire("Rep")
        with pytest.raises(InvalidInput) as invalid:
            await org.bus.handle(transfer(org, rep.id, org.hired_on - timedelta(days=1), to_role="group_leader"))
        assert invalid.value.extra["errors"][0]["field"] == "effective_date"
        assert org.employee(rep.id).role == "sales_rep"

    async def test_a_future_dated_transfer_is_refused(self, org: Org) -> None:
        rep = await org.hire("Rep")
        tomorrow = org.today + timedelta(days=1)
        with pytest.raises(InvalidInput):
            await org.bus.handle(transfer(org, rep.id, tomorrow, to_role="group_leader"))

    async def test_moving_department_leaves_the_old_group(self, org: Org) -> None:
        leader = await org.hire("Leader", role="group_leader")
        east = await org.group("East", leader)
        rep = await org.hire("Rep", group_id=east.id)

        await org.bus.handle(transfer(org, rep.id, to_department_id=org.telesales.id, to_role="telesales_agent"))

        assert org.employee(rep.id).group_id is None

    async def test_a_transfer_into_a_full_position_is_refused(self, org: Org) -> None:
        await org.hire("Manager", role="department_manager")
        rep = await org.hire("Rep")
        with pytest.raises(RuleViolation) as refused:
            await org.bus.handle(transfer(org, rep.id, to_role="department_manager"))
        assert refused.value.extra["planned"] == 1

    async def test_retraining_is_a_transfer_that_keeps_the_position(self, org: Org) -> None:
        rep = await org.hire("Rep")
        await org.bus.handle(transfer(org, rep.id, to_status=EmployeeStatus.RETRAINING))
        assert org.employee(rep.id).status == EmployeeStatus.RETRAINING

    async def test_a_transfer_that_changes_nothing_is_invalid(self, org: Org) -> None:
        rep = await org.hire("Rep")
        with pytest.raises(InvalidInput):
            await org.bus.handle(transfer(org, rep.id, to_role="sales_rep"))


class TestGroups:
    async def test_group_has_exactly_one_leader_who_is_a_member(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        leader = await org.hire("Leader", role="group_leader")
        uow.published.clear()

        east = await org.group("East", leader)

        assert uow.store.groups[east.id].leader_id == leader.id
        assert org.employee(leader.id).group_id == east.id
        assert uow.published_types() == ["org.group.created.v1", "org.employee.transferred.v1"]

    async def test_a_second_group_for_the_same_leader_is_refused(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        leader = await org.hire("Leader", role="group_leader")
        east = await org.group("East", leader)
        uow.published.clear()

        with pytest.raises(RuleViolation) as refused:
            await org.group("West", leader)

        assert refused.value.extra["conflicting_group_id"] == str(east.id)
        assert [g.name for g in uow.store.groups.values()] == ["East"]
        assert uow.published == []

    async def test_changing_the_leader_keeps_the_previous_one_as_member(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        first = await org.hire("First", role="group_leader")
        second = await org.hire("Second", role="group_leader")
        east = await org.group("East", first)
        uow.published.clear()

        # A group created today has had its leader since today; the change cannot predate that.
        today = org.today
        await org.bus.handle(commands.ChangeGroupLeader(group_id=east.id, leader_id=second.id, effective_date=today))

        assert uow.store.groups[east.id].leader_id == second.id
        assert org.employee(first.id).group_id == east.id
        assert org.employee(second.id).group_id == east.id
        assert uow.published_types() == ["org.group.leader_changed.v1", "org.employee.transferred.v1"]
        assert uow.published[0].data["previous_leader_id"] == str(first.id)
        terms = sorted(uow.store.terms.values(), key=lambda t: t.valid_from)
        assert [(t.leader_id, t.valid_to) for t in terms] == [(first.id, today), (second.id, None)]

    async def test_the_leader_of_another_group_cannot_be_appointed(self, org: Org) -> None:
        first = await org.hire("First", role="group_leader")
        second = await org.hire("Second", role="group_leader")
        east = await org.group("East", first)
        west = await org.group("West", second)

        with pytest.raises(RuleViolation) as refused:
            await org.bus.handle(
                commands.ChangeGroupLeader(group_id=east.id, leader_id=second.id, effective_date=org.after_hire(85)))
        assert refused.value.extra["conflicting_group_id"] == str(west.id)

    async def test_appointing_the_current_leader_again_changes_nothing(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        leader = await org.hire("Leader", role="group_leader")
        east = await org.group("East", leader)
        uow.published.clear()

        await org.bus.handle(
            commands.ChangeGroupLeader(group_id=east.id, leader_id=leader.id, effective_date=org.after_hire(85)))

        assert uow.published == []

    async def test_a_leader_can_neither_leave_nor_be_moved_out_before_being_replaced(self, org: Org) -> None:
        leader = await org.hire("Leader", role="group_leader")
        east = await org.group("East", leader)

        with pytest.raises(RuleViolation) as refused:
            await org.bus.handle(commands.RecordLeaving(employee_id=leader.id, left_on=org.after_hire(115)))
        assert refused.value.extra["led_group_id"] == str(east.id)
        with pytest.raises(RuleViolation):
            await org.bus.handle(transfer(org, leader.id, to_group_id=None))
        assert org.employee(leader.id).status == EmployeeStatus.ACTIVE


class TestHeadcountPlans:
    async def test_a_plan_change_announces_the_previous_value(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        await org.plan("sales_rep", 12)
        assert uow.published_types() == ["org.headcount.plan_changed.v1"]
        assert (uow.published[0].data["planned"], uow.published[0].data["previous"]) == (12, 10)

    async def test_setting_the_same_plan_again_announces_nothing(self, org: Org, uow: FakeOrgUnitOfWork) -> None:
        await org.plan("sales_rep", 10)
        assert uow.published == []


class TestCredentials:
    async def test_a_leader_logs_in_with_the_group_leader_scope(self, org: Org) -> None:
        leader = await org.hire("Leader", role="sales_rep", login="leader", password="correct horse")
        east = await org.group("East", leader)

        verified = await org.bus.handle(commands.VerifyCredentials(login="Leader", password="correct horse"))

        assert verified.employee.id == leader.id
        assert verified.roles == ("group_leader", "sales_rep")
        assert verified.employee.group_id == east.id

    async def test_a_wrong_password_or_unknown_login_is_refused_alike(self, org: Org) -> None:
        await org.hire("Rep", login="rep", password="correct horse")
        for login, password in (("rep", "wrong horse"), ("nobody", "correct horse")):
            with pytest.raises(Unauthorized) as refused:
                await org.bus.handle(commands.VerifyCredentials(login=login, password=password))
            assert refused.value.detail == "the login or the password is wrong"

    async def test_someone_who_left_cannot_log_in(self, org: Org) -> None:
        rep = await org.hire("Rep", login="rep", password="correct horse")
        await org.bus.handle(commands.RecordLeaving(employee_id=rep.id, left_on=org.after_hire(115)))
        with pytest.raises(Unauthorized):
            await org.bus.handle(commands.VerifyCredentials(login="rep", password="correct horse"))

    async def test_seeding_the_administrator_twice_creates_it_once(self, bus: OrgBus, uow: FakeOrgUnitOfWork) -> None:
        seed = commands.SeedAdministrator(login="admin", password="first start", name="Root")

        first = await bus.handle(seed)
        second = await bus.handle(seed)

        assert (first.created, second.created) == (True, False)
        assert first.employee.id == second.employee.id
        assert len(uow.store.employees) == len(uow.store.departments) == 1
        assert sorted(uow.published_types()) == [
            "org.department.created.v1", "org.employee.hired.v1", "org.headcount.plan_changed.v1"]


    async def test_the_last_administrator_can_neither_leave_nor_lose_the_role(self, bus: OrgBus, org: Org) -> None:
        root = (await bus.handle(commands.SeedAdministrator(login="admin", password="first start"))).employee
        for change in (commands.RecordLeaving(employee_id=root.id, left_on=org.today),
                       commands.TransferEmployee(employee_id=root.id, effective_date=org.today, to_role="hr")):
            with pytest.raises(RuleViolation) as refused:
                await bus.handle(change)
            assert "last current administrator" in refused.value.detail
        assert org.employee(root.id).is_employed and org.employee(root.id).role == "admin"

        # With a second admin (seeding makes room in the plan), the first may go.
        second = await bus.handle(commands.SeedAdministrator(login="admin2", password="second start"))
        assert second.created and second.department.id == root.department_id
        await bus.handle(commands.RecordLeaving(employee_id=root.id, left_on=org.today))
        with pytest.raises(RuleViolation):
            await bus.handle(commands.RecordLeaving(employee_id=second.employee.id, left_on=org.today))


class TestTheCompanysDate:
    """Business dates are the company's (Asia/Shanghai), not UTC's nor the server's."""

    async def test_a_leaving_dated_on_the_companys_today_is_accepted_while_utc_is_still_on_yesterday(
            self, org: Org, clock: FixedClock) -> None:
        clock.set(FixedClock.at_local("2027-03-01 00:30").now())  # 2027-02-28 16:30 UTC
        rep = await org.hire("Rep", hired_on=date(2027, 2, 1))

        with pytest.raises(InvalidInput) as refused:
            await org.bus.handle(commands.RecordLeaving(employee_id=rep.id, left_on=date(2027, 3, 2)))
        assert refused.value.extra["errors"][0]["field"] == "left_on"
        left = await org.bus.handle(commands.RecordLeaving(employee_id=rep.id, left_on=date(2027, 3, 1)))

        assert left.left_on == date(2027, 3, 1)

    async def test_the_administrator_is_hired_and_a_group_led_from_the_companys_today(
            self, org: Org, bus: OrgBus, clock: FixedClock) -> None:
        clock.set(FixedClock.at_local("2027-03-01 00:30").now())  # 2027-02-28 16:30 UTC
        leader = await org.hire("Leader", role="group_leader", hired_on=date(2027, 2, 1))

        seeded = await bus.handle(commands.SeedAdministrator(login="admin", password="first start"))
        east = await org.group("East", leader)

        assert seeded.employee.hired_on == date(2027, 3, 1)
        assert [t.valid_from for t in org.uow.store.terms.values() if t.group_id == east.id] == [date(2027, 3, 1)]
