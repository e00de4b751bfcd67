"""The caller's data scope as the org service applies it, checked against shared.auth's rule."""

from __future__ import annotations

import itertools
import uuid
from datetime import date

import pytest

from org.domain.model import Employee, SalesGroup
from org.service_layer.access import ensure_may_grant_role, visibility_of
from shared.auth import Principal, Role
from shared.errors import Forbidden

SALES, TELESALES = uuid.uuid4(), uuid.uuid4()
EAST, WEST = uuid.uuid4(), uuid.uuid4()
ME = uuid.uuid4()

PRINCIPALS = [
    Principal(employee_id=ME, roles=frozenset({role}), group_id=EAST, department_id=SALES)
    for role in (Role.SALES_REP, Role.GROUP_LEADER, Role.DEPARTMENT_MANAGER, Role.SUPERVISOR, Role.HR, Role.ADMIN,
                 Role.FINANCE, Role.TELESALES_AGENT)
] + [Principal(employee_id=ME, roles=frozenset({Role.SALES_REP, Role.GROUP_LEADER}), group_id=WEST,
               department_id=TELESALES)]

EMPLOYEES = [
    Employee(id=employee_id, name="x", role=Role.SALES_REP, department_id=department_id, group_id=group_id,
             hired_on=date(2025, 1, 6))
    for employee_id, department_id, group_id in itertools.product(
        (ME, uuid.uuid4()), (SALES, TELESALES), (EAST, WEST, None))
]


@pytest.mark.parametrize("principal", PRINCIPALS, ids=lambda p: "+".join(sorted(p.roles)))
def test_employee_visibility_agrees_with_principal_may_see(principal: Principal) -> None:
    visibility = visibility_of(principal)
    for employee in EMPLOYEES:
        expected = principal.may_see(employee_id=employee.id, group_id=employee.group_id,
                                     department_id=employee.department_id)
        assert visibility.sees_employee(employee) == expected, employee


def test_a_rep_sees_their_own_group_and_department_but_not_others() -> None:
    rep = visibility_of(PRINCIPALS[0])
    assert rep.sees_department(SALES) and not rep.sees_department(TELESALES)
    assert rep.sees_group(SalesGroup(id=EAST, name="East", department_id=SALES, leader_id=uuid.uuid4()))
    assert not rep.sees_group(SalesGroup(id=WEST, name="West", department_id=SALES, leader_id=uuid.uuid4()))
    assert not rep.sees_headcount(SALES)


def test_a_department_manager_sees_every_group_and_the_headcount_of_their_department_only() -> None:
    manager = visibility_of(PRINCIPALS[2])
    assert manager.sees_group(SalesGroup(id=WEST, name="West", department_id=SALES, leader_id=uuid.uuid4()))
    assert manager.sees_headcount(SALES) and not manager.sees_headcount(TELESALES)


def test_only_an_admin_may_grant_the_admin_role() -> None:
    hr = Principal(employee_id=ME, roles=frozenset({Role.HR}))
    admin = Principal(employee_id=ME, roles=frozenset({Role.ADMIN}))
    ensure_may_grant_role(hr, Role.SALES_REP)
    ensure_may_grant_role(admin, Role.ADMIN)
    with pytest.raises(Forbidden):
        ensure_may_grant_role(hr, Role.ADMIN)
