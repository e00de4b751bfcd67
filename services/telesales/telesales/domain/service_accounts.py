"""Service accounts: the telephony systems' own credentials (T7). An administrator creates one for
a system, scoped to departments and/or groups; the system exchanges its client id and secret at the
gateway for a short-lived ``system`` token limited to call intake, and submits calls for the agents
in its scope only. The secret is shown once; only its hash is kept, so a lost one is rotated."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

# The scope a service account's token carries (``shared.auth.SCOPE_CLAIM``): intake routes only.
INTAKE_SCOPE = "telesales.intake"
CLIENT_ID_PREFIX = "sa_"


@dataclass(frozen=True)
class ServiceAccount:
    id: uuid.UUID
    name: str
    client_id: str
    secret_hash: str
    department_ids: frozenset[uuid.UUID]
    group_ids: frozenset[uuid.UUID]
    created_by: uuid.UUID
    created_at: datetime
    rotated_at: datetime | None = None
    revoked_at: datetime | None = None
    revoked_by: uuid.UUID | None = None
    revoke_reason: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def covers(self, *, group_id: uuid.UUID | None, department_id: uuid.UUID | None) -> bool:
        """Whether an agent placed so is within the account's scope."""
        return (group_id is not None and group_id in self.group_ids) or (
            department_id is not None and department_id in self.department_ids)

    def accepts(self, secret: str) -> bool:
        return self.active and hmac.compare_digest(self.secret_hash, hash_secret(secret))


def new_client_id() -> str:
    return CLIENT_ID_PREFIX + secrets.token_hex(8)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    # 256 random bits need no slow hash: nothing about them can be guessed from a dictionary.
    return hashlib.sha256(secret.encode()).hexdigest()
