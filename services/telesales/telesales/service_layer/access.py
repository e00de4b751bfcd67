"""Who may submit whose calls. What a caller may read is their data scope,
:func:`shared.auth.scope_of`."""

from __future__ import annotations

import uuid

from shared.auth import Principal, Role

# Telephony integrations post every agent's calls; an administrator may correct a missed upload.
SUBMIT_FOR_OTHERS = (Role.SYSTEM, Role.ADMIN)


def may_submit_for(principal: Principal, agent_id: uuid.UUID) -> bool:
    return agent_id == principal.employee_id or principal.has_any(*SUBMIT_FOR_OTHERS)
