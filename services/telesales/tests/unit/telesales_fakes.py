"""Fakes for the intake tests: a publisher that keeps what it was given, or fails like a broker."""

from __future__ import annotations

from collections.abc import Sequence

from shared.errors import UpstreamUnavailable
from telesales.adapters.intake import CallSubmitted


class FakePublisher:
    def __init__(self, *, fail: bool = False) -> None:
        self.published: list[CallSubmitted] = []
        self.calls = 0
        self._fail = fail

    async def publish(self, records: Sequence[CallSubmitted]) -> None:
        self.calls += 1
        if self._fail:
            raise UpstreamUnavailable("broker down")
        self.published.extend(records)
