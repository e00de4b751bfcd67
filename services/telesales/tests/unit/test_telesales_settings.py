"""Business defaults are settings: read from TELESALES_ variables, checked on load."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from telesales.config import TelesalesSettings
from telesales.domain.calls import Disposition


def test_defaults_follow_the_business_rules() -> None:
    settings = TelesalesSettings()
    assert (settings.port, settings.intake_port, settings.company_timezone) == (8003, 8006, "Asia/Shanghai")
    policy = settings.policy()
    assert policy.effective_rule.min_seconds == 60
    assert policy.effective_rule.qualifying_dispositions == {
        Disposition.INTENT, Disposition.APPOINTMENT, Disposition.ORDER}
    assert policy.targets.for_role("telesales_agent") == 30
    assert policy.max_future_skew == timedelta(minutes=5)
    assert settings.intake_batch_limit == 1000
    assert settings.intake_topic == "telesales.intake"


def test_a_company_changes_them_through_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELESALES_EFFECTIVE_MIN_SECONDS", "120")
    monkeypatch.setenv("TELESALES_EFFECTIVE_DISPOSITIONS", '["order"]')
    monkeypatch.setenv("TELESALES_DAILY_DIAL_TARGETS", '{"telesales_agent": 50}')
    monkeypatch.setenv("TELESALES_COMPANY_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("TELESALES_TOPIC_PREFIX", "acme.")
    settings = TelesalesSettings()
    policy = settings.policy()
    rule = policy.effective_rule
    assert not rule.is_effective(connected=True, duration_seconds=100, disposition=Disposition.INTENT)
    assert rule.is_effective(connected=True, duration_seconds=1, disposition=Disposition.ORDER)
    assert policy.targets.for_role("telesales_agent") == 50
    assert str(settings.tz) == "Europe/Berlin"
    assert str(settings.clock().timezone) == "Europe/Berlin", "business days are the company's"
    assert settings.intake_topic == "acme.telesales.intake"


@pytest.mark.parametrize(("variable", "value"), [
    ("TELESALES_COMPANY_TIMEZONE", "Mars/Olympus"),
    ("TELESALES_EFFECTIVE_DISPOSITIONS", '["sold"]'),
    ("TELESALES_DAILY_DIAL_TARGETS", '{"telesales_agent": -1}'),
    ("TELESALES_EFFECTIVE_MIN_SECONDS", "-5"),
])
def test_nonsense_is_refused_on_load(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        TelesalesSettings()
