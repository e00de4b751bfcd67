"""Generate the public event catalogue (AsyncAPI 3.0) from the event models.

``python -m shared.events.catalogue`` rewrites ``docs/events/asyncapi.yaml``;
``--check`` fails when the checked-in file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from shared.events import REGISTRY

CATALOGUE_PATH = Path(__file__).resolve().parents[2] / "docs" / "events" / "asyncapi.yaml"


def _message_name(event_type: str) -> str:
    return event_type.replace(".", "_")


def build() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for model in REGISTRY.all():
        name = _message_name(model.event_type)
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for def_name, definition in schema.pop("$defs", {}).items():
            schemas[def_name] = definition
        schemas[name] = schema
        messages[name] = {
            "name": model.event_type,
            "title": model.__name__,
            "summary": model.summary or model.__doc__ or "",
            "contentType": "application/cloudevents+json",
            "headers": {"$ref": "#/components/schemas/KafkaHeaders"},
            "payload": {
                "allOf": [
                    {"$ref": "#/components/schemas/CloudEventEnvelope"},
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": model.event_type},
                            "subject": {"type": "string", "description": f"the {model.key_field}; also the Kafka key"},
                            "data": {"$ref": f"#/components/schemas/{name}"},
                        },
                    },
                ]
            },
            "bindings": {"kafka": {"key": {"type": "string", "description": model.key_field}}},
        }
        channel = channels.setdefault(model.topic, {"address": model.topic, "messages": {}})
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    for topic, channel in channels.items():
        operations[f"receive_{topic.replace('.', '_')}"] = {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{topic}"},
            "messages": [{"$ref": f"#/channels/{topic}/messages/{m}"} for m in channel["messages"]],
        }
    schemas["CloudEventEnvelope"] = {
        "type": "object",
        "description": "CloudEvents 1.0, structured JSON mode.",
        "required": ["specversion", "id", "source", "type", "time", "data"],
        "properties": {
            "specversion": {"const": "1.0"},
            "id": {"type": "string", "format": "uuid", "description": "unique per event; consumers deduplicate on it"},
            "source": {"type": "string", "description": "the producing service, e.g. /org"},
            "type": {"type": "string", "description": "versioned event type"},
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": "string"},
            "datacontenttype": {"const": "application/json"},
            "requestid": {"type": "string", "description": "extension: the HTTP request that caused it"},
            "data": {"type": "object"},
        },
    }
    schemas["KafkaHeaders"] = {
        "type": "object",
        "properties": {
            "ce_id": {"type": "string"},
            "ce_type": {"type": "string"},
            "ce_source": {"type": "string"},
            "ce_specversion": {"const": "1.0"},
            "content-type": {"const": "application/cloudevents+json"},
        },
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Sales-team management events",
            "version": "1.0.0",
            "description": (
                "Public domain events. Generated from shared/events by "
                "`python -m shared.events.catalogue`; do not edit by hand. Delivery is at least "
                "once: deduplicate on the CloudEvents id. Events of one aggregate share a key and "
                "stay in order; across keys there is no order. Types are versioned (.v1); a "
                "change that is not backward compatible is a new type."
            ),
        },
        "defaultContentType": "application/cloudevents+json",
        "channels": dict(sorted(channels.items())),
        "operations": dict(sorted(operations.items())),
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }


def render() -> str:
    return yaml.safe_dump(build(), sort_keys=False, allow_unicode=True, width=100)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = CATALOGUE_PATH.read_text(encoding="utf-8") if CATALOGUE_PATH.exists() else ""
        if current != text:
            print(f"{CATALOGUE_PATH} is out of date: run `python -m shared.events.catalogue`", file=sys.stderr)
            return 1
        return 0
    CATALOGUE_PATH.parent.mkdir(parents=True, exist_ok=True)
    CATALOGUE_PATH.write_text(text, encoding="utf-8")
    print(f"wrote {CATALOGUE_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
