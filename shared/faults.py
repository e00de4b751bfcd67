"""Test-only fault injection: named points where a process can be made to die on purpose.

The fault suite (tests/faults/) must kill a process at one exact moment that no signal sent from
outside can hit reliably, e.g. a relay after the broker acknowledged a batch and before the rows
were marked published. A point is armed only by the environment variable ``SALESTEAM_FAULT``:

    SALESTEAM_FAULT=relay-after-publish:telesales:3

means: the telesales process whose relay finishes publishing its 3rd non-empty batch exits right
there with status 137 (as if killed by SIGKILL), before the batch is marked. Unset (always, outside
the fault suite) no point is armed: :func:`armed` returns None and the code at the point only tests
``hook is not None``. The dev stack passes the variable to a child's first start only, so the
restarted process runs unarmed and the fault happens once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

ENVIRONMENT_VARIABLE = "SALESTEAM_FAULT"
POINTS = frozenset({"relay-after-publish"})
# What a shell reports for a process killed by SIGKILL (128 + 9): the supervisor sees a crash.
KILLED_STATUS = 137


class InvalidFault(ValueError):
    """``SALESTEAM_FAULT`` is set but does not name a point, a service and a positive count."""


@dataclass(frozen=True)
class Fault:
    point: str
    service: str
    nth: int

    @classmethod
    def parse(cls, value: str) -> Fault:
        parts = value.strip().split(":")
        if len(parts) != 3:
            raise InvalidFault(f"{ENVIRONMENT_VARIABLE}={value!r}: expected <point>:<service>:<nth>")
        point, service, nth = parts
        if point not in POINTS:
            raise InvalidFault(f"{ENVIRONMENT_VARIABLE}={value!r}: unknown point {point!r}; "
                               f"known: {', '.join(sorted(POINTS))}")
        if not service:
            raise InvalidFault(f"{ENVIRONMENT_VARIABLE}={value!r}: no service named")
        if not nth.isdigit() or int(nth) < 1:
            raise InvalidFault(f"{ENVIRONMENT_VARIABLE}={value!r}: <nth> must be a whole number from 1")
        return cls(point, service, int(nth))


class FaultHook:
    """Counts the passes through one point and ends the process on the armed pass."""

    def __init__(self, fault: Fault, exit_process=os._exit) -> None:
        self.fault = fault
        self.passes = 0
        self._exit = exit_process

    def __call__(self, detail: str = "") -> None:
        self.passes += 1
        if self.passes == self.fault.nth:
            # Written straight to stderr, unbuffered: the process has no later chance to log it.
            sys.stderr.write(f"FAULT INJECTED: {self.fault.point} in {self.fault.service}, pass {self.passes}"
                             f"{': ' + detail if detail else ''}; exiting with {KILLED_STATUS}\n")
            sys.stderr.flush()
            # os._exit, not an exception: nothing may run after the point (no rollback handler,
            # no finally), exactly as with SIGKILL.
            self._exit(KILLED_STATUS)


def armed(point: str, service: str, environ: Mapping[str, str] = os.environ) -> FaultHook | None:
    """The hook for ``point`` in ``service`` if ``SALESTEAM_FAULT`` arms it, else None."""
    value = environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return None
    fault = Fault.parse(value)
    if fault.point != point or fault.service != service:
        return None
    return FaultHook(fault)
