"""The OpenAPI documents list the refusals the API really sends, as problem+json."""

import importlib

import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from shared.auth import CurrentUser
from shared.openapi import document_problems
from shared.web import PROBLEM_JSON, create_app

router = APIRouter()


class Body(BaseModel):
    name: str


@router.get("/public")
async def public() -> dict:
    return {}


@router.get("/search")
async def search(q: str) -> dict:
    return {"q": q}


@router.get("/things/{thing_id}")
async def read_thing(thing_id: int, user: CurrentUser) -> dict:
    return {}


@router.put("/things/{thing_id}")
async def change_thing(thing_id: int, body: Body, user: CurrentUser) -> dict:
    return {}


def responses(app, path: str, method: str) -> dict:
    return app.openapi()["paths"][path][method]["responses"]


def test_each_operation_lists_the_refusals_its_shape_allows():
    app = create_app(title="t", service="t", routers=[router])
    assert sorted(responses(app, "/public", "get")) == ["200"]
    assert sorted(responses(app, "/search", "get")) == ["200", "404", "422"]
    assert sorted(responses(app, "/things/{thing_id}", "get")) == ["200", "401", "403", "404", "409", "422"]
    assert sorted(responses(app, "/things/{thing_id}", "put")) == [
        "200", "400", "401", "403", "404", "409", "415", "422"]
    assert sorted(responses(app, "/readyz", "get")) == ["200", "503"]


def test_refusals_are_problem_json_and_fastapis_own_validation_shape_is_gone():
    app = create_app(title="t", service="t", routers=[router])
    document = app.openapi()
    refusal = responses(app, "/things/{thing_id}", "put")["409"]
    assert refusal["content"] == {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    assert responses(app, "/search", "get")["422"]["content"][PROBLEM_JSON]
    assert "application/json" not in responses(app, "/search", "get")["422"]["content"]
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert schemas["Problem"]["required"] == ["type", "title", "status"]
    assert app.openapi() is document  # built once


def test_a_document_secured_as_a_whole_gives_every_operation_401_and_403():
    document = {"security": [{"bearer": []}], "paths": {"/x": {"get": {"responses": {"200": {}}}}}}
    assert sorted(document_problems(document)["paths"]["/x"]["get"]["responses"]) == ["200", "401", "403"]


@pytest.mark.parametrize("module", ["org.entrypoints.api.app", "crm.entrypoints.api.app",
                                    "telesales.entrypoints.api.app", "appraisal.entrypoints.api.app",
                                    "payroll.entrypoints.api.app"])
def test_every_authenticated_operation_of_every_service_documents_401_and_403(module):
    app = importlib.import_module(module).create_app()
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                assert {"401", "403"} <= set(operation["responses"]), f"{method.upper()} {path}"
