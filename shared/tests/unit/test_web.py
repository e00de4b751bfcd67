import uuid

import pytest
from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError

from devstack.pytest_plugin import asgi_client
from shared.auth import CurrentUser, Principal, Role, TokenCodec, require_roles
from shared.errors import Conflict
from shared.web import create_app

router = APIRouter()


class Body(BaseModel):
    name: str = Field(min_length=1)
    size: int = Field(ge=1)


@router.post("/things")
async def make_thing(body: Body) -> dict:
    if body.name == "taken":
        raise Conflict("a thing with this name exists", conflicting_name=body.name)
    return {"ok": True}


@router.get("/admin-only", dependencies=[require_roles(Role.ADMIN)])
async def admin_only(user: CurrentUser) -> dict:
    return {"employee_id": str(user.employee_id)}


async def failing_check() -> None:
    raise ConnectionError("refused")


async def passing_check() -> None:
    return None


def app(checks=None):
    application = create_app(title="t", service="t", routers=[router], readiness_checks=checks)
    application.state.token_codec = TokenCodec("x" * 40, "issuer")
    return application


async def test_validation_errors_are_problem_json_naming_each_field():
    async with asgi_client(app()) as client:
        response = await client.post("/things", json={"name": "", "size": 0})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert {e["field"] for e in problem["errors"]} == {"name", "size"}


async def test_a_domain_conflict_says_what_it_conflicts_with():
    async with asgi_client(app()) as client:
        response = await client.post("/things", json={"name": "taken", "size": 1})
    assert response.status_code == 409
    assert response.json()["conflicting_name"] == "taken"
    assert response.json()["title"] == "Conflict"


async def test_unknown_routes_and_missing_tokens_are_problem_json():
    async with asgi_client(app()) as client:
        missing = await client.get("/nowhere")
        anonymous = await client.get("/admin-only")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"


async def test_a_caller_without_the_role_is_forbidden_and_one_with_it_passes():
    codec = TokenCodec("x" * 40, "issuer")
    rep_token, _ = codec.issue(Principal(uuid.uuid4(), frozenset({Role.SALES_REP})))
    admin = Principal(uuid.uuid4(), frozenset({Role.ADMIN}))
    admin_token, _ = codec.issue(admin)
    async with asgi_client(app()) as client:
        denied = await client.get("/admin-only", headers={"Authorization": f"Bearer {rep_token}"})
        allowed = await client.get("/admin-only", headers={"Authorization": f"Bearer {admin_token}"})
    assert denied.status_code == 403 and denied.json()["required_roles"] == [Role.ADMIN]
    assert allowed.json() == {"employee_id": str(admin.employee_id)}


async def test_the_request_id_is_kept_or_made_and_returned():
    async with asgi_client(app()) as client:
        given = await client.get("/healthz", headers={"X-Request-ID": "abc123"})
        made = await client.get("/healthz")
    assert given.headers["X-Request-ID"] == "abc123"
    assert len(made.headers["X-Request-ID"]) == 32


async def test_readiness_names_the_failing_dependency():
    async with asgi_client(app({"database": passing_check, "broker": failing_check})) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["broker"].startswith("failed: ConnectionError")


async def test_metrics_count_requests_by_route():
    async with asgi_client(app()) as client:
        await client.post("/things", json={"name": "a", "size": 1})
        metrics = await client.get("/metrics")
    assert 'http_requests_total{method="POST",route="/things",service="t",status="200"} 1.0' in metrics.text


@pytest.mark.parametrize("url", ["/items/ab%00cd", "/items/ab?q=x%00y"])
async def test_a_nul_byte_in_the_path_or_query_is_a_422_naming_where(url):
    reached = []
    router = APIRouter()

    @router.get("/items/{item_id}")
    async def item(item_id: str, q: str = "") -> dict:
        reached.append(item_id)
        return {"id": item_id}

    application = create_app(title="t", service="t", routers=[router])
    async with asgi_client(application) as client:
        refused = await client.get(url)
        assert (await client.get("/items/abcd")).status_code == 200
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == ("path" if "?" not in url else "query")
    assert refused.json()["type"].startswith("https://errors.salesteam.internal/")
    assert reached == ["abcd"]


async def test_text_the_database_cannot_store_is_a_422_not_a_500():
    class NulRefused(Exception):
        sqlstate = "22021"

    router = APIRouter()

    @router.post("/notes")
    async def note() -> dict:
        raise DBAPIError("INSERT INTO notes", {}, NulRefused("invalid byte sequence for encoding UTF8: 0x00"))

    application = create_app(title="t", service="t", routers=[router])
    async with asgi_client(application) as client:
        refused = await client.post("/notes")
    assert refused.status_code == 422 and refused.json()["errors"] == [
        {"field": "body", "reason": "contains a NUL character"}]


async def test_a_method_not_allowed_names_every_method_the_path_serves():
    paths = APIRouter()

    @paths.get("/things/{thing_id}")
    async def read(thing_id: int) -> dict:
        return {}

    @paths.delete("/things/{thing_id}")
    async def remove(thing_id: int) -> dict:
        return {}

    async with asgi_client(create_app(title="t", service="t", routers=[paths])) as client:
        refused = await client.post("/things/1")
    assert refused.status_code == 405
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["allow"] == "DELETE, GET"
