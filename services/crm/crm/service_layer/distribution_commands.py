"""Commands of distribution's configuration and of the department level's automatic distribution (C4)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.auth import Principal


@dataclass(frozen=True)
class MemberWeight:
    member_id: uuid.UUID
    weight: int = 1
    cap: int | None = None  # None: the default (a rep: the settings' cap; a group: none)


@dataclass(frozen=True)
class ConfigureDistribution:
    """Sets how a group (level 'group', by its leader or a manager) or a department (level 'department',
    by its manager) distributes; replaces the previous setting as a whole."""

    by: Principal
    level: str
    unit_id: uuid.UUID
    strategy: str
    members: list[MemberWeight]


@dataclass(frozen=True)
class DistributeDepartmentLeads:
    """The department's leads in no group yet, to its groups by the department's strategy (C4.1)."""

    by: Principal
    department_id: uuid.UUID
    lead_ids: list[uuid.UUID] | None = None
    strategy: str | None = None  # None: the department's configured strategy
