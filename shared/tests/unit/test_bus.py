from dataclasses import dataclass

import pytest
from sqlalchemy.exc import IntegrityError

from shared.bus import Bus, refuses_duplicates
from shared.clock import FixedClock
from shared.config import ServiceSettings
from shared.errors import Conflict
from shared.testing import QUIET_INSTANT


@dataclass(frozen=True)
class Rename:
    name: str


class _UniqueViolation(Exception):
    sqlstate = "23505"

    def __init__(self, constraint: str) -> None:
        super().__init__(constraint)
        self.driver_exception = type("Driver", (), {"constraint_name": constraint})()


def _bus(handlers) -> Bus:
    return Bus(uow=lambda: None, clock=FixedClock(QUIET_INSTANT), policy=None, settings=ServiceSettings(),
               command_handlers=handlers)


async def test_a_command_reaches_its_handler_with_the_bus():
    seen = []

    async def rename(command: Rename, bus: Bus) -> str:
        seen.append(bus.clock.today())
        return command.name.upper()

    assert await _bus({Rename: rename}).handle(Rename("east")) == "EAST"
    assert seen == [FixedClock(QUIET_INSTANT).today()]


async def test_a_command_without_a_handler_is_a_bug_named_by_its_type():
    with pytest.raises(LookupError, match="Rename"):
        await _bus({}).handle(Rename("east"))


async def test_a_concurrent_duplicate_is_a_409_naming_the_known_field():
    @refuses_duplicates({"uq_groups_name": ("name", "a group with this name exists")})
    async def rename(command: Rename, bus: Bus) -> None:
        raise IntegrityError("INSERT", {}, _UniqueViolation("uq_groups_name"))

    with pytest.raises(Conflict) as raised:
        await rename(Rename("east"), _bus({}))
    assert raised.value.extra == {"field": "name"}


async def test_an_unknown_constraint_is_still_a_conflict_and_other_integrity_errors_stay_bugs():
    @refuses_duplicates()
    async def duplicate(command: Rename, bus: Bus) -> None:
        raise IntegrityError("INSERT", {}, _UniqueViolation("uq_other"))

    @refuses_duplicates()
    async def broken(command: Rename, bus: Bus) -> None:
        raise IntegrityError("INSERT", {}, Exception("not null violated"))

    with pytest.raises(Conflict, match="concurrent change"):
        await duplicate(Rename("east"), _bus({}))
    with pytest.raises(IntegrityError):
        await broken(Rename("east"), _bus({}))
