"""The project pipeline (C7) as domain rules, no database: stage moves and the visit cadence."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from crm.config import CrmSettings
from crm.domain.projects import Project, ProjectStage, VisitCadence, stage_of
from shared.errors import InvalidInput, RuleViolation
from shared.testing import QUIET_INSTANT

NOW = QUIET_INSTANT
CADENCE = CrmSettings().policy().project_visit_cadence


def project(stage: ProjectStage = ProjectStage.EARLY_DESIGN) -> Project:
    return Project(id=uuid.uuid4(), customer_id=uuid.uuid4(), lead_id=None, name="Hotel lobby", stage=stage,
                   rep_id=uuid.uuid4(), group_id=None, department_id=uuid.uuid4(), created_by=uuid.uuid4(),
                   created_at=NOW, stage_changed_at=NOW)


def move(p: Project, stage: ProjectStage, reason: str | None = None):
    return p.move_to(stage, reason=reason, by=uuid.uuid4(), at=NOW + timedelta(hours=1), change_id=uuid.uuid4())


def test_forward_by_one_or_several_stages_without_a_reason_and_each_move_is_recorded() -> None:
    p = project()
    first = move(p, ProjectStage.BIDDING)
    second = move(p, ProjectStage.STOCKING_EXECUTION)
    assert (first.from_stage, first.to_stage, second.from_stage, second.to_stage) == (
        ProjectStage.EARLY_DESIGN, ProjectStage.BIDDING, ProjectStage.BIDDING, ProjectStage.STOCKING_EXECUTION)
    assert (p.stage, p.revision, p.stage_changed_at) == (ProjectStage.STOCKING_EXECUTION, 3, NOW + timedelta(hours=1))


def test_back_needs_a_reason_and_keeps_it() -> None:
    p = project(ProjectStage.DEEPENED_DESIGN)
    for reason in (None, "   "):
        with pytest.raises(InvalidInput) as refused:
            move(p, ProjectStage.BIDDING, reason)
        assert refused.value.extra["errors"][0]["field"] == "reason"
    assert (p.stage, p.revision) == (ProjectStage.DEEPENED_DESIGN, 1)
    change = move(p, ProjectStage.BIDDING, " the tender was re-opened ")
    assert (change.reason, p.stage) == ("the tender was re-opened", ProjectStage.BIDDING)


def test_the_same_stage_again_is_refused() -> None:
    with pytest.raises(RuleViolation):
        move(project(ProjectStage.BIDDING), ProjectStage.BIDDING)


def test_an_unknown_stage_names_the_field() -> None:
    assert stage_of(" Bidding ") is ProjectStage.BIDDING
    with pytest.raises(InvalidInput) as refused:
        stage_of("design", field="stage")
    assert refused.value.extra["errors"][0]["field"] == "stage"


def test_weekly_in_early_design_every_two_weeks_after_counted_from_creation_until_a_visit() -> None:
    p = project()
    assert p.visit_due_at(CADENCE) == NOW + timedelta(days=7)
    assert not p.visit_overdue(CADENCE, NOW + timedelta(days=7))
    assert p.visit_overdue(CADENCE, NOW + timedelta(days=7, seconds=1))
    p.visited(NOW + timedelta(days=6))
    assert not p.visit_overdue(CADENCE, NOW + timedelta(days=12))
    move(p, ProjectStage.BIDDING)
    assert p.visit_due_at(CADENCE) == NOW + timedelta(days=20)
    assert p.visit_overdue(CADENCE, NOW + timedelta(days=20, seconds=1))


def test_a_late_logged_visit_never_moves_the_last_visit_back() -> None:
    p = project()
    p.visited(NOW + timedelta(days=3))
    p.visited(NOW + timedelta(days=1))
    assert p.last_visit_at == NOW + timedelta(days=3)


def test_a_stage_without_cadence_is_never_overdue() -> None:
    p = project(ProjectStage.ACCEPTANCE)
    assert not p.visit_overdue(VisitCadence({ProjectStage.EARLY_DESIGN: 7}), NOW + timedelta(days=365))


def test_the_cadence_is_configuration_and_bad_settings_are_refused() -> None:
    policy = CrmSettings(project_visit_cadence_days={"early_design": 3}).policy()
    assert policy.project_visit_cadence.days_by_stage == {ProjectStage.EARLY_DESIGN: 3}
    assert CADENCE.days(ProjectStage.EARLY_DESIGN) == 7 and CADENCE.days(ProjectStage.ACCEPTANCE) == 14
    for bad in ({"design": 7}, {"bidding": 0}):
        with pytest.raises(ValueError):
            CrmSettings(project_visit_cadence_days=bad)
