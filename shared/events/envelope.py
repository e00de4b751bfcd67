"""CloudEvents 1.0 structured-mode JSON envelopes and the event-type registry."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.clock import WALL_CLOCK

CONTENT_TYPE = "application/cloudevents+json"


class Event(BaseModel):
    """The ``data`` of one public event type.

    Subclasses set ``event_type`` (versioned, e.g. ``org.employee.hired.v1``), ``topic`` (one
    per producing service and aggregate) and ``key_field`` (the aggregate id that keeps one
    aggregate's events in order on one partition). A new field must be optional to stay
    backward compatible; a breaking change is a new ``.vN`` type.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]
    topic: ClassVar[str]
    key_field: ClassVar[str]
    summary: ClassVar[str] = ""

    def key(self) -> str:
        return str(getattr(self, self.key_field))


class CloudEvent(BaseModel):
    """A CloudEvents 1.0 envelope as it travels on Kafka (structured JSON mode)."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: uuid.UUID = Field(default_factory=uuid.uuid4)
    source: str
    type: str
    # The unit of work stamps it from the service's clock; the wall clock only when none is given.
    time: datetime = Field(default_factory=lambda: WALL_CLOCK.now())
    subject: str | None = None
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]

    @classmethod
    def wrap(cls, event: Event, *, source: str, time: datetime | None = None, **extensions: Any) -> CloudEvent:
        return cls(
            source=source,
            time=time or WALL_CLOCK.now(),
            type=event.event_type,
            subject=event.key(),
            data=event.model_dump(mode="json"),
            **{k: v for k, v in extensions.items() if v is not None},
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json(exclude_none=True).encode()

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        return kafka_headers(str(self.id), self.type, self.source)

    def payload(self, model: type[Event]) -> Event:
        return model.model_validate(self.data)


def kafka_headers(event_id: str, event_type: str, source: str) -> list[tuple[str, bytes]]:
    """CloudEvents attributes repeated as Kafka headers, so routers need not parse the value."""
    return [
        ("ce_id", event_id.encode()),
        ("ce_type", event_type.encode()),
        ("ce_source", source.encode()),
        ("ce_specversion", b"1.0"),
        ("content-type", CONTENT_TYPE.encode()),
    ]


class EventRegistry:
    def __init__(self) -> None:
        self._by_type: dict[str, type[Event]] = {}

    def register(self, model: type[Event]) -> type[Event]:
        if model.event_type in self._by_type:
            raise ValueError(f"event type {model.event_type} registered twice")
        self._by_type[model.event_type] = model
        return model

    def model_for(self, event_type: str) -> type[Event] | None:
        return self._by_type.get(event_type)

    def all(self) -> list[type[Event]]:
        return sorted(self._by_type.values(), key=lambda m: m.event_type)

    def topics(self) -> list[str]:
        return sorted({m.topic for m in self._by_type.values()})


REGISTRY = EventRegistry()
register = REGISTRY.register
