"""The org settings: password hashing is as costly as argon2-cffi's defaults unless told otherwise,
and production refuses anything cheaper."""

from __future__ import annotations

import pytest
from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST
from pydantic import ValidationError

from org.config import OrgSettings
from org.service_layer.passwords import PasswordCost

PRODUCTION = {"environment": "production", "jwt_secret": "a-real-secret-of-at-least-32-characters"}


def test_password_hashing_costs_argon2s_defaults_unless_told_otherwise() -> None:
    assert OrgSettings().password_cost() == PasswordCost(time_cost=DEFAULT_TIME_COST,
                                                         memory_cost_kib=DEFAULT_MEMORY_COST,
                                                         parallelism=DEFAULT_PARALLELISM)
    assert OrgSettings(**PRODUCTION, password_time_cost=4).password_time_cost == 4


@pytest.mark.parametrize("cheaper", [{"password_time_cost": 1}, {"password_memory_cost_kib": 1024},
                                     {"password_parallelism": 1}], ids=lambda c: next(iter(c)))
def test_production_refuses_hashing_cheaper_than_argon2s_defaults(cheaper: dict[str, int]) -> None:
    assert OrgSettings(environment="test", **cheaper)
    with pytest.raises(ValidationError, match=next(iter(cheaper))):
        OrgSettings(**PRODUCTION, **cheaper)


def test_argon2s_minimum_memory_per_lane_is_refused_below_it() -> None:
    with pytest.raises(ValidationError, match="8 KiB per lane"):
        OrgSettings(environment="test", password_memory_cost_kib=8, password_parallelism=2)


async def test_the_policy_hashes_with_the_configured_cost(settings: OrgSettings) -> None:
    passwords = settings.policy().passwords
    hashed = await passwords.hash("correct horse")
    assert "$m=8,t=1,p=1$" in hashed
    assert await passwords.verify(hashed, "correct horse")
    assert not passwords.needs_rehash(hashed)
    assert OrgSettings().policy().passwords.needs_rehash(hashed), "a cheaper hash is redone at the next login"
