"""Login credentials: a login name and an argon2 hash, never the password itself."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

MIN_PASSWORD_LENGTH = 8


@dataclass
class Credential:
    employee_id: uuid.UUID
    login: str
    password_hash: str


class PasswordHashing(Protocol):
    """Slow, salted one-way hashing of passwords (argon2id in :mod:`org.service_layer.passwords`)."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...

    async def verify_nothing(self, password: str) -> None:
        """Take as long as :meth:`verify`, for a login that does not exist."""

    def needs_rehash(self, password_hash: str) -> bool: ...


def normalise_login(login: str) -> str:
    # People type their login in any case; one spelling per person keeps logins unique.
    return login.strip().lower()
