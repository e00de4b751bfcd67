"""The gateway in front of a real service app (shared.web.create_app), over httpx.ASGITransport."""

import uuid

import httpx
from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel

from devstack.pytest_plugin import asgi_client
from gateway.app import create_app
from shared.auth import CurrentUser, Principal, Role
from shared.errors import Conflict
from shared.web import create_app as create_service_app


class NoteCreate(BaseModel):
    text: str


def note_service() -> FastAPI:
    router = APIRouter()

    @router.post("/notes", status_code=201)
    async def create_note(body: NoteCreate, request: Request, user: CurrentUser, tag: str = "") -> dict:
        """Create a note."""
        return {"text": body.text, "tag": tag, "by": str(user.employee_id),
                "request_id": request.headers.get("x-request-id")}

    @router.put("/notes/{note_id}")
    async def replace_note(note_id: str, body: NoteCreate, user: CurrentUser) -> dict:
        """Replace a note; the demo note is always locked."""
        raise Conflict(f"note {note_id} is locked", note_id=note_id)

    @router.delete("/notes/{note_id}", status_code=204)
    async def delete_note(note_id: str, user: CurrentUser) -> Response:
        """Delete a note."""
        return Response(status_code=204)

    return create_service_app(title="Notes", service="notes", routers=[router])


def gateway_in_front_of(service_app: FastAPI, settings, codec) -> FastAPI:
    """A gateway whose every service is ``service_app``, which trusts the gateway's tokens."""
    service_app.state.token_codec = codec
    return create_app(settings, transport=httpx.ASGITransport(app=service_app))


async def test_a_request_passes_through_with_body_query_and_status_intact(settings, codec):
    gateway = gateway_in_front_of(note_service(), settings, codec)
    user = Principal(employee_id=uuid.uuid4(), roles=frozenset({Role.SALES_REP}))
    token, _ = codec.issue(user)
    auth = {"Authorization": f"Bearer {token}"}

    async with asgi_client(gateway) as client:
        created = await client.post("/api/crm/notes", params={"tag": "follow up"}, json={"text": "call back"},
                                    headers={**auth, "X-Request-ID": "trace-7"})
        locked = await client.put("/api/crm/notes/n-1", json={"text": "x"}, headers=auth)
        invalid = await client.post("/api/crm/notes", json={}, headers=auth)
        anonymous = await client.post("/api/crm/notes", json={"text": "x"})
        deleted = await client.delete("/api/crm/notes/n-1", headers=auth)
        missing = await client.get("/api/crm/nothing-here")
        document = await client.get("/api/crm/openapi.json")

    assert created.status_code == 201
    assert created.json() == {"text": "call back", "tag": "follow up", "by": str(user.employee_id),
                              "request_id": "trace-7"}
    assert created.headers["x-request-id"] == "trace-7"

    assert locked.status_code == 409
    assert locked.headers["content-type"] == "application/problem+json"
    assert locked.json()["detail"] == "note n-1 is locked"
    assert locked.json()["note_id"] == "n-1"

    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "text"
    assert anonymous.status_code == 401
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "Notes"


async def test_readiness_through_real_services(settings, codec):
    gateway = gateway_in_front_of(note_service(), settings, codec)

    async with asgi_client(gateway) as client:
        response = await client.get("/readyz")

    assert response.status_code == 200
    assert set(response.json()["services"]) == set(settings.services)
