"""From the caller's token to what they may read and do in crm."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from crm.domain.visibility import Scope
from shared.auth import Principal, Role
from shared.auth import scope_of as data_scope_of
from shared.errors import Forbidden

if TYPE_CHECKING:
    from crm.service_layer.unit_of_work import CrmUnitOfWork

# First level of distribution (C4.1): department-wide managers in their department, the sales
# director and admins anywhere.
GROUP_DISTRIBUTORS = (
    Role.DEPARTMENT_MANAGER, Role.REGIONAL_MANAGER, Role.SUPERVISOR, Role.SALES_DIRECTOR, Role.ADMIN,
)
# Second level (C4.2): the group leader in their group, and everyone above them.
REP_DISTRIBUTORS = (Role.GROUP_LEADER, *GROUP_DISTRIBUTORS)
# Anyone in sales may bring in a lead; HR and finance have no reason to.
LEAD_CREATORS = (
    Role.SALES_DIRECTOR, Role.REGIONAL_MANAGER, Role.DEPARTMENT_MANAGER, Role.SUPERVISOR, Role.GROUP_LEADER,
    Role.SALES_REP, Role.TELESALES_AGENT, Role.SALES_ASSISTANT, Role.ADMIN,
)
# Bulk entry is back-office work for managers and assistants.
LEAD_IMPORTERS = (*GROUP_DISTRIBUTORS, Role.SALES_ASSISTANT)
# A rep records the deals they sign; their superiors and finance may record them for them.
DEAL_RECORDERS = (*LEAD_CREATORS, Role.FINANCE)
# Money received drives commission (P4), so the seller does not book it: finance and management do.
PAYMENT_RECORDERS = (Role.FINANCE, Role.ADMIN, Role.SALES_DIRECTOR, *Role.DEPARTMENT_WIDE)
# Roles that work leads themselves: a lead they bring in is theirs (own prospecting).
SELLING_ROLES = (Role.SALES_REP, Role.TELESALES_AGENT)


def require(principal: Principal, roles: Iterable[str], action: str) -> None:
    roles = tuple(roles)
    if not principal.has_any(*roles):
        raise Forbidden(f"{action} needs one of the roles: {', '.join(roles)}", required_roles=list(roles))


def scope_of(principal: Principal, led_group_ids: Iterable[uuid.UUID] = ()) -> Scope:
    """The caller's data scope over leads and deals (:func:`shared.auth.scope_of`); a group leader
    also sees the groups the directory says they lead (a token may predate a leader change)."""
    return Scope(data_scope_of(principal, led_group_ids))


async def scope_in(uow: CrmUnitOfWork, principal: Principal) -> Scope:
    """:func:`scope_of` with the groups the directory replica says the caller leads."""
    led = await uow.directory.groups_led_by(principal.employee_id) if principal.has_any(Role.GROUP_LEADER) else []
    return scope_of(principal, led)
