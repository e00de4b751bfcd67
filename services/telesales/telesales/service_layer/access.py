"""From the caller's token to what they may read, and who may submit whose calls."""

from __future__ import annotations

import uuid

from shared.auth import Principal, Role
from telesales.domain.scope import Scope

# Telephony integrations post every agent's calls; an administrator may correct a missed upload.
SUBMIT_FOR_OTHERS = (Role.SYSTEM, Role.ADMIN)


def scope_of(principal: Principal) -> Scope:
    """The data scope of ``principal``, agreeing with :meth:`shared.auth.Principal.may_see`."""
    if principal.is_company_wide:
        return Scope(everything=True)
    return Scope(
        employee_ids=frozenset({principal.employee_id}),
        group_ids=(frozenset({principal.group_id}) if principal.has_any(Role.GROUP_LEADER) and principal.group_id
                   else frozenset()),
        department_ids=(frozenset({principal.department_id})
                        if principal.is_department_wide and principal.department_id else frozenset()),
    )


def may_submit_for(principal: Principal, agent_id: uuid.UUID) -> bool:
    return agent_id == principal.employee_id or principal.has_any(*SUBMIT_FOR_OTHERS)
