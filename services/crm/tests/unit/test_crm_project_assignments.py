"""A project's changes of hands (C7) as domain rules, no database: handed to a rep it is placed with
them, left unassigned it is nobody's until handed over, and each change is recorded and counted."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from crm.domain.projects import AssignmentCause, Placement, Project, ProjectStage
from shared.errors import RuleViolation
from shared.testing import QUIET_INSTANT

NOW = QUIET_INSTANT
GROUP, DEPARTMENT = uuid.uuid4(), uuid.uuid4()


def project() -> Project:
    return Project(id=uuid.uuid4(), customer_id=uuid.uuid4(), lead_id=None, name="Hotel lobby",
                   stage=ProjectStage.BIDDING, rep_id=uuid.uuid4(), group_id=GROUP, department_id=DEPARTMENT,
                   created_by=uuid.uuid4(), created_at=NOW, stage_changed_at=NOW, revision=3)


def test_handed_to_a_rep_it_is_placed_with_them_and_the_change_is_recorded() -> None:
    p = project()
    leaver, other_group = p.rep_id, uuid.uuid4()
    to = Placement(uuid.uuid4(), other_group, DEPARTMENT)
    change = p.hand_to(to, cause=AssignmentCause.HOLDER_LEFT, reason="  the rep left  ", by=None, at=NOW,
                       assignment_id=uuid.uuid4())
    assert (p.rep_id, p.holder_id, p.group_id, p.department_id, p.revision, p.unassigned_at) == (
        to.rep_id, to.rep_id, other_group, DEPARTMENT, 4, None)
    assert (change.from_rep_id, change.to_rep_id, change.cause, change.reason, change.by, change.project_id) == (
        leaver, to.rep_id, "holder_left", "the rep left", None, p.id)
    assert p.stage is ProjectStage.BIDDING  # hands change, the stage does not


def test_left_unassigned_it_stays_in_its_group_and_is_nobodys_until_handed_over() -> None:
    p = project()
    leaver = p.rep_id
    change = p.hand_to(None, cause=AssignmentCause.HOLDER_TRANSFERRED, reason=None, by=None, at=NOW,
                       assignment_id=uuid.uuid4())
    assert (p.rep_id, p.holder_id, p.group_id, p.unassigned_at, p.revision) == (leaver, None, GROUP, NOW, 4)
    assert (change.from_rep_id, change.to_rep_id) == (leaver, None)
    with pytest.raises(RuleViolation):
        p.hand_to(None, cause=AssignmentCause.HOLDER_LEFT, reason=None, by=None, at=NOW, assignment_id=uuid.uuid4())

    # Handing it back even to who had it last is a real change: it was nobody's.
    leader = uuid.uuid4()
    back = p.hand_to(Placement(leaver, GROUP, DEPARTMENT), cause=AssignmentCause.HANDED_OVER, reason=None,
                     by=leader, at=NOW + timedelta(hours=1), assignment_id=uuid.uuid4())
    assert (p.holder_id, p.unassigned_at, p.revision, back.by, back.to_rep_id) == (leaver, None, 5, leader, leaver)


def test_handing_it_to_whose_it_is_already_is_refused_and_changes_nothing() -> None:
    p = project()
    with pytest.raises(RuleViolation):
        p.hand_to(Placement(p.rep_id, GROUP, DEPARTMENT), cause=AssignmentCause.HANDED_OVER, reason=None,
                  by=uuid.uuid4(), at=NOW, assignment_id=uuid.uuid4())
    assert p.revision == 3
