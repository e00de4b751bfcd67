"""Kafka event type -> handler, per consumer group. crm follows the org directory (who is in which
group, who leads it, who left) to distribute leads and to place deals."""

from __future__ import annotations

from shared.consumer import ConsumerSpec
from shared.directory import DIRECTORY_HANDLERS, DIRECTORY_TOPICS

CONSUMERS = [
    ConsumerSpec(name="crm-directory", topics=list(DIRECTORY_TOPICS), handlers=dict(DIRECTORY_HANDLERS)),
]
