import pytest
from pydantic import ValidationError

from gateway.config import DEFAULT_SERVICES, GatewaySettings


def test_defaults_route_to_the_five_services_on_local_ports(monkeypatch):
    for name in ("GATEWAY_SERVICES", "GATEWAY_PORT", "GATEWAY_SERVICE_NAME"):
        monkeypatch.delenv(name, raising=False)

    settings = GatewaySettings()

    assert settings.port == 8000
    assert settings.services == DEFAULT_SERVICES
    assert settings.service_name == "gateway"


def test_services_and_origins_are_read_from_json_environment_variables(monkeypatch):
    monkeypatch.setenv("GATEWAY_SERVICES", '{"org": "http://org:8000/", "crm": "http://crm:8000"}')
    monkeypatch.setenv("GATEWAY_CORS_ORIGINS", '["https://sales.example.com"]')

    settings = GatewaySettings()

    assert settings.services == {"org": "http://org:8000", "crm": "http://crm:8000"}
    assert settings.cors_origins == ["https://sales.example.com"]


def test_services_without_org_are_refused():
    with pytest.raises(ValidationError, match="org"):
        GatewaySettings(services={"crm": "http://crm:8000"})


def test_a_wildcard_origin_is_refused():
    with pytest.raises(ValidationError, match="cors_origins"):
        GatewaySettings(cors_origins=["*"])
