from datetime import timedelta

import pytest
from pydantic import ValidationError

from shared.clock import ShiftedClock, SystemClock
from shared.config import DEVELOPMENT_JWT_SECRET, ServiceSettings


def test_production_refuses_the_development_secret():
    with pytest.raises(ValidationError, match="jwt_secret"):
        ServiceSettings(environment="production", jwt_secret=DEVELOPMENT_JWT_SECRET)


def test_production_refuses_a_short_secret():
    with pytest.raises(ValidationError, match="32 characters"):
        ServiceSettings(environment="production", jwt_secret="short")


def test_development_runs_on_the_default_secret_and_topics_take_the_prefix():
    settings = ServiceSettings(topic_prefix="t1.")
    assert settings.jwt_secret == DEVELOPMENT_JWT_SECRET
    assert settings.topic("org.employee") == "t1.org.employee"


def test_a_heartbeat_slower_than_a_third_of_the_session_timeout_is_refused():
    with pytest.raises(ValidationError, match="consumer_heartbeat_interval_ms"):
        ServiceSettings(consumer_session_timeout_ms=6000, consumer_heartbeat_interval_ms=2001)
    settings = ServiceSettings(consumer_session_timeout_ms=6000, consumer_heartbeat_interval_ms=2000)
    assert (settings.consumer_session_timeout_ms, settings.consumer_heartbeat_interval_ms) == (6000, 2000)


def test_production_refuses_a_test_clock():
    secret = "a-real-production-secret-of-enough-length"
    with pytest.raises(ValidationError, match="clock_offset_seconds"):
        ServiceSettings(environment="production", jwt_secret=secret, clock_offset_seconds=3600)
    assert isinstance(ServiceSettings(environment="production", jwt_secret=secret).clock(), SystemClock)


def test_a_test_clock_runs_from_its_offset_in_the_company_zone():
    settings = ServiceSettings(environment="development", clock_offset_seconds=86400, company_timezone="Asia/Tokyo")
    clock = settings.clock()
    assert isinstance(clock, ShiftedClock)
    assert clock.offset == timedelta(days=1)
    assert str(clock.timezone) == "Asia/Tokyo"


def test_an_unknown_time_zone_is_refused_by_name():
    with pytest.raises(ValidationError, match="Mars/Olympus"):
        ServiceSettings(company_timezone="Mars/Olympus")
