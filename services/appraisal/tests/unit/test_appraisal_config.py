"""The appraisal policy comes from settings, and incoherent settings are refused at start."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from appraisal.config import AppraisalSettings


def test_defaults_are_the_documented_policy():
    settings = AppraisalSettings(_env_file=None)
    policy = settings.policy()
    assert (settings.port, settings.service_name, settings.clock().timezone) == (
        8004, "appraisal", ZoneInfo("Asia/Shanghai"))
    assert policy.stage_weights == {"self": 20, "leader": 40, "superior": 40}
    assert [(b.minimum, b.coefficient) for b in policy.bands] == [
        (90, Decimal("1.5")), (80, Decimal("1.2")), (70, Decimal("1.0")), (60, Decimal("0.8")), (0, Decimal("0.5"))]
    assert policy.half_day_counts_as_full is True  # A4


def test_a_half_day_may_be_weighed_as_half_by_configuration(monkeypatch):
    monkeypatch.setenv("APPRAISAL_ATTENDANCE_HALF_DAY_COUNTS_AS_FULL", "false")
    assert AppraisalSettings().policy().half_day_counts_as_full is False


def test_policy_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("APPRAISAL_COEFFICIENT_BANDS", '[[85, "2.0"], [0, "1.0"]]')
    monkeypatch.setenv("APPRAISAL_REVIEW_WEIGHT_SELF", "10")
    monkeypatch.setenv("APPRAISAL_COMPANY_TIMEZONE", "Europe/Berlin")
    settings = AppraisalSettings()
    policy = settings.policy()
    assert [(b.minimum, b.coefficient) for b in policy.bands] == [(85, Decimal("2.0")), (0, Decimal("1.0"))]
    # The company's calendar is the clock's, no longer a field of the policy.
    assert (policy.stage_weights["self"], settings.clock().timezone) == (10, ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize("changes", [
    {"company_timezone": "Mars/Olympus"},
    {"coefficient_bands": [(60, "0.8"), (90, "1.5"), (0, "0.5")]},
    {"coefficient_bands": [(90, "1.5"), (60, "0.8")]},
    {"review_weight_self": 0, "review_weight_leader": 0, "review_weight_superior": 0},
], ids=["timezone", "unordered-bands", "no-floor-band", "no-stage-weight"])
def test_incoherent_settings_are_refused(changes):
    with pytest.raises(ValidationError):
        AppraisalSettings(_env_file=None, **changes)
