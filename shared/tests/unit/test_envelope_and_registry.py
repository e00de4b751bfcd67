import json
import re
import uuid

import pytest
from pydantic import ValidationError

from shared.events import REGISTRY, CloudEvent
from shared.events.catalogue import build, render
from shared.events.org import DepartmentCreated, EmployeeTransferred

VERSIONED_TYPE = re.compile(r"^(?P<service>[a-z]+)\.[a-z_]+\.[a-z_]+\.v[1-9][0-9]*$")


def test_a_wrapped_event_is_a_cloudevent_keyed_by_its_aggregate():
    department_id = uuid.uuid4()
    envelope = CloudEvent.wrap(DepartmentCreated(department_id=department_id, name="销售部", kind="field_sales"),
                               source="/org")
    body = json.loads(envelope.to_bytes())
    assert body["specversion"] == "1.0"
    assert body["type"] == "org.department.created.v1"
    assert body["subject"] == str(department_id)
    assert body["data"] == {"department_id": str(department_id), "name": "销售部", "kind": "field_sales"}
    assert {"id", "source", "time", "datacontenttype"} <= body.keys()
    headers = dict(envelope.kafka_headers())
    assert headers["ce_id"] == str(envelope.id).encode()
    assert headers["ce_type"] == b"org.department.created.v1"
    assert headers["content-type"] == b"application/cloudevents+json"


def test_parsing_round_trips_and_ignores_fields_added_by_newer_producers():
    envelope = CloudEvent.wrap(DepartmentCreated(department_id=uuid.uuid4(), name="x", kind="telesales"), source="/org")
    body = json.loads(envelope.to_bytes())
    body["data"]["added_in_a_later_version"] = 1
    parsed = CloudEvent.model_validate(body)
    assert parsed.payload(DepartmentCreated) == DepartmentCreated.model_validate(envelope.data)


def test_an_envelope_without_a_type_is_refused():
    with pytest.raises(ValidationError):
        CloudEvent.model_validate({"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/x", "data": {}})


def test_a_consumer_of_an_older_transfer_event_still_parses_it():
    old_payload = {
        "employee_id": str(uuid.uuid4()), "effective_date": "2026-11-01",
        "from_department_id": str(uuid.uuid4()), "to_department_id": str(uuid.uuid4()),
        "from_role": "sales_rep", "to_role": "group_leader",
    }
    event = EmployeeTransferred.model_validate(old_payload)
    assert event.to_status is None and event.to_region_id is None


@pytest.mark.parametrize("model", REGISTRY.all(), ids=lambda m: m.event_type)
def test_every_public_event_has_a_versioned_type_its_services_topic_and_a_real_key(model):
    match = VERSIONED_TYPE.match(model.event_type)
    assert match, model.event_type
    assert model.topic.startswith(match["service"] + ".")
    assert model.key_field in model.model_fields
    assert model.summary


def test_registering_one_type_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        REGISTRY.register(DepartmentCreated)


def test_the_checked_in_catalogue_matches_the_models():
    from shared.events.catalogue import CATALOGUE_PATH

    assert CATALOGUE_PATH.read_text(encoding="utf-8") == render(), (
        "docs/events/asyncapi.yaml is stale: run `make catalogue`"
    )


def test_the_catalogue_lists_every_event_on_its_topic():
    document = build()
    assert document["asyncapi"].startswith("3.")
    for model in REGISTRY.all():
        name = model.event_type.replace(".", "_")
        assert name in document["channels"][model.topic]["messages"]
        assert document["components"]["messages"][name]["name"] == model.event_type
