"""From the caller's token to what they may read and grant."""

from __future__ import annotations

import uuid

from org.domain.visibility import Visibility
from org.service_layer.unit_of_work import OrgBus
from shared.auth import CachedPrincipalSource, Principal, Role, Standing, scope_of
from shared.errors import Forbidden


def visibility_of(principal: Principal) -> Visibility:
    """The caller's data scope (:func:`shared.auth.scope_of`), with their own department and group as structure."""
    return Visibility.within(scope_of(principal), home_department_id=principal.department_id,
                             home_group_id=principal.group_id)


def ensure_may_grant_role(principal: Principal, role: str | None) -> None:
    # HR may staff the company, but only an admin may make another admin: otherwise an HR
    # account could hire itself the keys to everything.
    if role == Role.ADMIN and not principal.has_any(Role.ADMIN):
        raise Forbidden("only an admin may give someone the admin role", required_roles=[Role.ADMIN])


class OrgPrincipalSource(CachedPrincipalSource):
    """Callers as org's own tables have them: org is where a leaving or a transfer is recorded,
    so here it counts from the commit (give or take ``principal_refresh_seconds``)."""

    def __init__(self, bus: OrgBus) -> None:
        super().__init__(bus.settings.principal_refresh_seconds)
        self._bus = bus

    async def look_up(self, employee_id: uuid.UUID) -> Standing | None:
        async with self._bus.uow() as uow:
            employee = await uow.employees.get(employee_id)
            if employee is None:
                return None
            led = await uow.groups.led_by(employee_id)
        return Standing(employed=employee.is_employed, role=employee.role, group_id=employee.group_id,
                        department_id=employee.department_id, leads_a_group=led is not None)
