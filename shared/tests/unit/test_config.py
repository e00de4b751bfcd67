import pytest
from pydantic import ValidationError

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
