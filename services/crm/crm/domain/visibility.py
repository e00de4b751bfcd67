"""Data scope of leads and deals (数据权限, C10): a rep sees what they own, a group leader their
group's, department-wide roles their department's, company-wide roles everything."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    department_ids: frozenset[uuid.UUID] = frozenset()
    group_ids: frozenset[uuid.UUID] = frozenset()
    owner_ids: frozenset[uuid.UUID] = frozenset()

    def sees(self, *, owner_id: uuid.UUID | None, group_id: uuid.UUID | None,
             department_id: uuid.UUID | None) -> bool:
        return (
            self.everything
            or (owner_id is not None and owner_id in self.owner_ids)
            or (group_id is not None and group_id in self.group_ids)
            or (department_id is not None and department_id in self.department_ids)
        )


def sees_contact(viewer_id: uuid.UUID, owner_id: uuid.UUID | None) -> bool:
    """Full contact details for the owner rep only; everyone else reads them masked (C10)."""
    return owner_id is not None and viewer_id == owner_id
