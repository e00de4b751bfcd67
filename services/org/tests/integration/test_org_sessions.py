"""Login sessions behind the gateway's short-lived access tokens: a refresh token is used once,
a copy used again closes every session of its owner, logout and leaving end them."""

from __future__ import annotations

from datetime import timedelta

from org_company import Company, Tokens

from shared.auth import Role
from shared.clock import FixedClock


async def test_a_session_refreshes_once_per_token_and_ends_with_logout(company: Company, tokens: Tokens, client):
    sales = await company.department()
    await company.plan(sales, Role.SALES_REP, 1)
    rep = await company.hire(sales, "Rep Li")
    system = tokens.headers(Role.SYSTEM)

    opened = await client.post("/internal/sessions", json={"employee_id": rep["id"]}, headers=system)
    assert opened.status_code == 201, opened.text
    first = opened.json()["refresh_token"]
    assert opened.json()["roles"] == ["sales_rep"]

    refreshed = await client.post("/internal/sessions/refresh", json={"refresh_token": first}, headers=system)
    assert refreshed.status_code == 200 and refreshed.json()["refresh_token"] != first
    second = refreshed.json()["refresh_token"]

    closed = await client.post("/internal/sessions/close", json={"refresh_token": second}, headers=system)
    assert closed.status_code == 204
    again = await client.post("/internal/sessions/refresh", json={"refresh_token": second}, headers=system)
    assert again.status_code == 401
    # Only the gateway (a system caller) may open one.
    assert (await client.post("/internal/sessions", json={"employee_id": rep["id"]},
                              headers=tokens.of(rep))).status_code == 403


async def test_a_used_refresh_token_presented_again_closes_every_session_of_its_owner(
        company: Company, tokens: Tokens, client):
    sales = await company.department()
    await company.plan(sales, Role.SALES_REP, 1)
    rep = await company.hire(sales, "Rep Li")
    system = tokens.headers(Role.SYSTEM)
    stolen = (await client.post("/internal/sessions", json={"employee_id": rep["id"]}, headers=system)).json()
    other_device = (await client.post("/internal/sessions", json={"employee_id": rep["id"]}, headers=system)).json()
    await client.post("/internal/sessions/refresh", json={"refresh_token": stolen["refresh_token"]}, headers=system)

    replayed = await client.post("/internal/sessions/refresh", json={"refresh_token": stolen["refresh_token"]},
                                 headers=system)
    assert replayed.status_code == 401 and "already used" in replayed.json()["detail"]
    other = await client.post("/internal/sessions/refresh", json={"refresh_token": other_device["refresh_token"]},
                              headers=system)
    assert other.status_code == 401


async def test_no_refresh_for_a_leaver_or_after_the_session_expired(company: Company, tokens: Tokens, client,
                                                                  clock: FixedClock, org_settings):
    sales = await company.department()
    await company.plan(sales, Role.SALES_REP, 2)
    leaver, idle = await company.hire(sales, "Rep Li"), await company.hire(sales, "Rep Wu")
    system = tokens.headers(Role.SYSTEM)
    leaver_token = (await client.post("/internal/sessions", json={"employee_id": leaver["id"]},
                                      headers=system)).json()["refresh_token"]
    idle_token = (await client.post("/internal/sessions", json={"employee_id": idle["id"]},
                                    headers=system)).json()["refresh_token"]
    left = await client.post(f"/employees/{leaver['id']}/leave", json={"left_on": company.today.isoformat()},
                             headers=company.admin)
    assert left.status_code == 200, left.text

    assert (await client.post("/internal/sessions/refresh", json={"refresh_token": leaver_token},
                              headers=system)).status_code == 401
    clock.advance(timedelta(seconds=org_settings.session_ttl_seconds + 1))
    assert (await client.post("/internal/sessions/refresh", json={"refresh_token": idle_token},
                              headers=system)).status_code == 401
