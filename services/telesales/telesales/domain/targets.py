"""Daily dial targets (T4): at least 30 calls a day by default, configurable per role."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Progress:
    target: int
    done: int

    @property
    def remaining(self) -> int:
        return max(self.target - self.done, 0)

    @property
    def met(self) -> bool:
        return self.done >= self.target

    @property
    def percent(self) -> int:
        """Whole percent reached, floored so that 29 of 30 never reads as 100; may exceed 100."""
        if self.target <= 0:
            return 100
        return self.done * 100 // self.target


@dataclass(frozen=True)
class DailyTargets:
    by_role: Mapping[str, int] = field(default_factory=dict)
    default: int = 30

    def for_role(self, role: str | None) -> int:
        if role is None:
            return self.default
        return self.by_role.get(role, self.default)

    def for_roles(self, roles: Iterable[str]) -> int:
        """A caller with several roles dials against the first one that has a target of its own."""
        for role in sorted(roles):
            if role in self.by_role:
                return self.by_role[role]
        return self.default

    def dials_expected_of(self, role: str | None) -> bool:
        """Roles without a target of their own (managers, HR…) are not listed with zero dials."""
        return role is not None and role in self.by_role


def progress(target: int, dials: int) -> Progress:
    return Progress(target=target, done=dials)
