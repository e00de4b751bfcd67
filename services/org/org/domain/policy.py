"""How this company runs its organisation, as the use cases read it from the bus."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from org.domain.attendance import AttendancePolicy
from org.domain.credentials import PasswordHashing
from org.domain.training import TrainingPolicy


@dataclass(frozen=True)
class OrgPolicy:
    # How login passwords are hashed and checked; its cost is the settings' choice.
    passwords: PasswordHashing
    # Training's minimum per month and onboarding window (O5, O7).
    training: TrainingPolicy = field(default_factory=TrainingPolicy)
    # O6: working hours, tolerance, leave types, approvals and dismissal thresholds.
    attendance: AttendancePolicy = field(default_factory=AttendancePolicy)
    # How long a login session's refresh token stays usable without being used.
    session_ttl: timedelta = timedelta(days=7)
