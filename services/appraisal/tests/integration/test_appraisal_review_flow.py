"""The whole review (A3) on the real database: self → leader → superior → HR → feedback interview
→ acknowledgement, each by a different person the org chart names; deadlines and the overdue
list; a close refused while reviews are missing, then closed by HR with a stated rule that every
result records."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import httpx
from appraisal_world import Person, Tokens, World

from shared.auth import Role
from shared.clock import FixedClock, first_day


def ratings(value: str) -> dict[str, str]:
    return {"teamwork": value, "ability": value}


async def review(client: httpx.AsyncClient, headers: dict, employee: Person, stage: str, period: str,
                 value: str = "80") -> httpx.Response:
    return await client.post(f"/periods/{period}/employees/{employee.id}/reviews", headers=headers,
                             json={"stage": stage, "ratings": ratings(value)})


async def interview(client: httpx.AsyncClient, headers: dict, employee: Person, period: str,
                    held_on: str) -> httpx.Response:
    return await client.post(f"/periods/{period}/employees/{employee.id}/interview", headers=headers,
                             json={"held_on": held_on, "notes": "Good month; follow-ups late twice.",
                                   "improvement_plan": "Call back within 48 hours."})


def line(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(item for item in body["indicators"] if item["key"] == key)


class TestTheChain:
    async def test_every_stage_in_order_by_its_own_person_then_interview_and_acknowledgement(
            self, world: World, client, tokens: Tokens, clock: FixedClock, period: str):
        rep = world.rep
        assert (await review(client, tokens.of(rep), rep, "self", period, "60")).status_code == 201
        # Not yet: the interview follows the reviews.
        early = await interview(client, tokens.of(world.manager), rep, period, clock.today().isoformat())
        assert early.status_code == 409 and early.json()["missing_stages"] == ["leader", "superior"]
        assert (await review(client, tokens.of(world.leader), rep, "leader", period, "80")).status_code == 201
        # A leader writing their own superior's stage is refused.
        assert (await review(client, tokens.of(world.leader), rep, "superior", period)).status_code == 403
        assert (await review(client, tokens.of(world.manager), rep, "superior", period, "90")).status_code == 201
        assert (await review(client, tokens.hr(), rep, "hr", period, "85")).status_code == 201

        # The interview: by the manager, not by the leader nor the employee.
        today = clock.today().isoformat()
        assert (await interview(client, tokens.of(world.leader), rep, period, today)).status_code == 403
        assert (await interview(client, tokens.of(rep), rep, period, today)).status_code == 403
        tomorrow = (clock.today() + timedelta(days=1)).isoformat()
        future = await interview(client, tokens.of(world.manager), rep, period, tomorrow)
        assert future.status_code == 422 and future.json()["errors"][0]["field"] == "held_on"
        held = await interview(client, tokens.of(world.manager), rep, period, today)
        assert held.status_code == 201, held.text
        assert held.json()["acknowledged_at"] is None
        assert (await interview(client, tokens.of(world.manager), rep, period, today)).status_code == 409

        # The acknowledgement: the employee's alone, once.
        url = f"/periods/{period}/employees/{rep.id}/acknowledgement"
        assert (await client.post(url, headers=tokens.of(world.leader), json={})).status_code == 403
        assert (await client.post(url, headers=tokens.of(world.rep3), json={})).status_code == 404
        done = await client.post(url, headers=tokens.of(rep), json={"comment": "Agreed."})
        assert done.status_code == 201 and done.json()["acknowledged_at"] is not None
        assert (await client.post(url, headers=tokens.of(rep), json={})).status_code == 409
        seen = await client.get(f"/periods/{period}/employees/{rep.id}/feedback", headers=tokens.of(rep))
        assert seen.json()["acknowledgement_comment"] == "Agreed."
        assert len(await world.outbox("appraisal.feedback.interview_held.v1")) == 1
        assert len(await world.outbox("appraisal.result.acknowledged.v1")) == 1
        # Outside the caller's scope the feedback does not exist.
        assert (await client.get(f"/periods/{period}/employees/{rep.id}/feedback",
                                 headers=tokens.of(world.rep2))).status_code == 404

    async def test_the_same_person_never_writes_two_stages(self, world: World, client, tokens: Tokens,
                                                           period: str):
        # Leader Zhang leads their own group: the manager is their leader-stage reviewer and, as the
        # department's manager, could write the superior stage too; the second is refused.
        leader = world.leader
        assert (await review(client, tokens.of(leader), leader, "self", period)).status_code == 201
        assert (await review(client, tokens.of(world.manager), leader, "leader", period)).status_code == 201
        twice = await review(client, tokens.of(world.manager), leader, "superior", period)
        assert twice.status_code == 403 and twice.json()["written_stage"] == "leader"
        assert len(await world.outbox("appraisal.review.submitted.v1")) == 2


class TestDeadlines:
    async def test_stages_past_their_day_are_listed_for_hr(self, world: World, client, tokens: Tokens,
                                                            clock: FixedClock, period: str):
        month_after = first_day(clock.month())
        assert (await review(client, tokens.of(world.rep), world.rep, "self", period)).status_code == 201
        # The 9th: self and leader reviews (due the 8th) are overdue, the superior's (the 10th) not yet.
        clock.set(datetime.combine(month_after.replace(day=9), time(10), tzinfo=clock.timezone))
        overdue = await client.get(f"/periods/{period}/overdue-reviews", headers=tokens.hr())
        assert overdue.status_code == 200, overdue.text
        rows = {(row["employee_id"], row["stage"]): row for row in overdue.json()}
        assert (str(world.rep.id), "self") not in rows
        assert rows[(str(world.rep.id), "leader")]["reviewer_id"] == str(world.leader.id)
        assert rows[(str(world.rep.id), "leader")]["due_on"] == month_after.replace(day=8).isoformat()
        assert {stage for _, stage in rows} == {"self", "leader"}
        assert {employee for employee, _ in rows} == {str(p.id) for p in world.appraised}
        # The 11th: the superior's are overdue too.
        clock.set(datetime.combine(month_after.replace(day=11), time(10), tzinfo=clock.timezone))
        later = (await client.get(f"/periods/{period}/overdue-reviews", headers=tokens.hr())).json()
        assert {row["stage"] for row in later} == {"self", "leader", "superior"}
        assert (await client.get(f"/periods/{period}/overdue-reviews",
                                 headers=tokens.of(world.manager))).status_code == 403


class TestClosingWithMissingReviews:
    async def test_refused_while_missing_then_closed_by_hr_with_the_stated_rule(
            self, world: World, client, tokens: Tokens, period: str):
        rep = world.rep
        assert (await review(client, tokens.of(rep), rep, "self", period, "60")).status_code == 201
        assert (await review(client, tokens.of(world.leader), rep, "leader", period, "80")).status_code == 201

        refused = await client.post(f"/periods/{period}/close", headers=tokens.hr())
        assert refused.status_code == 409, refused.text
        missing = {row["employee_id"]: row["missing_stages"] for row in refused.json()["missing_reviews"]}
        assert missing[str(rep.id)] == ["superior"]
        assert missing[str(world.agent.id)] == ["self", "leader", "superior"]
        # Nothing half-written: the period is still open, nothing announced.
        assert (await client.get(f"/periods/{period}", headers=tokens.hr())).json()["status"] == "open"
        assert await world.outbox("appraisal.period.closed.v1") == []

        bad = await client.post(f"/periods/{period}/close", headers=tokens.hr(),
                                json={"missing_stages_rule": "ignore"})
        assert bad.status_code == 422
        # The superior's missing stage counts as the leader's ratings: (60×20 + 80×40 + 80×40) ÷ 100 = 76.
        closed = await client.post(f"/periods/{period}/close", headers=tokens.hr(),
                                   json={"missing_stages_rule": "leader"})
        assert closed.status_code == 200, closed.text
        results = {row["employee_id"]: row for row in closed.json()["results"]}
        assert (results[str(rep.id)]["missing_stages"], results[str(rep.id)]["missing_stages_rule"]) == (
            ["superior"], "leader")
        frozen = (await client.get(f"/periods/{period}/employees/{rep.id}/score", headers=tokens.hr())).json()
        assert line(frozen, "teamwork")["raw_value"] == "76.00"
        # Without any leader review, the leader rule counts the missing stages as 0.
        agent = results[str(world.agent.id)]
        assert agent["missing_stages"] == ["self", "leader", "superior"]
        finalized = {e["data"]["employee_id"]: e["data"] for e in await world.outbox("appraisal.result.finalized.v1")}
        assert finalized[str(rep.id)]["missing_stages"] == ["superior"]
        assert finalized[str(rep.id)]["missing_stages_rule"] == "leader"

    async def test_complete_reviews_close_without_a_rule(self, world: World, client, tokens: Tokens,
                                                         period: str):
        # A leader's manager writes their leader stage, so the superior stage needs someone else:
        # a supervisor of the department.
        supervisors = {
            department: Person(f"Supervisor {n}", Role.SUPERVISOR, department, hired_on=world.manager.hired_on)
            for n, department in enumerate((world.sales, world.telesales))}
        await world.apply(*(supervisor.hired() for supervisor in supervisors.values()))
        for person in world.appraised:
            for stage, by in _chain(world, tokens, person, supervisors[person.department_id]):
                assert (await review(client, by, person, stage, period)).status_code == 201, (person.name, stage)
        closed = await client.post(f"/periods/{period}/close", headers=tokens.hr())
        assert closed.status_code == 200, closed.text
        assert all(row["missing_stages"] == [] and row["missing_stages_rule"] is None
                   for row in closed.json()["results"])


def _chain(world: World, tokens: Tokens, person: Person, supervisor: Person) -> list[tuple[str, dict]]:
    """Who writes each stage for ``person`` in the test company."""
    by_id = {p.id: p for p in world.people}
    leader = {world.east1: world.leader, world.east2: world.leader2, world.phones: world.tele_leader}[person.group_id]
    if leader is person:  # leads their own group: their manager is the leader stage
        return [("self", tokens.of(person)), ("leader", tokens.of(by_id[person.manager_id])),
                ("superior", tokens.of(supervisor))]
    return [("self", tokens.of(person)), ("leader", tokens.of(leader)),
            ("superior", tokens.of(by_id[leader.manager_id]))]
