"""The OpenAPI document says what the API really answers: every refusal is RFC 9457
problem+json, and each operation lists the refusals it can give.

FastAPI documents only the success response and a 422 in its own validation shape. A client
generated from that cannot read a 401, 403, 404 or 409, and a schema-driven fuzzer reports each
of them as a conformance failure. Which refusals an operation can give follows from its shape:

- 400 and 415 when it reads a body: one that is not well-formed (not JSON, not UTF-8), or of a
  content type it does not read;
- 401 and 403 when it needs a bearer token (its security requirement);
- 404 when it names an object, in the path or in what it sends (a body or a query naming an
  unknown employee, group or lead);
- 409 when it changes state (duplicates, wrong state, conflicts), or reads an object named in the
  path whose state may not allow the read yet (the results of a period still open);
- 422 when it takes any input (a field or parameter the API refuses, or a character it cannot
  store) or changes state (a rule refuses the change: a clock-out before any clock-in).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from shared.web import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. A 422 lists each refused field in `errors`.",
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path of the request"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "reason"],
                "properties": {"field": {"type": "string"}, "reason": {"type": "string"},
                               "location": {"type": "string"}},
            },
        },
    },
    # Conflicts and rule violations add what they conflict with (e.g. missing_stages).
    "additionalProperties": True,
}

REFUSALS = {
    "400": "The body is not well-formed (not JSON, or not UTF-8)",
    "401": "No valid bearer token",
    "403": "The caller may not do this to this object",
    "404": "No such object, or not one the caller may see",
    "409": "Conflicts with the object's state or another object (the detail names it)",
    "415": "The body's content type is not one this operation reads",
    "422": "A field, parameter or value is refused (each one named in `errors`)",
}
CHANGING_METHODS = {"post", "put", "patch", "delete"}
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def refusals_of(path: str, method: str, operation: dict[str, Any], secured_globally: bool) -> list[str]:
    codes = []
    takes_body = "requestBody" in operation
    names_objects = "{" in path or takes_body or any(
        parameter.get("in") == "query" for parameter in operation.get("parameters", ()))
    if takes_body:
        codes += ["400", "415"]
    if operation.get("security") or secured_globally:
        codes += ["401", "403"]
    if names_objects:
        codes.append("404")
    if method in CHANGING_METHODS or "{" in path:
        codes.append("409")
    if operation.get("parameters") or takes_body or method in CHANGING_METHODS:
        codes.append("422")
    return codes


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the Problem schema and each operation's refusals to an OpenAPI document, in place."""
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    # FastAPI's own validation shapes are never sent: the problem handlers answer instead.
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    secured_globally = bool(schema.get("security"))
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in refusals_of(path, method, operation, secured_globally):
                responses[code] = {"description": REFUSALS[code],
                                   "content": {PROBLEM_JSON: {"schema": _PROBLEM_REF}}}
    return schema


def install_problem_documentation(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the document with the refusals, built once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes,
                openapi_version=app.openapi_version, servers=app.servers))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
