"""The effective-conversation rule (有效通话, T3): company policy, so its numbers are configuration."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telesales.domain.calls import Disposition


@dataclass(frozen=True)
class EffectiveConversationRule:
    """Effective when the call connected and lasted ``min_seconds`` or more, or when its outcome is
    one of ``qualifying_dispositions`` whatever its length. Default: 60 s; intent, appointment, order."""

    min_seconds: int
    qualifying_dispositions: frozenset[Disposition]

    @classmethod
    def of(cls, min_seconds: int, qualifying_dispositions: Iterable[str]) -> EffectiveConversationRule:
        if min_seconds < 0:
            raise ValueError("min_seconds must not be negative")
        return cls(min_seconds, frozenset(Disposition(d) for d in qualifying_dispositions))

    def is_effective(self, *, connected: bool, duration_seconds: int, disposition: Disposition) -> bool:
        if disposition in self.qualifying_dispositions:
            return True
        return connected and duration_seconds >= self.min_seconds
