"""Wire contracts: the CloudEvents envelope and one model per public event type.

Importing this package registers every event type in :data:`REGISTRY`.
"""

from shared.events import appraisal, crm, org, payroll, telesales  # noqa: F401  (registers every event)
from shared.events.envelope import REGISTRY, CloudEvent, Event, EventRegistry

__all__ = ["REGISTRY", "CloudEvent", "Event", "EventRegistry"]
