"""Issue 12's door for a dialler, through the gateway on the dev stack: an administrator creates a
service account scoped to one telesales department; the dialler exchanges its credentials for an
intake token; a batch for an agent telesales does not know yet is a 422 (sent again, accepted once
the hire arrived), one with an agent of another department a 403 naming the record, nothing of it
stored; a call_id resent with other content a 409 naming the fields. A customer's request not to
be called, recorded in crm, reaches the do-not-call list (no number in the event) and flags the
next call to the number. Once revoked, the account's token in hand is refused by intake."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from flow_helpers import Person, eventually

from devstack.pytest_plugin import suite_instant
from shared.clock import FixedClock, first_day, shift_month

CLOCK = FixedClock(suite_instant())
HIRED_ON = first_day(shift_month(CLOCK.month(), -1)).isoformat()
NUMBER = "13912345678"


def test_a_dialler_posts_for_its_scope_and_a_customers_request_flags_the_next_call(running_stack) -> None:
    tag = uuid.uuid4().hex[:6]
    admin = Person(running_stack.gateway, running_stack.admin_token(), "admin")

    def department(name: str) -> str:
        found = admin.expect(201, "POST", "/org/departments", json={"name": f"{name} {tag}", "kind": "telesales"})
        admin.expect(200, "PUT", f"/org/departments/{found['id']}/headcount/telesales_agent", json={"planned": 1})
        return found["id"]

    def hire(name: str, department_id: str, login: str) -> str:
        return admin.expect(201, "POST", "/org/employees", json={
            "name": name, "role": "telesales_agent", "department_id": department_id, "hired_on": HIRED_ON,
            "login": login, "password": f"{login}-password"})["id"]

    ours, theirs = department("电销一部"), department("电销二部")
    account = admin.expect(201, "POST", "/telesales/service-accounts",
                           json={"name": f"dialler {tag}", "department_ids": [ours]})
    token = httpx.post(f"{running_stack.gateway}/auth/token", json={
        "grant_type": "client_credentials", "client_id": account["client_id"],
        "client_secret": account["client_secret"]}, timeout=20)
    assert token.status_code == 200, token.text
    dialler = Person(running_stack.gateway, token.json()["access_token"], "dialler")

    def call(call_id: str, agent_id: str, **overrides) -> dict:
        started_at = (CLOCK.now() - timedelta(minutes=30)).astimezone(CLOCK.timezone)
        return {"call_id": f"{tag}-{call_id}", "agent_id": agent_id, "number_dialled": "+86 139 0000 0001",
                "started_at": started_at.isoformat(), "duration_seconds": 95, "connected": True,
                "disposition": "intent", **overrides}

    # An agent telesales has not heard of yet: 422 "unknown to telesales", not a permanent refusal.
    sun_id = hire("Sun Yue", ours, f"sun{tag}")
    first = dialler.request("POST", "/telesales-intake/calls/batch", json={"calls": [call("1", sun_id)]})
    assert first.status_code in (202, 422), first.text
    if first.status_code == 422:
        assert first.json()["records"][0]["problem"] == "unknown_agent"
        eventually(lambda: dialler.request("POST", "/telesales-intake/calls/batch",
                                           json={"calls": [call("1", sun_id)]}),
                   until=lambda r: r.status_code == 202, what="telesales to know the agent")

    wu_id = hire("Wu Fei", theirs, f"wu{tag}")
    eventually(lambda: dialler.request("POST", "/telesales-intake/calls/batch",
                                       json={"calls": [call("2", sun_id), call("3", wu_id)]}),
               until=lambda r: r.status_code == 403, what="the agent of another department to be refused")
    refused = dialler.expect(403, "POST", "/telesales-intake/calls/batch",
                             json={"calls": [call("2", sun_id), call("3", wu_id)]})
    assert [(r["index"], r["agent_id"], r["problem"]) for r in refused["records"]] == [(1, wu_id, "out_of_scope")]

    # The same record again is accepted; other content under its call_id is a 409 naming the fields.
    dialler.expect(202, "POST", "/telesales-intake/calls", json=call("1", sun_id))
    conflict = dialler.expect(409, "POST", "/telesales-intake/calls", json=call("1", sun_id, duration_seconds=96))
    assert conflict["fields"] == ["duration_seconds"]

    # A customer asks, in crm, not to be called again (the admin records it on the customer's lead).
    lead = admin.expect(201, "POST", "/crm/leads", json={"name": "Li Lei", "phone": NUMBER, "source": "marketing"})
    admin.expect(201, "POST", f"/crm/leads/{lead['id']}/do-not-call", json={"note": "asked on the phone"})
    sun = Person(running_stack.gateway, running_stack.login(f"sun{tag}", f"sun{tag}-password"), "sun")
    check = eventually(lambda: sun.get("/telesales/do-not-call/check", params={"number": f"+86 {NUMBER}"}),
                       until=lambda body: body["may_call"] is False and "do_not_call" in body["violations"],
                       what="the request to reach the do-not-call list")
    assert check["listed_source"] == "customer_request"

    dialler.expect(202, "POST", "/telesales-intake/calls", json=call("4", sun_id, number_dialled=NUMBER))
    flagged = eventually(lambda: sun.get("/telesales/calls", params={"flagged": "true"}),
                         until=lambda page: any(c["call_id"] == f"{tag}-4" for c in page["items"]),
                         what="the call to the listed number to be stored, flagged")
    assert "do_not_call" in next(c for c in flagged["items"] if c["call_id"] == f"{tag}-4")["violations"]

    # Revoked: the token in hand is refused by intake within its cache period.
    admin.expect(204, "POST", f"/telesales/service-accounts/{account['id']}/revocation",
                 json={"reason": "dialler replaced"})
    late = eventually(lambda: dialler.request("POST", "/telesales-intake/calls", json=call("5", sun_id)),
                      until=lambda r: r.status_code == 403, what="intake to refuse the revoked account")
    assert "revoked" in late.json()["detail"]
    for person in (admin, dialler, sun):
        person.close()
