"""The org directory replica: built from org events, unmoved by late or repeated ones."""

from __future__ import annotations

import uuid
from datetime import date

from shared import directory
from shared.events import CloudEvent
from shared.events.org import EmployeeHired, EmployeeLeft, EmployeeTransferred, GroupCreated, GroupLeaderChanged

DEPARTMENT, GROUP_A, GROUP_B = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


async def apply(harness, *events) -> None:
    for event in events:
        envelope = CloudEvent.wrap(event, source="/org")
        async with harness.uow() as uow:
            await directory.DIRECTORY_HANDLERS[event.event_type](envelope, uow, harness.bus)
            await uow.commit()


async def read_employee(harness, employee_id):
    async with harness.sessions() as session:
        return await directory.employee(session, employee_id)


def transfer(employee_id, on: date, to_group, to_role="sales_rep") -> EmployeeTransferred:
    return EmployeeTransferred(employee_id=employee_id, effective_date=on, from_department_id=DEPARTMENT,
                               to_department_id=DEPARTMENT, from_role="sales_rep", to_role=to_role,
                               to_group_id=to_group)


async def test_a_hire_then_a_transfer_is_reflected(harness):
    rep = uuid.uuid4()
    await apply(harness,
                EmployeeHired(employee_id=rep, name="Li Na", role="sales_rep", department_id=DEPARTMENT,
                              group_id=GROUP_A, hired_on=date(2026, 1, 5)),
                transfer(rep, date(2026, 6, 1), GROUP_B))
    replica = await read_employee(harness, rep)
    assert (replica.name, replica.group_id, replica.status) == ("Li Na", GROUP_B, "active")
    async with harness.sessions() as session:
        assert [m.employee_id for m in await directory.group_members(session, GROUP_B)] == [rep]
        assert await directory.group_members(session, GROUP_A) == []


async def test_an_older_change_arriving_late_does_not_overwrite_a_newer_one(harness):
    rep = uuid.uuid4()
    await apply(harness,
                EmployeeHired(employee_id=rep, name="Zhou", role="sales_rep", department_id=DEPARTMENT,
                              group_id=GROUP_A, hired_on=date(2026, 1, 5)),
                transfer(rep, date(2026, 9, 1), GROUP_B, to_role="group_leader"),
                transfer(rep, date(2026, 3, 1), GROUP_A))
    replica = await read_employee(harness, rep)
    assert (replica.group_id, replica.role) == (GROUP_B, "group_leader")


async def test_a_leaver_is_no_longer_a_member(harness):
    rep = uuid.uuid4()
    await apply(harness,
                EmployeeHired(employee_id=rep, name="Sun", role="telesales_agent", department_id=DEPARTMENT,
                              group_id=GROUP_A, hired_on=date(2026, 1, 5)),
                EmployeeLeft(employee_id=rep, left_on=date(2026, 10, 31), department_id=DEPARTMENT))
    assert not (await read_employee(harness, rep)).is_employed
    async with harness.sessions() as session:
        assert await directory.group_members(session, GROUP_A) == []


async def test_a_leader_change_that_overtakes_the_group_creation_is_kept(harness):
    first, second = uuid.uuid4(), uuid.uuid4()
    await apply(harness,
                GroupLeaderChanged(group_id=GROUP_A, previous_leader_id=first, leader_id=second,
                                   effective_date=date(2026, 5, 1)),
                GroupCreated(group_id=GROUP_A, name="East 1", department_id=DEPARTMENT, leader_id=first))
    async with harness.sessions() as session:
        group = await directory.group(session, GROUP_A)
    assert (group.name, group.department_id, group.leader_id) == ("East 1", DEPARTMENT, second)
