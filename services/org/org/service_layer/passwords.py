"""Password hashing with argon2id (argon2-cffi). Hashing is slow on purpose, so it runs in a
worker thread rather than on the event loop; how slow is the settings' choice (:class:`PasswordCost`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import cached_property

from argon2 import DEFAULT_MEMORY_COST, DEFAULT_PARALLELISM, DEFAULT_TIME_COST, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@dataclass(frozen=True)
class PasswordCost:
    """argon2id's work factors. The defaults are argon2-cffi's, which follow RFC 9106's recommended
    low-memory profile; a hash made with other factors is redone at the next successful login."""

    time_cost: int = DEFAULT_TIME_COST
    memory_cost_kib: int = DEFAULT_MEMORY_COST
    parallelism: int = DEFAULT_PARALLELISM


class Passwords:
    def __init__(self, cost: PasswordCost | None = None) -> None:
        cost = cost or PasswordCost()
        self._hasher = PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_cost_kib,
                                      parallelism=cost.parallelism)

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self._hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def verify_nothing(self, password: str) -> None:
        """Spend the time a real check takes, so an unknown login answers as slowly as a known one."""
        await self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)

    @cached_property
    def _dummy_hash(self) -> str:
        return self._hasher.hash("no account has this password")
