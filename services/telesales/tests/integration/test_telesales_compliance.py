"""Compliance (T6) and corrections against the real database: a do-not-call outcome flags the next
call to the number (counted, visible to the leader, answered by the check); calls outside hours or
over a cap are flagged; a correction moves the figures and announces itself exactly once; a call_id
resubmitted with other content is a refusal the sender reads back. The clock stands on a Wednesday
noon in Shanghai, the rules are the company defaults (Mon–Fri 09–20, Sat 10–18; 3 a day, 6 a week)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from telesales_world import Tokens, announce, at, group_created, hired, submitted

from shared.auth import Role
from shared.clock import FixedClock
from shared.events import CloudEvent
from shared.runtime import ServiceRuntime
from telesales.config import MIGRATIONS_DIR, TelesalesSettings

WEDNESDAY_NOON = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
NUMBER = "+86 138-0013-8000"
DEPARTMENT, GROUP, OTHER_GROUP = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def telesales_settings(service_settings) -> TelesalesSettings:
    # The shipped defaults, written out so that the tests do not move when a default does.
    return service_settings(
        TelesalesSettings, "telesales", MIGRATIONS_DIR, topic_partitions=3,
        calling_hours={**{d: [["09:00", "20:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                       "sat": [["10:00", "18:00"]], "sun": []},
        daily_cap_per_number=3, weekly_cap_per_number=6, correction_window_hours=48)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(WEDNESDAY_NOON)


async def rows(runtime: ServiceRuntime, sql: str, **params) -> list:
    async with runtime.engine.connect() as connection:
        return list(await connection.execute(text(sql), params))


async def violations(runtime: ServiceRuntime) -> dict[str, list[str]]:
    return {row.call_id: list(row.violations) for row in await rows(runtime, "SELECT call_id, violations FROM calls")}


async def day_figures(runtime: ServiceRuntime, agent_id: uuid.UUID):
    [row] = await rows(runtime, "SELECT dials, effective, orders, violations FROM daily_figures WHERE agent_id = :a",
                       a=agent_id)
    return tuple(row)


@pytest.fixture
async def team(runtime: ServiceRuntime, clock: FixedClock):
    """A leader with two agents in GROUP, and an agent of another group."""
    leader = hired("Zhao Lei", "group_leader", DEPARTMENT, GROUP, on=clock.today())
    agent = hired("Sun Li", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    peer = hired("Qian Yu", "telesales_agent", DEPARTMENT, GROUP, on=clock.today())
    stranger = hired("Wu Fei", "telesales_agent", DEPARTMENT, OTHER_GROUP, on=clock.today())
    await announce(runtime, leader, agent, peer, stranger, group_created(GROUP, DEPARTMENT, leader.employee_id))
    return leader, agent, peer, stranger


def as_(tokens: Tokens, person, *roles: str):
    return tokens.headers(*(roles or (person.role,)), employee_id=person.employee_id, group_id=person.group_id,
                          department_id=person.department_id)


class TestDoNotCall:
    async def test_a_do_not_call_outcome_flags_the_next_call_to_the_number(
            self, runtime, store, client, tokens: Tokens, clock: FixedClock, team) -> None:
        leader, agent, _, _ = team
        today = clock.today()
        first = submitted(agent.employee_id, started_at=at(clock, today, 10), disposition="do_not_call",
                          number_dialled="+8613800138000")
        # The same number written another way: compared normalised.
        second = submitted(agent.employee_id, started_at=at(clock, today, 11), number_dialled="138 0013 8000")
        await store(first, second)

        flagged = await violations(runtime)
        assert flagged == {first.call_id: [], second.call_id: ["do_not_call"]}
        # Both connected for 90 s, both effective; one broke a rule.
        assert await day_figures(runtime, agent.employee_id) == (2, 2, 0, 1)

        seen = await client.get("/calls", params={"flagged": "true"}, headers=as_(tokens, leader))
        [item] = seen.json()["items"]
        assert (item["call_id"], item["violations"], item["number_masked"]) == (second.call_id, ["do_not_call"], True)
        assert item["number_dialled"] == "138 **** 8000"
        board = (await client.get("/figures/daily", params={"group_id": str(GROUP)},
                                  headers=as_(tokens, leader))).json()
        assert {line["agent_id"]: line["figures"]["violations"] for line in board["agents"]}[
            str(agent.employee_id)] == 1

        check = await client.get("/do-not-call/check", params={"number": NUMBER}, headers=as_(tokens, agent))
        assert check.status_code == 200, check.text
        assert (check.json()["may_call"], check.json()["violations"]) == (False, ["do_not_call"])

    async def test_redelivery_counts_the_violation_once(self, runtime, store, clock: FixedClock, team) -> None:
        _, agent, _, _ = team
        await store(submitted(agent.employee_id, started_at=at(clock, clock.today(), 9, 30),
                              disposition="do_not_call", number_dialled="13900000001"))
        message = CloudEvent.wrap(submitted(agent.employee_id, started_at=at(clock, clock.today(), 10),
                                            number_dialled="13900000001"), source="/telesales")
        await store(message, message)
        assert await day_figures(runtime, agent.employee_id) == (2, 2, 0, 1)

    async def test_listing_by_hand_and_removal_with_a_reason_by_an_authorised_role(
            self, client, tokens: Tokens, team) -> None:
        _, agent, _, _ = team
        added = await client.post("/do-not-call", json={"number": "13911112222", "source": "customer_request"},
                                  headers=as_(tokens, agent))
        assert (added.status_code, added.json()["added"]) == (201, 1)
        again = await client.post("/do-not-call", json={"number": "+86 139 1111 2222"}, headers=as_(tokens, agent))
        assert again.json()["added"] == 0

        by_agent = await client.post("/do-not-call/13911112222/removal", json={"reason": "asked to be called"},
                                     headers=as_(tokens, agent))
        no_reason = await client.post("/do-not-call/13911112222/removal", json={"reason": "  "},
                                      headers=tokens.headers(Role.ADMIN))
        missing = await client.post("/do-not-call/13911112222/removal", json={},
                                    headers=tokens.headers(Role.ADMIN))
        assert (by_agent.status_code, no_reason.status_code, missing.status_code) == (403, 422, 422)
        assert "reason" in no_reason.text and "reason" in missing.text
        assert (await client.get("/do-not-call/check", params={"number": "13911112222"},
                                 headers=as_(tokens, agent))).json()["may_call"] is False

        removed = await client.post("/do-not-call/13911112222/removal", json={"reason": "customer asked in writing"},
                                    headers=tokens.headers(Role.ADMIN))
        assert removed.status_code == 204
        assert (await client.get("/do-not-call/check", params={"number": "13911112222"},
                                 headers=as_(tokens, agent))).json()["may_call"] is True
        gone = await client.post("/do-not-call/13911112222/removal", json={"reason": "twice"},
                                 headers=tokens.headers(Role.ADMIN))
        assert gone.status_code == 404

    async def test_an_import_with_one_bad_number_writes_nothing(self, client, tokens: Tokens, team) -> None:
        leader, agent, _, _ = team
        bad = await client.post("/do-not-call/import", json={"numbers": ["13900000011", "12"]},
                                headers=as_(tokens, leader))
        assert bad.status_code == 422 and "numbers[1]" in bad.text
        by_agent = await client.post("/do-not-call/import", json={"numbers": ["13900000011"]},
                                     headers=as_(tokens, agent))
        assert by_agent.status_code == 403
        listed = await client.get("/do-not-call", headers=as_(tokens, leader))
        assert listed.json()["total"] == 0
        good = await client.post("/do-not-call/import", json={"numbers": ["13900000011", "13900000012"]},
                                 headers=as_(tokens, leader))
        assert (good.status_code, good.json()["added"]) == (201, 2)
        assert (await client.get("/do-not-call", headers=as_(tokens, agent))).status_code == 403


class TestHoursAndCaps:
    async def test_a_call_outside_hours_is_flagged(self, runtime, store, clock: FixedClock, team) -> None:
        _, agent, _, _ = team
        late = submitted(agent.employee_id, started_at=at(clock, clock.today(), 21, 30), number_dialled="13700000001")
        early = submitted(agent.employee_id, started_at=at(clock, clock.today(), 8, 59), number_dialled="13700000002")
        fine = submitted(agent.employee_id, started_at=at(clock, clock.today(), 9, 0), number_dialled="13700000003")
        await store(late, early, fine)
        flagged = await violations(runtime)
        assert flagged == {late.call_id: ["outside_hours"], early.call_id: ["outside_hours"], fine.call_id: []}
        assert (await day_figures(runtime, agent.employee_id))[3] == 2

    async def test_the_fourth_call_of_a_day_to_one_number_is_over_the_cap(
            self, runtime, store, client, tokens: Tokens, clock: FixedClock, team) -> None:
        _, agent, _, _ = team
        calls = [submitted(agent.employee_id, started_at=at(clock, clock.today(), 9, minute),
                           number_dialled="13600000001") for minute in (10, 20, 30, 40)]
        # Stored out of order: the call stored fourth is the one over the cap; never more than one.
        await store(calls[3], calls[0], calls[2], calls[1])
        flagged = await violations(runtime)
        assert (flagged[calls[1].call_id], sum(bool(v) for v in flagged.values())) == (["daily_cap"], 1)
        check = (await client.get("/do-not-call/check", params={"number": "13600000001"},
                                  headers=as_(tokens, agent))).json()
        assert (check["may_call"], check["violations"], check["calls_today"]) == (False, ["daily_cap"], 4)
        tomorrow = (await client.get("/do-not-call/check", headers=as_(tokens, agent), params={
            "number": "13600000001", "at": at(clock, clock.today() + timedelta(days=1), 10).isoformat()})).json()
        assert (tomorrow["may_call"], tomorrow["calls_today"]) == (True, 0)
        far = await client.get("/do-not-call/check", headers=as_(tokens, agent),
                               params={"number": "13600000001", "at": "0001-01-01T00:00:00+14:00"})
        unreadable = await client.get("/do-not-call/check", params={"number": "12"}, headers=as_(tokens, agent))
        assert (far.status_code, unreadable.status_code) == (422, 422)

    async def test_rules_are_set_by_an_admin_and_bad_windows_refused(
            self, runtime, store, client, tokens: Tokens, clock: FixedClock, team) -> None:
        _, agent, _, _ = team
        overlap = {"hours": {"wed": [["09:00", "13:00"], ["12:00", "18:00"]]}, "daily_cap": 3, "weekly_cap": 6}
        backwards = {"hours": {"wed": [["18:00", "09:00"]]}, "daily_cap": 3, "weekly_cap": 6}
        admin = tokens.headers(Role.ADMIN)
        overlapping = await client.put("/compliance/rules", json=overlap, headers=admin)
        reversed_ = await client.put("/compliance/rules", json=backwards, headers=admin)
        assert (overlapping.status_code, reversed_.status_code) == (422, 422)
        assert "overlap" in overlapping.text and "hours.wed" in overlapping.text
        assert "hours.wed[0]" in reversed_.text
        not_admin = await client.put("/compliance/rules", json={"hours": {}, "daily_cap": None, "weekly_cap": None},
                                     headers=as_(tokens, agent))
        assert not_admin.status_code == 403
        assert (await client.get("/compliance/rules", headers=admin)).json()["hours"]["wed"] == [["09:00", "20:00"]]

        evenings = {"hours": {"wed": [["18:00", "22:00"]]}, "daily_cap": None, "weekly_cap": None}
        assert (await client.put("/compliance/rules", json=evenings, headers=admin)).status_code == 200
        runtime_rules = await client.get("/compliance/rules", headers=admin)
        assert runtime_rules.json()["hours"]["wed"] == [["18:00", "22:00"]]
        # The API and the worker share nothing but the database: the worker re-reads within its refresh.
        clock.advance(timedelta(seconds=runtime.bus.policy.rules_refresh_seconds + 1))
        noon = submitted(agent.employee_id, started_at=at(clock, clock.today(), 12), number_dialled="13500000001")
        await store(noon)
        [row] = await rows(runtime, "SELECT violations FROM calls")
        assert list(row.violations) == ["outside_hours"]


class TestConflicts:
    async def test_a_resubmitted_id_with_other_content_is_refused_and_reported(
            self, runtime, store, client, tokens: Tokens, clock: FixedClock, team) -> None:
        _, agent, _, _ = team
        original = submitted(agent.employee_id, started_at=at(clock, clock.today(), 10), disposition="intent")
        retry = original.model_copy()
        changed = original.model_copy(update={"disposition": "order"})
        await store(original, retry, changed)

        [row] = await rows(runtime, "SELECT disposition FROM calls")
        assert row.disposition == "intent"
        assert await day_figures(runtime, agent.employee_id) == (1, 1, 0, 0)
        refusals = await client.get("/intake/refusals", headers=as_(tokens, agent))
        assert [(r["call_id"], r["kind"]) for r in refusals.json()] == [(original.call_id, "conflict")]
        _, _, peer, _ = team
        assert (await client.get("/intake/refusals", headers=as_(tokens, peer))).json() == []
        assert len((await client.get("/intake/refusals", headers=tokens.headers(Role.ADMIN))).json()) == 1
        outbox = await rows(runtime, "SELECT event_type FROM outbox")
        assert [o.event_type for o in outbox] == ["telesales.call.logged.v1"]


class TestCorrections:
    async def test_a_correction_moves_the_figures_and_announces_itself_exactly_once(
            self, runtime, store, client, tokens: Tokens, clock: FixedClock, team) -> None:
        leader, agent, _, _ = team
        call = submitted(agent.employee_id, started_at=at(clock, clock.today(), 10), disposition="refused",
                         duration_seconds=30)
        await store(call)
        assert await day_figures(runtime, agent.employee_id) == (1, 0, 0, 0)

        body = {"disposition": "order", "stage_reached": "closing", "reason": "the customer called back to buy",
                "expected_version": 1}
        first = await client.post(f"/calls/{call.call_id}/corrections", json=body, headers=as_(tokens, agent))
        assert first.status_code == 200, first.text
        assert (first.json()["version"], first.json()["disposition"], first.json()["effective"]) == (2, "order", True)
        stale = await client.post(f"/calls/{call.call_id}/corrections", json=body, headers=as_(tokens, agent))
        same = await client.post(f"/calls/{call.call_id}/corrections", json={**body, "expected_version": None},
                                 headers=as_(tokens, agent))
        assert stale.status_code == 409 and "expected_version" in stale.text
        assert (same.status_code, same.json()["version"]) == (200, 2)

        assert await day_figures(runtime, agent.employee_id) == (1, 1, 1, 0)
        events = await rows(runtime, "SELECT event_type, envelope FROM outbox ORDER BY event_type")
        corrected = [e.envelope["data"] for e in events if e.event_type == "telesales.call.corrected.v1"]
        assert len(corrected) == 1
        assert (corrected[0]["version"], corrected[0]["previous_disposition"], corrected[0]["disposition"],
                corrected[0]["previous_effective"], corrected[0]["effective"]) == (2, "refused", "order", False, True)

        by_leader = await client.post(f"/calls/{call.call_id}/corrections",
                                      json={"disposition": "intent", "reason": "no order was signed"},
                                      headers=as_(tokens, leader))
        assert (by_leader.status_code, by_leader.json()["version"]) == (200, 3)
        assert await day_figures(runtime, agent.employee_id) == (1, 1, 0, 0)
        _, _, peer, stranger = team
        for outsider in (peer, stranger):
            hidden = await client.get(f"/calls/{call.call_id}/versions", headers=as_(tokens, outsider))
            assert hidden.status_code == 404
        versions = (await client.get(f"/calls/{call.call_id}/versions", headers=as_(tokens, leader))).json()
        assert [(v["version"], v["disposition"], v["changed_by"]) for v in versions] == [
            (1, "refused", str(agent.employee_id)), (2, "order", str(agent.employee_id)),
            (3, "intent", str(leader.employee_id))]

    async def test_who_may_correct_and_bad_corrections(
            self, store, client, tokens: Tokens, clock: FixedClock, team) -> None:
        leader, agent, peer, _ = team
        call = submitted(agent.employee_id, started_at=at(clock, clock.today(), 10), disposition="intent")
        await store(call)
        url = f"/calls/{call.call_id}/corrections"
        by_peer = await client.post(url, json={"disposition": "order", "reason": "mine now"}, headers=as_(tokens, peer))
        no_reason = await client.post(url, json={"disposition": "order"}, headers=as_(tokens, agent))
        nothing = await client.post(url, json={"reason": "just because"}, headers=as_(tokens, agent))
        contradiction = await client.post(url, json={"disposition": "busy", "reason": "wrong"},
                                          headers=as_(tokens, agent))
        hr = await client.post(url, json={"disposition": "order", "reason": "x"}, headers=tokens.headers(Role.HR))
        assert (by_peer.status_code, no_reason.status_code, nothing.status_code, contradiction.status_code,
                hr.status_code) == (404, 422, 422, 422, 403)

        clock.advance(timedelta(hours=49))
        late = await client.post(url, json={"disposition": "order", "reason": "forgot"}, headers=as_(tokens, agent))
        assert late.status_code == 403 and "48 hours" in late.text
        by_leader = await client.post(url, json={"disposition": "order", "reason": "confirmed"},
                                      headers=as_(tokens, leader))
        assert by_leader.status_code == 200

    async def test_a_correction_to_do_not_call_lists_the_number(
            self, store, client, tokens: Tokens, clock: FixedClock, team) -> None:
        _, agent, _, _ = team
        call = submitted(agent.employee_id, started_at=at(clock, clock.today(), 10), number_dialled="13300000009",
                         disposition="refused")
        await store(call)
        check = {"number": "13300000009"}
        assert (await client.get("/do-not-call/check", params=check, headers=as_(tokens, agent))).json()[
            "violations"] == []
        corrected = await client.post(f"/calls/{call.call_id}/corrections", headers=as_(tokens, agent),
                                      json={"disposition": "do_not_call", "reason": "asked never to be called"})
        assert corrected.status_code == 200, corrected.text
        assert (await client.get("/do-not-call/check", params=check, headers=as_(tokens, agent))).json()[
            "violations"] == ["do_not_call"]
