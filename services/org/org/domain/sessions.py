"""Login sessions: the refresh tokens behind short-lived access tokens.

The gateway's access tokens live minutes; a session's refresh token, kept here, gets the next
one. Logging out closes the session, so no new access token comes from it. A refresh token is
used once: each refresh closes it and opens its successor, and a closed token presented again
(someone kept a copy) closes every session of that employee.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # 256 random bits: a plain digest suffices; the slow password hash is for guessable secrets.
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class LoginSession:
    id: uuid.UUID
    employee_id: uuid.UUID
    token_digest: str
    opened_at: datetime
    expires_at: datetime
    closed_at: datetime | None = None
    # Set when a refresh closed it: its successor. A closed session with a successor presented
    # again means its token was copied.
    succeeded_by: uuid.UUID | None = None

    def is_open_at(self, instant: datetime) -> bool:
        return self.closed_at is None and instant < self.expires_at
