"""How this company runs its organisation, as the use cases read it from the bus."""

from __future__ import annotations

from dataclasses import dataclass, field

from org.domain.attendance import AttendancePolicy
from org.domain.credentials import PasswordHashing


@dataclass(frozen=True)
class OrgPolicy:
    # How login passwords are hashed and checked; its cost is the settings' choice.
    passwords: PasswordHashing
    # O6: working hours, tolerance, leave types, approvals and dismissal thresholds.
    attendance: AttendancePolicy = field(default_factory=AttendancePolicy)
