"""From the caller's token to what they may read and grant."""

from __future__ import annotations

from org.domain.visibility import Visibility
from shared.auth import Principal, Role
from shared.errors import Forbidden


def visibility_of(principal: Principal) -> Visibility:
    """The data scope of ``principal``, agreeing with :meth:`shared.auth.Principal.may_see`."""
    if principal.is_company_wide:
        return Visibility.of_everything()
    department_ids = (
        frozenset({principal.department_id}) if principal.is_department_wide and principal.department_id
        else frozenset()
    )
    group_ids = (
        frozenset({principal.group_id}) if principal.has_any(Role.GROUP_LEADER) and principal.group_id
        else frozenset()
    )
    return Visibility(
        department_ids=department_ids, group_ids=group_ids, employee_ids=frozenset({principal.employee_id}),
        home_department_id=principal.department_id, home_group_id=principal.group_id,
    )


def ensure_may_grant_role(principal: Principal, role: str | None) -> None:
    # HR may staff the company, but only an admin may make another admin: otherwise an HR
    # account could hire itself the keys to everything.
    if role == Role.ADMIN and not principal.has_any(Role.ADMIN):
        raise Forbidden("only an admin may give someone the admin role", required_roles=[Role.ADMIN])
