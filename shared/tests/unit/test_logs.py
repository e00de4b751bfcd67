import json
import logging

from shared.logs import configure_logging, event_id_var, request_id_var


def test_log_lines_are_json_with_service_request_and_event_ids(capsys):
    configure_logging("org", "INFO")
    request_token, event_token = request_id_var.set("req-1"), event_id_var.set("evt-9")
    try:
        logging.getLogger("org.test").info("hired %s", "Wang Li")
    finally:
        request_id_var.reset(request_token)
        event_id_var.reset(event_token)
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["message"] == "hired Wang Li"
    assert (line["service"], line["request_id"], line["event_id"], line["level"]) == ("org", "req-1", "evt-9", "INFO")
