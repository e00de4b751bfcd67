"""Versions by period, as role plans, per-person overrides and commission plans all keep them: a
version applies from its ``effective_from`` period on, the latest one started wins, and two versions
of the same thing may not start in the same period (the period's version would be ambiguous)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

from shared.errors import Conflict


class Versioned(Protocol):
    @property
    def effective_from(self) -> str: ...  # YYYY-MM

    @property
    def version(self) -> int: ...


V = TypeVar("V", bound=Versioned)


def in_force(versions: Iterable[V], period: str) -> V | None:
    """The version in force in ``period``: the latest started by then, None before the first."""
    started = [each for each in versions if each.effective_from <= period]
    return max(started, key=lambda each: (each.effective_from, each.version)) if started else None


def ensure_new_period(versions: Iterable[V], effective_from: str,
                      name: Callable[[V], str] = lambda each: f"version {each.version}") -> None:
    for each in versions:
        if each.effective_from == effective_from:
            raise Conflict(f"{name(each)} already applies from {effective_from}; a new version must start in "
                           "another period", field="effective_from", existing_version=each.version)
