"""From the caller's token to what they may read and grant."""

from __future__ import annotations

from org.domain.visibility import Visibility
from shared.auth import Principal, Role, scope_of
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
