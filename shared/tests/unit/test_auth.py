import uuid

import jwt
import pytest

from shared.auth import CachedPrincipalSource, Principal, Role, Standing, TokenCodec, principal_as_of, scope_of
from shared.errors import Unauthorized
from shared.testing import principal

GROUP, OTHER_GROUP = uuid.uuid4(), uuid.uuid4()
DEPARTMENT, OTHER_DEPARTMENT = uuid.uuid4(), uuid.uuid4()


def person(*roles: str, group=GROUP, department=DEPARTMENT) -> Principal:
    return Principal(employee_id=uuid.uuid4(), roles=frozenset(roles), group_id=group, department_id=department)


def test_a_token_carries_the_principal_and_its_scope():
    codec = TokenCodec("s" * 40, "issuer")
    leader = person(Role.GROUP_LEADER)
    token, ttl = codec.issue(leader)
    assert ttl == 3600
    assert codec.verify(token) == leader


def test_a_token_signed_with_another_secret_is_refused():
    token, _ = TokenCodec("a" * 40, "issuer").issue(person(Role.ADMIN))
    with pytest.raises(Unauthorized, match="not valid"):
        TokenCodec("b" * 40, "issuer").verify(token)


def test_an_expired_token_is_refused_with_a_reason():
    codec = TokenCodec("s" * 40, "issuer")
    token, _ = codec.issue(person(Role.SALES_REP), ttl_seconds=-10)
    with pytest.raises(Unauthorized, match="expired"):
        codec.verify(token)


def test_a_token_from_another_issuer_or_without_roles_is_refused():
    codec = TokenCodec("s" * 40, "issuer")
    token, _ = TokenCodec("s" * 40, "someone-else").issue(person(Role.ADMIN))
    with pytest.raises(Unauthorized):
        codec.verify(token)
    bare = jwt.encode({"sub": str(uuid.uuid4()), "iss": "issuer", "exp": 9999999999}, "s" * 40, algorithm="HS256")
    with pytest.raises(Unauthorized):
        codec.verify(bare)


def test_a_rep_sees_only_themself():
    rep = person(Role.SALES_REP)
    assert rep.may_see(employee_id=rep.employee_id, group_id=GROUP, department_id=DEPARTMENT)
    assert not rep.may_see(employee_id=uuid.uuid4(), group_id=GROUP, department_id=DEPARTMENT)


def test_a_leader_sees_their_group_but_not_another():
    leader = person(Role.GROUP_LEADER)
    assert leader.may_see(employee_id=uuid.uuid4(), group_id=GROUP, department_id=DEPARTMENT)
    assert not leader.may_see(employee_id=uuid.uuid4(), group_id=OTHER_GROUP, department_id=DEPARTMENT)


def test_a_manager_sees_their_department_but_not_another():
    manager = person(Role.DEPARTMENT_MANAGER, group=None)
    assert manager.may_see(employee_id=uuid.uuid4(), group_id=OTHER_GROUP, department_id=DEPARTMENT)
    assert not manager.may_see(employee_id=uuid.uuid4(), group_id=OTHER_GROUP, department_id=OTHER_DEPARTMENT)


@pytest.mark.parametrize("role", [Role.HR, Role.FINANCE, Role.ADMIN, Role.SALES_DIRECTOR])
def test_company_wide_functions_see_everyone(role):
    assert person(role).may_see(employee_id=uuid.uuid4(), group_id=None, department_id=OTHER_DEPARTMENT)


def test_the_data_scope_of_each_kind_of_caller():
    group, other_group, department = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    rep = principal(Role.SALES_REP, group_id=group, department_id=department)
    leader = principal(Role.GROUP_LEADER, group_id=group, department_id=department)
    manager = principal(Role.DEPARTMENT_MANAGER, department_id=department)
    hr = principal(Role.HR)
    colleague = {"employee_id": uuid.uuid4(), "group_id": group, "department_id": department}
    elsewhere = {"employee_id": uuid.uuid4(), "group_id": other_group, "department_id": uuid.uuid4()}

    assert scope_of(rep).is_personal and not scope_of(rep).sees(**colleague)
    assert scope_of(rep).sees(employee_id=rep.employee_id, group_id=None, department_id=None)
    assert scope_of(leader).sees(**colleague) and not scope_of(leader).sees(**elsewhere)
    assert scope_of(manager).sees(**colleague) and not scope_of(manager).sees(**elsewhere)
    assert scope_of(hr).everything and scope_of(hr).sees(**elsewhere)
    # A leader the directory knows to lead another group (newer than the token) sees that one too.
    assert scope_of(leader, [other_group]).sees(**elsewhere)
    assert not scope_of(rep, [other_group]).sees(**elsewhere)
    assert all(who.may_see(**colleague) == scope_of(who).sees(**colleague) for who in (rep, leader, manager, hr))


# --- access that follows the organisation ---------------------------------------------------------

def standing(role: str = Role.SALES_REP, *, employed: bool = True, group_id=None, department_id=None,
             leads_a_group: bool = False):
    return Standing(employed=employed, role=role, group_id=group_id, department_id=department_id,
                    leads_a_group=leads_a_group)


def test_a_token_of_someone_who_has_left_counts_for_nothing():
    with pytest.raises(Unauthorized) as refused:
        principal_as_of(principal(Role.SALES_REP), standing(employed=False))
    assert "left the company" in refused.value.detail


def test_a_transfer_or_demotion_takes_effect_on_the_next_request():
    old_group, new_group, department = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    leader = principal(Role.GROUP_LEADER, group_id=old_group, department_id=department)
    demoted = principal_as_of(leader, standing(Role.SALES_REP, group_id=new_group, department_id=department))
    assert (demoted.roles, demoted.group_id) == (frozenset({Role.SALES_REP}), new_group)
    assert not demoted.may_see(employee_id=uuid.uuid4(), group_id=old_group, department_id=department)
    # Leading a group gives its scope whatever the primary role, as at login.
    promoted = principal_as_of(principal(Role.SALES_REP), standing(Role.SALES_REP, leads_a_group=True))
    assert promoted.roles == frozenset({Role.SALES_REP, Role.GROUP_LEADER})


def test_the_signed_claims_stand_for_someone_the_organisation_does_not_know_yet_and_for_services():
    newcomer = principal(Role.HR)
    assert principal_as_of(newcomer, None) is newcomer
    system = principal(Role.SYSTEM)
    assert principal_as_of(system, standing(employed=False)) is system


async def test_a_cached_source_reads_each_caller_once_per_interval():
    class Counting(CachedPrincipalSource):
        def __init__(self, refresh_seconds: float) -> None:
            super().__init__(refresh_seconds)
            self.reads = 0
            self.answer = standing()

        async def look_up(self, employee_id):
            self.reads += 1
            return self.answer

    rep = principal(Role.SALES_REP)
    patient = Counting(refresh_seconds=3600)
    await patient.refresh(rep)
    patient.answer = standing(employed=False)
    assert (await patient.refresh(rep)).roles == frozenset({Role.SALES_REP}) and patient.reads == 1
    eager = Counting(refresh_seconds=0)
    await eager.refresh(rep)
    eager.answer = standing(employed=False)
    with pytest.raises(Unauthorized):
        await eager.refresh(rep)
    assert eager.reads == 2
