"""Lead rules (sources, distribution steps) and the data scope of each role (C1, C4, C10)."""

from __future__ import annotations

import uuid

import pytest

from crm.config import CrmSettings
from crm.domain.model import Lead, LeadStatus
from crm.domain.visibility import sees_contact
from crm.service_layer.access import scope_of
from shared import testing
from shared.auth import Principal, Role
from shared.errors import InvalidInput, RuleViolation
from shared.testing import QUIET_INSTANT

# The steps of a lead do not depend on the date: any instant will do.
NOW = QUIET_INSTANT
DEPARTMENT, GROUP, OTHER_GROUP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def lead(**changes) -> Lead:
    fields = {"id": uuid.uuid4(), "customer_id": uuid.uuid4(), "source": "marketing", "status": LeadStatus.NEW,
              "department_id": DEPARTMENT, "created_by": uuid.uuid4(), "created_at": NOW} | changes
    return Lead(**fields)


def principal(role: str, group_id=None, department_id=DEPARTMENT) -> Principal:
    return testing.principal(role, group_id=group_id, department_id=department_id)


class TestPolicy:
    def test_the_default_sources_are_the_six_of_c1_and_configurable(self) -> None:
        policy = CrmSettings().policy()
        assert policy.ensure_known_source(" Exhibition ") == "exhibition"
        with pytest.raises(InvalidInput):
            policy.ensure_known_source("billboard")
        custom = CrmSettings(lead_sources=["billboard"]).policy()
        assert custom.ensure_known_source("billboard") == "billboard"

    def test_the_cap_and_intent_levels_come_from_settings(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CRM_REP_OPEN_LEAD_CAP", "7")
        policy = CrmSettings().policy()
        assert policy.rep_open_lead_cap == 7
        assert policy.ensure_known_intent(None) is None
        assert policy.ensure_known_intent("HIGH") == "high"
        with pytest.raises(InvalidInput):
            policy.ensure_known_intent("lukewarm")


class TestDistributionSteps:
    def test_group_then_rep(self) -> None:
        rep = uuid.uuid4()
        found = lead()
        assert found.place_in_group(GROUP, NOW) is None
        assert found.status is LeadStatus.IN_GROUP
        assert found.give_to_rep(rep, NOW) is None
        assert (found.status, found.owner_id) == (LeadStatus.ASSIGNED, rep)

    def test_moving_to_another_group_takes_it_from_its_rep(self) -> None:
        rep = uuid.uuid4()
        held = lead(status=LeadStatus.ASSIGNED, group_id=GROUP, owner_id=rep)
        assert held.place_in_group(OTHER_GROUP, NOW) == rep
        assert (held.owner_id, held.status) == (None, LeadStatus.IN_GROUP)

    def test_a_lead_in_no_group_cannot_go_to_a_rep(self) -> None:
        with pytest.raises(RuleViolation):
            lead().give_to_rep(uuid.uuid4(), NOW)

    def test_a_won_lead_is_no_longer_distributed(self) -> None:
        with pytest.raises(RuleViolation):
            lead(status=LeadStatus.WON, group_id=GROUP).place_in_group(OTHER_GROUP, NOW)


class TestScope:
    def test_a_rep_sees_what_they_own(self) -> None:
        rep = principal(Role.SALES_REP, GROUP)
        scope = scope_of(rep)
        assert scope.sees(owner_id=rep.employee_id, group_id=GROUP, department_id=DEPARTMENT)
        assert not scope.sees(owner_id=uuid.uuid4(), group_id=GROUP, department_id=DEPARTMENT)

    def test_a_leader_sees_their_group_and_the_groups_the_directory_says_they_lead(self) -> None:
        scope = scope_of(principal(Role.GROUP_LEADER, GROUP), [OTHER_GROUP])
        assert scope.sees(owner_id=None, group_id=GROUP, department_id=DEPARTMENT)
        assert scope.sees(owner_id=None, group_id=OTHER_GROUP, department_id=DEPARTMENT)
        assert not scope.sees(owner_id=None, group_id=uuid.uuid4(), department_id=DEPARTMENT)

    def test_a_manager_sees_their_department_and_company_roles_everything(self) -> None:
        assert scope_of(principal(Role.DEPARTMENT_MANAGER)).sees(owner_id=None, group_id=None,
                                                                department_id=DEPARTMENT)
        assert not scope_of(principal(Role.DEPARTMENT_MANAGER)).sees(owner_id=None, group_id=None,
                                                                    department_id=uuid.uuid4())
        assert scope_of(principal(Role.HR, department_id=None)).everything

    def test_only_the_owner_reads_contacts_in_full(self) -> None:
        owner = uuid.uuid4()
        assert sees_contact(owner, owner)
        assert not sees_contact(uuid.uuid4(), owner)
        assert not sees_contact(owner, None)


def test_the_consumer_follows_the_org_directory() -> None:
    from crm.entrypoints.consumers import CONSUMERS

    [spec] = CONSUMERS
    assert spec.name == "crm-directory"
    assert {"org.employee.hired.v1", "org.employee.transferred.v1", "org.employee.left.v1",
            "org.group.created.v1", "org.group.leader_changed.v1"} <= set(spec.handlers)
    assert set(spec.topics) == {"org.employee", "org.group"}
