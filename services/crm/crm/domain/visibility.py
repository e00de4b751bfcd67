"""Data scope of leads and deals (数据权限, C10): the company's one rule (:class:`shared.scope.DataScope`:
a rep sees their own, a group leader their group's, department-wide roles their department's,
company-wide roles everything), applied to what crm files by owner: a lead's rep, a deal's rep."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.scope import DataScope


@dataclass(frozen=True)
class Scope:
    """What a caller sees of leads and deals: the records owned by the employees, or placed in the
    groups and departments, of their :class:`DataScope`."""

    data: DataScope

    @property
    def everything(self) -> bool:
        return self.data.everything

    @property
    def department_ids(self) -> frozenset[uuid.UUID]:
        return self.data.department_ids

    @property
    def group_ids(self) -> frozenset[uuid.UUID]:
        return self.data.group_ids

    @property
    def owner_ids(self) -> frozenset[uuid.UUID]:
        """The owners whose records the caller sees: the employees of the data scope."""
        return self.data.employee_ids

    def sees(self, *, owner_id: uuid.UUID | None, group_id: uuid.UUID | None,
             department_id: uuid.UUID | None) -> bool:
        return self.data.sees(employee_id=owner_id, group_id=group_id, department_id=department_id)


def sees_contact(viewer_id: uuid.UUID, owner_id: uuid.UUID | None) -> bool:
    """Full contact details for the owner rep only; everyone else reads them masked (C10)."""
    return owner_id is not None and viewer_id == owner_id
