"""Reading a dead letter's headers, and the dead-letters commands' refusals (no broker, no database)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from aiokafka import ConsumerRecord
from click.testing import CliRunner

from shared.cli import service_cli
from shared.config import ServiceSettings
from shared.consumer import ConsumerSpec
from shared.dead_letters import UnknownConsumer, consumer_spec, parse_letter, replay_group
from shared.events.envelope import CloudEvent

SPECS = [ConsumerSpec(name="calls", topics=["t"], handlers={}), ConsumerSpec(name="crm", topics=["t"], handlers={})]


def record(value: bytes, headers: list[tuple[str, bytes]]) -> ConsumerRecord:
    return ConsumerRecord(topic="p.deadletter.calls", partition=0, offset=4, timestamp=1_796_000_000_000,
                          timestamp_type=0, key=b"k", value=value, checksum=None, serialized_key_size=1,
                          serialized_value_size=len(value), headers=headers)


def test_a_letter_names_its_source_event_and_reason_and_keeps_only_the_original_headers() -> None:
    event = CloudEvent(source="test", type="test.thing.happened.v1", subject="s", data={})
    letter = parse_letter("calls", record(event.to_bytes(), [
        ("traceparent", b"00-1-2-01"), ("dlt_reason", b"ValueError: no"), ("dlt_consumer", b"calls"),
        ("dlt_source", b"p.telesales.intake/2/17")]))
    assert (letter.source_topic, letter.source_partition, letter.source_offset) == ("p.telesales.intake", 2, 17)
    assert letter.source == "p.telesales.intake/2/17"
    assert (letter.event_id, letter.event_type) == (event.id, event.type)
    assert letter.reason == "ValueError: no"
    assert letter.dead_lettered_at == datetime.fromtimestamp(1_796_000_000, UTC)
    assert letter.original_headers() == [("traceparent", b"00-1-2-01")]
    assert letter.as_json()["dead_letter"] == "p.deadletter.calls/0/4"


def test_a_letter_that_is_no_cloudevent_or_lacks_its_source_is_still_listed() -> None:
    letter = parse_letter("calls", record(b"{not json", [("dlt_reason", b"not a CloudEvent")]))
    assert letter.event_id is None and letter.event_type is None
    assert letter.source_topic is None and letter.source == "?"
    assert letter.as_json()["source"] is None


def test_a_consumer_is_one_of_the_services_specs() -> None:
    assert consumer_spec(SPECS, "crm") is SPECS[1]
    with pytest.raises(UnknownConsumer, match="unknown consumer 'nope'; this service's consumers: calls, crm"):
        consumer_spec(SPECS, "nope")


def test_the_replay_group_is_not_the_consumers_own() -> None:
    settings = ServiceSettings(topic_prefix="p.")
    assert replay_group(settings, "calls") == "p.calls.replay"


def cli():
    runtime = SimpleNamespace(consumers=SPECS)
    return service_cli("test", ServiceSettings, lambda settings: runtime, "unused:app", None)


@pytest.mark.parametrize("args", [["replay", "--consumer", "nope"], ["list", "--consumer", "nope"]])
def test_an_unknown_consumer_is_refused_by_name_with_a_usage_error(args) -> None:
    result = CliRunner().invoke(cli(), ["dead-letters", *args])
    assert result.exit_code == 2
    assert ("Invalid value for '--consumer': unknown consumer 'nope'; this service's consumers: calls, crm"
            in result.output)


def test_an_event_id_that_is_no_uuid_is_refused() -> None:
    result = CliRunner().invoke(cli(), ["dead-letters", "replay", "--consumer", "calls", "--event-id", "42"])
    assert result.exit_code == 2 and "'42' is not an event id (a UUID)" in result.output


def test_replay_requires_a_consumer() -> None:
    result = CliRunner().invoke(cli(), ["dead-letters", "replay"])
    assert result.exit_code == 2 and "--consumer" in result.output
