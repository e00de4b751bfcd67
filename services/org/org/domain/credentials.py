"""Login credentials: a login name and an argon2 hash, never the password itself."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

MIN_PASSWORD_LENGTH = 8


@dataclass
class Credential:
    employee_id: uuid.UUID
    login: str
    password_hash: str


def normalise_login(login: str) -> str:
    # People type their login in any case; one spelling per person keeps logins unique.
    return login.strip().lower()
