"""Inbound events of the org service: none. org is the source of the organisation, not a follower
of it; an event it comes to consume gets its thin ``on_x(envelope, uow, bus)`` adapter here."""

from __future__ import annotations

from shared.consumer import ConsumerSpec

CONSUMERS: list[ConsumerSpec] = []
